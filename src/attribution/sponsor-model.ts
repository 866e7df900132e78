import type { AttackKb } from '../attack/index.js';
import { fitLinear, logSumExpArr } from './linear.js';
import type { Observation } from './model.js';
import type { ProfileCounts } from './profiles.js';
import { sponsorKey } from './sponsor.js';

/**
 * The sponsor roll-up as a model of its own, scored directly instead of summing group probabilities.
 *
 * Summing a closed-set group posterior over a sponsor's groups is right only if every group's probability is
 * calibrated on its own; the group model's is calibrated for the top group, and the long tail of small
 * probabilities over China's ~50 groups adds up to more than the evidence supports (Russia -> China was the most
 * common sponsor error). So the sponsor gets a conditional logit of its own, P(s | case) = softmax_s(v . h(s)),
 * whose features are the group model's log-sum and log-max over the sponsor's groups, a naive-Bayes score of the
 * sponsor's pooled profile (all its groups' reports together), coverage, software, its size, and a bias for
 * each sponsor with at least `BIAS_MIN_GROUPS` groups. Fitted on the fit folds only (docs/attribution.md).
 */
export const SPONSOR_FEATURES = [
  'logSum',
  'logMax',
  'pooledNb',
  'pooledCoverage',
  'pooledSoftware',
  'logGroups',
  'logReports',
] as const;

/** A sponsor needs this many groups in the KB to get its own bias term (fixed rule, not chosen per sponsor). */
export const BIAS_MIN_GROUPS = 5;

/** A fitted sponsor model. */
export interface SponsorModel {
  /** Smoothing of the pooled sponsor profile toward the background (techniques). */
  mu: number;
  /** Smoothing for software. */
  muS: number;
  /** Sponsor keys with a bias term, in weight order after SPONSOR_FEATURES. */
  bias: string[];
  /** Weights: SPONSOR_FEATURES, then one per `bias` sponsor. */
  w: number[];
}

/** Sponsor keys and, per group index, its sponsor index (-1 when the galaxy gives neither sponsor nor country). */
export interface SponsorIndex {
  keys: string[];
  of: Int32Array;
}

/** The sponsor of every group of the profile arrays. */
export function sponsorIndex(kb: AttackKb, groups: readonly string[]): SponsorIndex {
  const per = groups.map((g) => sponsorKey(kb, g));
  const keys = [...new Set(per.filter((x): x is string => x !== null))].sort();
  const at = new Map(keys.map((k, i) => [k, i]));
  return { keys, of: Int32Array.from(per.map((k) => (k === null ? -1 : at.get(k)!))) };
}

/** Sponsors with at least BIAS_MIN_GROUPS groups (in key order): the ones that get a bias term. */
export function biasSponsors(idx: SponsorIndex): string[] {
  const n = new Array<number>(idx.keys.length).fill(0);
  for (const s of idx.of) if (s >= 0) n[s]! += 1;
  return idx.keys.filter((_, s) => n[s]! >= BIAS_MIN_GROUPS);
}

/**
 * Feature vectors of every sponsor (row s = idx.keys[s]) for an observation, given the group model's closed-set
 * logits (any additive constant; only differences matter).
 */
export function sponsorFeatures(
  c: ProfileCounts,
  obs: Observation,
  logits: ArrayLike<number>,
  idx: SponsorIndex,
  m: Pick<SponsorModel, 'mu' | 'muS' | 'bias'>,
): Float64Array[] {
  const S = idx.keys.length;
  const lseAll = logSumExpArr(logits);
  const members: number[][] = idx.keys.map(() => []);
  for (let g = 0; g < idx.of.length; g++) if (idx.of[g]! >= 0) members[idx.of[g]!]!.push(g);
  const out: Float64Array[] = [];
  for (let s = 0; s < S; s++) {
    const gs = members[s]!;
    const f = new Float64Array(SPONSOR_FEATURES.length + m.bias.length);
    const z = gs.map((g) => logits[g]!);
    f[0] = logSumExpArr(z) - lseAll;
    f[1] = Math.max(...z) - lseAll;
    // Pooled profile: the sponsor's reports together (a report cited for two of its groups counts twice; rare).
    let ms = 0;
    for (const g of gs) ms += c.m[g]!;
    let nb = 0;
    let cov = 0;
    for (const t of obs.techs) {
      let n = 0;
      for (const g of gs) n += c.n[g]![t]!;
      const q = (c.rt[t]! + 0.5) / (c.r + 1);
      nb += Math.log((n + m.mu * q) / (ms + m.mu) / q);
      if (n > 0) cov++;
    }
    let sw = 0;
    for (const x of obs.softs) {
      let n = 0;
      for (const g of gs) n += c.ns[g]![x]!;
      const q = (c.rs[x]! + 0.5) / (c.r + 1);
      sw += Math.log((n + m.muS * q) / (ms + m.muS) / q);
    }
    f[2] = nb;
    f[3] = obs.techs.length ? cov / obs.techs.length : 0;
    f[4] = sw;
    f[5] = Math.log(gs.length);
    f[6] = Math.log(ms + 1);
    const b = m.bias.indexOf(idx.keys[s]!);
    if (b >= 0) f[SPONSOR_FEATURES.length + b] = 1;
    out.push(f);
  }
  return out;
}

/** Sponsor posterior (closed set over the sponsors) from the features and weights. */
export function sponsorPosterior(feats: Float64Array[], w: readonly number[]): Float64Array {
  const z = new Float64Array(feats.length);
  for (let s = 0; s < feats.length; s++) {
    let v = 0;
    const f = feats[s]!;
    for (let k = 0; k < f.length; k++) v += f[k]! * (w[k] ?? 0);
    z[s] = v;
  }
  const lse = logSumExpArr(z);
  for (let s = 0; s < z.length; s++) z[s] = Math.exp(z[s]! - lse);
  return z;
}

/** The plain roll-up (sum of group probabilities per sponsor) as a sponsor model: weight 1 on logSum. */
export function sumRollup(muS: number): SponsorModel {
  return { mu: 1, muS, bias: [], w: [1, 0, 0, 0, 0, 0, 0] };
}

/** One fitting item: a report's counts, observation, group logits and true sponsor index. */
export interface SponsorItem {
  counts: ProfileCounts;
  obs: Observation;
  logits: ArrayLike<number>;
  label: number;
}

/** Values of the pooled-profile smoothing tried on the fit folds. */
export const SPONSOR_MU_GRID = [1, 4, 16];

/**
 * Fits the sponsor model on fit-fold items: for each mu of SPONSOR_MU_GRID, Newton's method from the plain sum
 * roll-up (so never worse than it on these items); the mu with the lowest mean NLL is kept.
 */
export function fitSponsorModel(
  items: SponsorItem[],
  idx: SponsorIndex,
  muS: number,
): { model: SponsorModel; nll: number; sumNll: number } {
  const bias = biasSponsors(idx);
  const w0 = [1, ...new Array<number>(SPONSOR_FEATURES.length - 1 + bias.length).fill(0)];
  let best: { model: SponsorModel; nll: number } | null = null;
  let sumNll = 0;
  for (const mu of SPONSOR_MU_GRID) {
    const m = { mu, muS, bias };
    const data = items.map((it) => ({ feats: sponsorFeatures(it.counts, it.obs, it.logits, idx, m), label: it.label }));
    if (mu === SPONSOR_MU_GRID[0]) {
      sumNll = 0;
      for (const d of data) sumNll -= Math.log(Math.max(1e-300, sponsorPosterior(d.feats, w0)[d.label]!));
      sumNll /= Math.max(1, data.length);
    }
    const { w, nll } = fitLinear(data, w0);
    if (!best || nll < best.nll) best = { model: { ...m, w }, nll };
  }
  return { ...best!, sumNll };
}
