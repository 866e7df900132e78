import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { buildContent, findGroup, loadAttackKb, loadBundle, loadGalaxies } from '../../src/attack/index.js';
import { attribute, buildProfiles, buildTestSet, countsWithout } from '../../src/attribution/index.js';
import { corpus, describeCorpus } from '../helpers/corpus.js';

const root = join(import.meta.dirname, '..', '..');
const content = join(root, 'content');

describeCorpus('ATT&CK extract from the shared bundle', () => {
  it('the committed content/attack and content/actors/actors.jsonl are reproducible byte for byte', async () => {
    const bundle = await loadBundle(corpus('attack', 'enterprise-attack.json'));
    const galaxies = await loadGalaxies(corpus('misp-galaxy'));
    const files = buildContent(bundle, galaxies);
    expect(Object.keys(files).length).toBe(10);
    for (const [rel, text] of Object.entries(files)) {
      expect([rel, readFileSync(join(content, rel), 'utf8') === text]).toEqual([rel, true]);
    }
  });
});

describeCorpus('attribution on the real knowledge base', () => {
  const kb = loadAttackKb(content);
  const KEY = 'Microsoft HAFNIUM March 2020';

  it('knows HAFNIUM by its vendor names, with its country', () => {
    expect(findGroup(kb, 'Silk Typhoon')).toEqual(['G0125']);
    expect(findGroup(kb, 'hafnium')).toEqual(['G0125']);
    expect(kb.actors.get('G0125')?.country).toBe('CN');
    expect(kb.cves.get('CVE-2021-26855')?.map((x) => x.group)).toContain('G0125');
  });

  it('--exclude-source removes the relationships cited only by that report', () => {
    const own = kb.relationships.filter((r) => r.s === 'G0125' && r.r === 'uses' && r.c.length === 1 && r.c[0] === KEY);
    expect(own.length).toBeGreaterThan(3);
    const full = buildProfiles(kb);
    const without = buildProfiles(kb, new Set([KEY]));
    const g = full.counts.groups.indexOf('G0125');
    for (const r of own) {
      const t = full.counts.techIndex.get(r.t);
      if (t === undefined) continue;
      // Still supported only if another relationship of the group (e.g. a sub-technique of it) cites it.
      const others = kb.relationships.filter(
        (x) => x.s === 'G0125' && x.r === 'uses' && (x.t === r.t || x.t.startsWith(`${r.t}.`)) && x.c.some((k) => k !== KEY),
      );
      expect([r.t, without.counts.n[g]![t]]).toEqual([r.t, new Set(others.flatMap((x) => x.c.filter((k) => k !== KEY))).size]);
    }
    for (const m of without.techKeys) for (const keys of m.values()) expect(keys).not.toContain(KEY);
    expect(without.counts.m[g]).toBe(full.counts.m[g]! - 1);
    const res = attribute(kb, { techniques: own.map((r) => r.t) }, { excludeSources: [KEY] });
    for (const h of res.hypotheses) for (const e of [...h.evidence.for, ...h.evidence.against]) expect(e.sources).not.toContain(KEY);
  });

  it('leave-one-report-out folds equal a rebuild without the report', () => {
    const data = buildProfiles(kb);
    const tests = buildTestSet(kb, data);
    expect(tests.length).toBeGreaterThan(400);
    for (const t of tests.filter((_, i) => i % 97 === 0)) {
      const slow = buildProfiles(kb, new Set([t.key])).counts;
      const fast = countsWithout(data.counts, data.contributions.get(t.key));
      expect([...fast.n[t.label]!]).toEqual([...slow.n[t.label]!]);
      expect([...fast.df]).toEqual([...slow.df]);
      expect(fast.m[t.label]).toBe(slow.m[t.label]);
      expect(t.counts.m[t.label]).toBe(data.counts.m[t.label]! - 1);
    }
  });

  it('the ProxyLogon pattern with China Chopper and CVE-2021-26855 puts HAFNIUM first and China on top', () => {
    const r = attribute(kb, {
      techniques: ['T1190', 'T1505.003', 'T1003.001', 'T1560.001', 'T1114.001', 'T1071.001'],
      software: ['China Chopper'],
      cves: ['CVE-2021-26855'],
    });
    expect(r.hypotheses[0]!.actor.attackId).toBe('G0125');
    expect(r.hypotheses[0]!.actor.aliases).toContain('Silk Typhoon');
    expect(r.sponsors[0]!.country).toBe('CN');
  });

  it('kahu attribute --json prints the specified shape', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'kahu.js'), 'attribute', '--techniques', 'T1190,T1505.003', '--software', 'S0020', '--json', '--top', '3'], {
      encoding: 'utf8',
    });
    const j = JSON.parse(out) as {
      hypotheses: Array<{ actor: Record<string, unknown>; probability: number; words: string; evidence: { for: unknown[]; against: unknown[] } }>;
      sponsors: Array<{ country: string; name: string; probability: number; words: string }>;
      unknown: number;
    };
    expect(j.hypotheses).toHaveLength(3);
    expect(Object.keys(j.hypotheses[0]!.actor).sort()).toEqual(['aliases', 'attackId', 'country', 'name', 'sponsor']);
    expect(typeof j.hypotheses[0]!.words).toBe('string');
    expect(Array.isArray(j.hypotheses[0]!.evidence.for)).toBe(true);
    expect(j.hypotheses[0]!.probability).toBeGreaterThanOrEqual(j.hypotheses[1]!.probability);
    expect(typeof j.unknown).toBe('number');
    expect(Object.keys(j.sponsors[0]!).sort()).toEqual(['country', 'name', 'probability', 'words']);
  });
});
