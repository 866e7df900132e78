import { describe, expect, it } from 'vitest';
import { loadAttackKb, type AttackKb } from '../../src/attack/index.js';
import {
  attribute,
  biasSponsors,
  buildProfiles,
  DEFAULT_UNKNOWN_PRIOR,
  FEATURES,
  fitSponsorModel,
  fitUnknownPrior,
  groupFeatures,
  groupReports,
  profilesFor,
  sponsorFeatures,
  sponsorIndex,
  sponsorPosterior,
  sumRollup,
  type SponsorIndex,
  type TestReport,
} from '../../src/attribution/index.js';
import { makeKb, type World } from './factory.js';

const T = (id: string): { id: string; tactics: string[] } => ({ id, tactics: ['execution'] });

/** Three groups of sponsor X, one of sponsor Y; Alpha has two reports with different technique sets. */
const world: World = {
  techniques: [T('T1001'), T('T1002'), T('T1003'), T('T1004'), T('T1006')],
  groups: [
    { id: 'G0001', name: 'Alpha' },
    { id: 'G0002', name: 'Bravo' },
    { id: 'G0003', name: 'Charlie' },
    { id: 'G0004', name: 'Delta' },
  ],
  software: [],
  campaigns: [],
  uses: [
    ['G0001', 'T1001', ['A one', 'A two']],
    ['G0001', 'T1002', ['A one']],
    ['G0001', 'T1003', ['A two']],
    ['G0002', 'T1004', ['B one']],
    ['G0003', 'T1006', ['C one']],
    ['G0004', 'T1002', ['D one']],
  ],
};
const { kb } = makeKb(world);
const data = buildProfiles(kb);
const c = data.counts;
const idx: SponsorIndex = { keys: ['X', 'Y'], of: Int32Array.from([0, 0, 0, 1]) };

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('sponsor model', () => {
  it('maps groups to sponsors and gives a bias only to sponsors with at least five groups', () => {
    const actors = new Map<string, { sponsor: string | null; country: string | null }>([
      ...['G1', 'G2', 'G3', 'G4', 'G5'].map((g) => [g, { sponsor: 'CN', country: 'CN' }] as const),
      ['G6', { sponsor: null, country: 'RU' }],
    ]);
    const fake = { actors } as unknown as AttackKb;
    const si = sponsorIndex(fake, ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7']);
    expect(si.keys).toEqual(['CN', 'RU']);
    expect([...si.of]).toEqual([0, 0, 0, 0, 0, 1, -1]);
    expect(biasSponsors(si)).toEqual(['CN']);
  });

  it('the plain roll-up is the normalised sum of the group probabilities', () => {
    const logits = [0, 1, 2, 0.5];
    const p = softmax(logits);
    const m = sumRollup(1);
    const post = sponsorPosterior(sponsorFeatures(c, { techs: [], softs: [] }, logits, idx, m), m.w);
    expect(post[0]).toBeCloseTo(p[0]! + p[1]! + p[2]!, 12);
    expect(post[1]).toBeCloseTo(p[3]!, 12);
  });

  it('fitting corrects a sponsor that wins by the number of its groups alone', () => {
    // Every group equally likely, so the sum gives X 75%; the truth is Y in 60% of the cases.
    const logits = [0, 0, 0, 0];
    const items = Array.from({ length: 50 }, (_, i) => ({
      counts: c,
      obs: { techs: [], softs: [] },
      logits,
      label: i % 5 < 3 ? 1 : 0,
    }));
    const fitted = fitSponsorModel(items, idx, 1);
    expect(fitted.nll).toBeLessThan(fitted.sumNll);
    const post = sponsorPosterior(sponsorFeatures(c, items[0]!.obs, logits, idx, fitted.model), fitted.model.w);
    expect(post[1]).toBeCloseTo(0.6, 1);
  });
});

describe('report-level features', () => {
  const reports = groupReports(data);
  const a = c.groups.indexOf('G0001');
  const ti = (id: string): number => c.techIndex.get(id)!;
  const jac = FEATURES.indexOf('knnJaccard');
  const best = FEATURES.indexOf('knnBest');
  const m = { mu: 1, muS: 1, muSharp: 1 };

  it("lists each group's reports with their technique sets", () => {
    expect(reports[a]!.map((r) => r.key)).toEqual(['A one', 'A two']);
    expect([...reports[a]![1]!.techs]).toEqual([ti('T1001'), ti('T1003')].sort((x, y) => x - y));
  });

  it('an observation equal to one earlier report matches it fully, and not once that report is skipped', () => {
    const obs = { techs: [ti('T1001'), ti('T1003')].sort((x, y) => x - y), softs: [] };
    const f = groupFeatures(c, m, obs, reports)[a]!;
    expect(f[jac]).toBe(1);
    expect(f[best]).toBeCloseTo(1, 12);
    const skipped = groupFeatures(c, m, obs, reports, 'A two')[a]!;
    expect(skipped[jac]).toBeLessThan(1);
    // Without the report lists the report-level features are off.
    expect(groupFeatures(c, m, obs)[a]![jac]).toBe(0);
  });

  it('an excluded source is not among the reports', () => {
    const r = groupReports(profilesFor(kb, ['A two']));
    expect(r[a]!.map((x) => x.key)).toEqual(['A one']);
  });
});

describe('unknown prior', () => {
  it('is the Laplace-smoothed share of fit reports whose group has no other report', () => {
    const rep = (m: number): TestReport =>
      ({ label: 0, counts: { m: Float64Array.from([m]) } }) as unknown as TestReport;
    const r = fitUnknownPrior([rep(0), rep(3), rep(1), rep(0), rep(2), rep(5), rep(1), rep(4)]);
    expect(r.newActors).toBe(2);
    expect(r.prior).toBeCloseTo(3 / 10, 12);
  });
});

describe('shipped knowledge base', () => {
  const real = loadAttackKb();
  const proxyLogon = ['T1190', 'T1505.003', 'T1003.001', 'T1560.001', 'T1114.001'];

  it('counts the CVEs of one attributed chain once per group', () => {
    const one = attribute(real, { techniques: proxyLogon, software: ['China Chopper'], cves: ['CVE-2021-26855'] });
    const four = attribute(real, {
      techniques: proxyLogon,
      software: ['China Chopper'],
      cves: ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065'],
    });
    const hafnium = (r: typeof one): number => r.hypotheses.find((h) => h.actor.attackId === 'G0125')!.probability;
    expect(hafnium(four)).toBeCloseTo(hafnium(one), 4);
    const cveItems = four.hypotheses
      .find((h) => h.actor.attackId === 'G0125')!
      .evidence.for.filter((e) => e.kind === 'cve');
    expect(cveItems).toHaveLength(4);
    expect(cveItems.reduce((s, e) => s + e.weight, 0)).toBeCloseTo(Math.log(4), 3);
  });

  it('uses the fitted unknown prior by default; a larger prior gives "unknown" more mass', () => {
    const def = attribute(real, { techniques: proxyLogon });
    const even = attribute(real, { techniques: proxyLogon }, { unknownPrior: 0.5 });
    expect(DEFAULT_UNKNOWN_PRIOR).toBeGreaterThan(0);
    expect(DEFAULT_UNKNOWN_PRIOR).toBeLessThan(0.5);
    expect(even.unknown).toBeGreaterThan(def.unknown);
  });

  it('sponsor probabilities never exceed the known-actor mass and follow the sponsor model', () => {
    const r = attribute(real, { techniques: proxyLogon, software: ['China Chopper'], cves: ['CVE-2021-26855'] });
    const total = r.sponsors.reduce((s, x) => s + x.probability, 0);
    expect(total).toBeLessThanOrEqual(1 - r.unknown + 1e-3);
    expect(r.sponsors[0]!.country).toBe('CN');
    const sum = attribute(
      real,
      { techniques: proxyLogon, software: ['China Chopper'], cves: ['CVE-2021-26855'] },
      { sponsorModel: 'sum' },
    );
    expect(sum.sponsors[0]!.probability).not.toBe(r.sponsors[0]!.probability);
  });
});
