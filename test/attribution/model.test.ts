import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContent, observeAttack } from '../../src/attack/index.js';
import {
  attribute,
  buildProfiles,
  countsWithout,
  scoreGroups,
  techPresent,
  type ModelParams,
} from '../../src/attribution/index.js';
import type { Finding } from '../../src/model/index.js';
import { makeBundle, makeKb, type World } from './factory.js';

const T = (id: string, tactics = ['execution']): { id: string; tactics: string[] } => ({ id, tactics });

/** Three groups: T1001 is used by everyone (no signal), the others distinguish. */
const world: World = {
  techniques: [T('T1001'), T('T1002'), T('T1003'), T('T1004'), T('T1005'), T('T1005.001'), T('T1005.002'), T('T1006'), T('T1007', ['discovery'])],
  groups: [
    { id: 'G0001', name: 'Alpha', aliases: ['Alpha Typhoon'] },
    { id: 'G0002', name: 'Bravo' },
    { id: 'G0003', name: 'Charlie' },
  ],
  software: [{ id: 'S0001', name: 'Chopstick', aliases: ['Chop Stick'] }],
  campaigns: [{ id: 'C0001', name: 'Operation Delta', group: 'G0003' }],
  uses: [
    ['G0001', 'T1001', ['A one', 'A two']],
    ['G0001', 'T1002', ['A one']],
    ['G0001', 'T1005.001', ['A one']],
    ['G0001', 'T1003', ['A two']],
    ['G0001', 'S0001', ['A one']],
    ['G0002', 'T1001', ['B one']],
    ['G0002', 'T1004', ['B one']],
    ['G0002', 'T1006', ['B one', 'B two']],
    ['G0003', 'T1001', ['C one']],
    ['C0001', 'T1007', ['Delta report']],
  ],
};

const P: ModelParams = { mu: 1, lambda: 0.5, wS: 1, muS: 1, beta: 0, kappa: 0, tau: 1, ua: 1, ub: 0 };

describe('ATT&CK extract', () => {
  it('never copies description prose or citation text', () => {
    const files = buildContent(makeBundle(world), null);
    for (const text of Object.values(files)) {
      expect(text).not.toContain('SECRET');
    }
  });

  it('gives identical bytes whatever the object order', () => {
    const b = makeBundle(world);
    const shuffled = { ...b, objects: [...b.objects].reverse() };
    expect(buildContent(shuffled, null)).toEqual(buildContent(b, null));
  });

  it('keeps each relationship with its citation keys, by ATT&CK id', () => {
    const files = buildContent(makeBundle(world), null);
    const rels = files['attack/relationships.jsonl']!.trim().split('\n').map((l) => JSON.parse(l) as { s: string; r: string; t: string; c: string[] });
    expect(rels).toContainEqual({ s: 'G0001', r: 'uses', t: 'T1001', c: ['A one', 'A two'] });
    expect(rels).toContainEqual({ s: 'C0001', r: 'attributed-to', t: 'G0003', c: [] });
  });
});

describe('profiles', () => {
  const { kb } = makeKb(world);

  it('a sub-technique implies its parent, with the same sources', () => {
    const d = buildProfiles(kb);
    const c = d.counts;
    const a = c.groups.indexOf('G0001');
    const parent = c.techIndex.get('T1005')!;
    expect(c.n[a]![parent]).toBe(1);
    expect(d.techKeys[a]!.get(parent)).toEqual(['A one']);
  });

  it('counts campaign relationships for the group the campaign is attributed to', () => {
    const c = buildProfiles(kb).counts;
    expect(c.n[c.groups.indexOf('G0003')]![c.techIndex.get('T1007')!]).toBe(1);
  });

  it('excluding a source drops relationships cited only by it and keeps shared ones', () => {
    const d = buildProfiles(kb, new Set(['A two']));
    const a = d.counts.groups.indexOf('G0001');
    expect(d.counts.n[a]![d.counts.techIndex.get('T1003')!]).toBe(0);
    expect(d.techKeys[a]!.get(d.counts.techIndex.get('T1001')!)).toEqual(['A one']);
    expect(d.counts.m[a]).toBe(1);
  });

  it('the fold delta equals a rebuild without the report', () => {
    const base = buildProfiles(kb);
    for (const key of ['A one', 'A two', 'B two', 'Delta report']) {
      const fast = countsWithout(base.counts, base.contributions.get(key));
      const slow = buildProfiles(kb, new Set([key])).counts;
      expect(fast.n.map((r) => [...r])).toEqual(slow.n.map((r) => [...r]));
      expect(fast.ns.map((r) => [...r])).toEqual(slow.ns.map((r) => [...r]));
      expect([...fast.m]).toEqual([...slow.m]);
      expect([...fast.rt]).toEqual([...slow.rt]);
      expect([...fast.df]).toEqual([...slow.df]);
      expect(fast.r).toBe(slow.r);
    }
  });
});

describe('scoring', () => {
  const { kb } = makeKb(world);
  const d = buildProfiles(kb);
  const c = d.counts;
  const idx = (t: string): number => c.techIndex.get(t)!;

  it('a technique every group uses says less than a distinguishing one (same share of the group\'s reports)', () => {
    // Bravo: T1001 (used by all groups) and T1004 (Bravo only) are each in 1 of its 2 reports.
    const b = c.groups.indexOf('G0002');
    expect(c.n[b]![idx('T1001')]).toBe(c.n[b]![idx('T1004')]);
    expect(techPresent(c, P, b, idx('T1004'))).toBeGreaterThan(techPresent(c, P, b, idx('T1001')) + 0.5);
  });

  it('ranks the group whose distinguishing techniques were observed first', () => {
    const s = scoreGroups(c, P, { techs: [idx('T1004'), idx('T1006'), idx('T1001')], softs: [] });
    const best = [...s.keys()].sort((x, y) => s[y]! - s[x]!)[0]!;
    expect(c.groups[best]).toBe('G0002');
  });

  it('absence of a group signature counts against it only when lambda > 0', () => {
    const obs = { techs: [idx('T1001')], softs: [] };
    const a = c.groups.indexOf('G0001');
    const without = scoreGroups(c, { ...P, lambda: 0 }, obs)[a]!;
    const withAbsence = scoreGroups(c, P, obs)[a]!;
    expect(withAbsence).toBeLessThan(without);
  });

  it('attribute(): sub-technique input implies the parent; software by name; evidence cites sources', () => {
    const r = attribute(kb, { techniques: ['T1005.001', 'T1002', 'T1003'], software: ['chop stick'] }, { params: P, unknownPrior: 0.2 });
    expect(r.observed.techniques).toContain('T1005');
    expect(r.observed.software).toEqual(['S0001']);
    const top = r.hypotheses[0]!;
    expect(top.actor.attackId).toBe('G0001');
    const forIds = top.evidence.for.map((e) => e.id);
    expect(forIds).toContain('T1005');
    expect(top.evidence.for.find((e) => e.id === 'T1003')!.sources).toEqual(['A two']);
    // Probabilities over groups + unknown sum to one.
    const all = buildProfiles(kb).counts.groups.length;
    const full = attribute(kb, { techniques: ['T1002'] }, { params: P, top: all });
    expect(full.hypotheses.reduce((s, h) => s + h.probability, 0) + full.unknown).toBeCloseTo(1, 3);
    expect(r.hypotheses.map((h) => h.probability)).toEqual([...r.hypotheses.map((h) => h.probability)].sort((x, y) => y - x));
  });

  it('attribute(): --exclude-source removes the report from the evidence sources and the profile', () => {
    const r = attribute(kb, { techniques: ['T1003', 'T1002'] }, { params: P, excludeSources: ['A two'] });
    const alpha = r.hypotheses.find((h) => h.actor.attackId === 'G0001')!;
    const t1003 = [...alpha.evidence.for, ...alpha.evidence.against].find((e) => e.id === 'T1003')!;
    expect(t1003.sources).toEqual([]);
    expect(t1003.note).toContain('not in the profile');
    for (const h of r.hypotheses) for (const e of [...h.evidence.for, ...h.evidence.against]) expect(e.sources).not.toContain('A two');
  });

  it('attribute(): an --exclude-source that names no relationship is said in the notes', () => {
    const r = attribute(kb, { techniques: ['T1002'] }, { params: P, excludeSources: ['No Such Report 1999'] });
    expect(r.notes.some((n) => n.includes('No Such Report 1999'))).toBe(true);
    const ok = attribute(kb, { techniques: ['T1002'] }, { params: P, excludeSources: ['A two'] });
    expect(ok.notes.some((n) => n.includes('A two'))).toBe(false);
  });

  it('reports ids ATT&CK does not know instead of failing', () => {
    const r = attribute(kb, { techniques: ['T1002', 'T9999'], software: ['NoSuchTool'] }, { params: P });
    expect(r.ignored).toEqual(['T9999', 'NoSuchTool']);
  });
});

describe('observeAttack', () => {
  const { kb } = makeKb(world);
  const finding = (id: string, attack: string[], tags: string[], times: number[], cves: string[] = []): Finding => ({
    id,
    engine: 'sigma',
    rule: { id: `r-${id}`, title: id, file: 'rules/x.yml', line: 1 },
    level: 'high',
    attack,
    cves,
    tags,
    first: times[0] ?? null,
    last: times[times.length - 1] ?? null,
    events: times.map((t, i) => ({ time: t, host: 'h', prov: { evidenceId: 'e1', path: 'log', locator: { line: i + 1 } }, values: {} })),
    eventCount: times.length,
  });

  it('resolves techniques, implies parents, takes software from tags and keeps each item\'s findings', () => {
    const o = observeAttack(
      [
        finding('f1', ['T1005.001'], ['attack.s0001', 'attack.execution'], [1000], ['CVE-2021-26855']),
        finding('f2', ['T1007', 'T4242'], [], [2000, 3000]),
        finding('f3', [], ['attack.t1002', 'cve.2021-27065'], []),
      ],
      kb,
    );
    expect(o.techniques.map((t) => [t.id, t.implied, t.findings])).toEqual([
      ['T1002', false, ['f3']],
      ['T1005', true, ['f1']],
      ['T1005.001', false, ['f1']],
      ['T1007', false, ['f2']],
    ]);
    expect(o.techniques.find((t) => t.id === 'T1007')!.tactics).toEqual(['discovery']);
    expect(o.software).toEqual([{ id: 'S0001', name: 'Chopstick', findings: ['f1'] }]);
    expect(o.cves).toEqual([
      { id: 'CVE-2021-26855', findings: ['f1'] },
      { id: 'CVE-2021-27065', findings: ['f3'] },
    ]);
    expect(o.unknown).toEqual([{ id: 'T4242', findings: ['f2'] }]);
    // Hands-on tactics (execution, discovery) give activity times.
    expect(o.activityTimes).toEqual([1000, 2000, 3000]);
  });
});

describe('content files', () => {
  it('the committed extract holds no description field', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'content', 'attack', 'techniques.jsonl'), 'utf8');
    expect(text).not.toMatch(/"description"/);
  });
});
