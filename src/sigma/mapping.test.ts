import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../core/index.js';
import { loadRuleTexts } from './load.js';
import { loadMappings, mapRule, parseMappingFile } from './mapping.js';

const m = loadMappings();
const ruleFor = (logsource: string, detection: string) =>
  loadRuleTexts([{ file: 'r.yml', text: `title: t\nid: r\nlogsource:\n${logsource}\ndetection:\n${detection}\n  condition: sel\n` }], new IssueCollector()).detections[0]!;

describe('logsource mappings (content/mappings)', () => {
  it('load and validate', () => {
    expect(m.entries.length).toBeGreaterThan(50);
  });

  it('maps process_creation to Sysmon 1 and, for fields 4688 carries, Security 4688 with renames', () => {
    const r = ruleFor('  product: windows\n  category: process_creation', "  sel:\n    Image|endswith: '\\\\x.exe'\n    CommandLine|contains: ' -a'");
    const t = mapRule(r, m).targets;
    expect(t.map((x) => x.mapping)).toEqual(['sysmon', 'security-4688']);
    expect(JSON.stringify(t[1]!.expr)).toContain('"field":"NewProcessName"');
    expect(JSON.stringify(t[1]!.expr)).toContain('"v":"4688"');
    expect(JSON.stringify(t[0]!.expr)).toContain('"field":"Image"');
  });

  it('keeps a rule using fields 4688 lacks (Hashes) off the 4688 variant', () => {
    const r = ruleFor('  product: windows\n  category: process_creation', "  sel:\n    Hashes|contains: 'IMPHASH='");
    expect(mapRule(r, m).targets.map((x) => x.mapping)).toEqual(['sysmon']);
  });

  it('maps services to channels, webserver to IIS and Exchange logs to their sources', () => {
    const sec = ruleFor('  product: windows\n  service: security', '  sel:\n    EventID: 4624');
    expect(mapRule(sec, m).targets[0]!.expr).toMatchObject({ kind: 'and', args: [{ kind: 'field', field: 'Channel' }, expect.anything()] });
    expect(mapRule(ruleFor('  category: webserver', "  sel:\n    cs-method: POST"), m).targets[0]!.source).toBe('webserver.iis');
    expect(mapRule(ruleFor('  product: exchange\n  service: ecp', "  sel:\n    x: 1"), m).targets[0]!.source).toBe('exchange.ecp');
  });

  it('leaves logsources no Kahu source carries unmapped (loaded, inactive)', () => {
    expect(mapRule(ruleFor('  product: linux\n  service: auditd', '  sel:\n    type: EXECVE'), m).targets).toEqual([]);
    expect(mapRule(ruleFor('  product: windows\n  category: no_such_category', '  sel:\n    x: 1'), m).targets).toEqual([]);
  });

  it('rejects a malformed mapping file with its path', () => {
    expect(() => parseMappingFile('name: x\nsource: windows\nlogsources:\n  - logsource: {}\n    mapping: a\n', 'bad.yml')).toThrow(/bad\.yml/);
    expect(() => parseMappingFile('name: x\nsource: windows\nlogsources:\n  - logsource: {product: a}\n    mapping: a\n    typo: 1\n', 'bad.yml')).toThrow(/bad\.yml/);
  });
});
