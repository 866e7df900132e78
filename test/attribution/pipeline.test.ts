import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContent, extractAttack } from '../../src/attack/index.js';
import { attackAttributionStep, fitLinear, linearLogits, NF } from '../../src/attribution/index.js';
import { IssueCollector } from '../../src/core/index.js';
import type { Case, Finding } from '../../src/model/index.js';
import { makeBundle, makeKb, type World } from './factory.js';

const world: World = {
  techniques: [{ id: 'T1001' }, { id: 'T1002' }, { id: 'T1003', tactics: ['discovery'] }],
  groups: [
    { id: 'G0001', name: 'Alpha' },
    { id: 'G0002', name: 'Bravo' },
  ],
  software: [{ id: 'S0001', name: 'Chopstick' }],
  uses: [
    ['G0001', 'T1001', ['A one']],
    ['G0001', 'T1002', ['A one']],
    ['G0001', 'S0001', ['A one']],
    ['G0002', 'T1003', ['B one']],
  ],
};

function finding(id: string, attack: string[], tags: string[] = []): Finding {
  return {
    id,
    engine: 'yara',
    rule: { id, title: id, file: 'content/yara/x.yar', line: 1 },
    level: 'high',
    attack,
    cves: [],
    tags,
    first: null,
    last: null,
    events: [],
    eventCount: 0,
  };
}

describe('attack-attribution case step', () => {
  const { kb } = makeKb(world);

  it('fills case.attack and case.attribution from the findings, and reports unknown ids as issues', () => {
    const c = { findings: [finding('f1', ['T1001', 'T1002', 'T7777'], ['attack.s0001'])] } as unknown as Case;
    const issues = new IssueCollector();
    attackAttributionStep({ kb }).run(c, issues);
    expect(c.attack?.techniques.map((t) => t.id)).toEqual(['T1001', 'T1002']);
    expect(c.attack?.software.map((s) => s.id)).toEqual(['S0001']);
    expect(c.attribution?.hypotheses[0]?.actor.attackId).toBe('G0001');
    expect(issues.issues.map((i) => i.message).join('\n')).toContain('T7777');
  });

  it('leaves attribution unset when nothing ATT&CK-tagged was found', () => {
    const c = { findings: [finding('f1', [])] } as unknown as Case;
    attackAttributionStep({ kb }).run(c, new IssueCollector());
    expect(c.attack?.techniques).toEqual([]);
    expect(c.attribution).toBeUndefined();
  });
});

describe('log-linear fit', () => {
  it('recovers the weights labels were drawn with', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const truth = Array.from({ length: NF }, (_, k) => (k % 3 === 0 ? 1.5 : k % 3 === 1 ? -0.5 : 0.25));
    const items = Array.from({ length: 1500 }, () => {
      const feats = Array.from({ length: 12 }, () => Float64Array.from({ length: NF }, () => rand() * 2 - 1));
      const z = linearLogits(feats, truth);
      let m = -Infinity;
      for (const v of z) m = Math.max(m, v);
      const p = [...z].map((v) => Math.exp(v - m));
      const s = p.reduce((a, b) => a + b, 0);
      let u = rand() * s;
      let label = 0;
      while (label < p.length - 1 && u > p[label]!) u -= p[label++]!;
      return { feats, label };
    });
    const { w } = fitLinear(items, new Array<number>(NF).fill(0));
    for (let k = 0; k < NF; k++) expect(Math.abs(w[k]! - truth[k]!)).toBeLessThan(0.35);
  });
});

describe('STIX 2.1 bundles and kahu attack update', () => {
  it('reads a STIX 2.1 bundle (spec_version on objects, x-mitre-collection) to the same facts', () => {
    const b20 = makeBundle(world);
    const objects = [
      { type: 'x-mitre-collection', id: 'x-mitre-collection--1', spec_version: '2.1', name: 'Enterprise ATT&CK', x_mitre_version: '18.1' },
      ...b20.objects.map((o) => ({ ...(o as object), spec_version: '2.1' })),
    ];
    const b21 = { type: 'bundle', id: b20.id, objects };
    const a = extractAttack(b20);
    const b = extractAttack(b21);
    for (const f of ['techniques.jsonl', 'groups.jsonl', 'software.jsonl', 'relationships.jsonl'] as const) expect(b.files[f]).toBe(a.files[f]);
    expect(JSON.parse(b.files['meta.json']).attackVersion).toBe('18.1');
  });

  it('rejects what is not a bundle with a clear error', () => {
    expect(() => extractAttack({ type: 'indicator' })).toThrow(/not a STIX bundle/);
    expect(() => extractAttack({ type: 'bundle' })).toThrow(/no "objects"/);
  });

  it('kahu attack update --from <file> --content <dir> writes the extract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kahu-update-'));
    const bundlePath = join(dir, 'bundle.json');
    writeFileSync(bundlePath, JSON.stringify(makeBundle(world)));
    const root = join(import.meta.dirname, '..', '..');
    const out = execFileSync(process.execPath, [join(root, 'bin', 'kahu.js'), 'attack', 'update', '--from', bundlePath, '--content', join(dir, 'content')], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/wrote 9 files/);
    const expected = buildContent(makeBundle(world), null);
    for (const [rel, text] of Object.entries(expected)) expect(readFileSync(join(dir, 'content', rel), 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'content', 'attack', 'relationships.jsonl.tmp'))).toBe(false);
  });
});
