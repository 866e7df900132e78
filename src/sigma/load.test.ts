import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../core/index.js';
import { loadRuleTexts } from './load.js';

const load = (text: string, file = 'r.yml') => {
  const issues = new IssueCollector();
  return { set: loadRuleTexts([{ file, text }], issues), issues };
};

const good = `title: t
id: r1
logsource:
  product: windows
  category: process_creation
tags: [attack.t1059.001, cve.2021-26855]
detection:
  sel:
    Image|endswith: '\\cmd.exe'
  condition: sel
level: high
`;

describe('loadRuleTexts', () => {
  it('loads a rule into plain-data IR with its origin', () => {
    const { set } = load(good);
    expect(set.skipped).toEqual([]);
    const r = set.detections[0]!;
    expect(r).toMatchObject({ id: 'r1', level: 'high', origin: { file: 'r.yml', line: 1, col: 1 }, fields: ['Image'] });
    expect(r.detection).toEqual({ kind: 'field', field: 'Image', test: { op: 'pattern', parts: [{ t: 'any' }, { t: 'lit', v: '\\cmd.exe' }], cased: false } });
    // The IR survives JSON (the SQL compiler's contract).
    expect(JSON.parse(JSON.stringify(r.detection))).toEqual(r.detection);
  });

  it('locates an unknown modifier at its search identifier (file:line:col)', () => {
    const { set, issues } = load(good.replace('Image|endswith', 'Image|endswithh'));
    expect(set.detections).toEqual([]);
    expect(set.skipped).toEqual([{ file: 'r.yml', line: 9, col: 5, reason: "modifier 'endswithh' is not known" }]);
    expect(issues.all()[0]).toMatchObject({ code: 'rule-unsupported', location: { path: 'r.yml', line: 9, col: 5 } });
  });

  it('locates a schema error at the offending key', () => {
    const { set } = load(good.replace('level: high', 'level: severe'));
    expect(set.skipped[0]).toMatchObject({ line: 11, reason: expect.stringContaining('level') });
  });

  it('reports YAML syntax errors with their position and keeps other documents', () => {
    const { set } = load(`${good}---\ntitle: [unclosed\n---\n${good.replace('id: r1', 'id: r2')}`);
    expect(set.detections.map((d) => d.id)).toEqual(['r1', 'r2']);
    expect(set.skipped).toHaveLength(1);
    expect(set.skipped[0]!.line).toBeGreaterThanOrEqual(13);
    expect(set.skipped[0]!.reason).toMatch(/^YAML/);
  });

  it('refuses duplicate keys (YAML would silently keep one)', () => {
    const { set } = load(good.replace("    Image|endswith: '\\cmd.exe'", "    Image: a\n    Image: b"));
    expect(set.skipped[0]!.reason).toMatch(/unique|duplicate/i);
  });

  it('refuses an all-of pattern that matches nothing, with the condition column', () => {
    const { set } = load(good.replace('condition: sel', 'condition: sel and not 1 of filter_*'));
    expect(set.skipped[0]!.reason).toContain("'filter_*' matches no search identifier");
  });

  it('names documents that are not rules', () => {
    const { set } = load('title: x\nfoo: 1\n');
    expect(set.skipped[0]!.reason).toContain('not a Sigma rule');
  });
});
