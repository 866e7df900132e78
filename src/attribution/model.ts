import type { ProfileCounts } from './profiles.js';

/**
 * The scoring model: a smoothed Bernoulli naive-Bayes likelihood ratio of each group against a background
 * ("some actor, not this one") model, per observed technique and software.
 *
 * For group g and technique t, p_g(t) = (n_g(t) + mu * q(t)) / (m_g + mu): the share of g's reports that
 * mention t, shrunk toward the background rate q(t) (share of all group reports mentioning t). A technique
 * half of all reports mention has q near 0.5 and so p/q near 1: it says almost nothing, which is the IDF idea
 * in probabilistic form. Absence of a technique in the profile that the case does not show counts against g,
 * weighted by lambda < 1 because profiles and cases are both incomplete.
 */
export interface ModelParams {
  /** Smoothing strength toward the background rate (techniques). */
  mu: number;
  /** Weight of absence evidence (profile techniques not observed); 0 ignores absence. */
  lambda: number;
  /** Smoothing strength for software. */
  muS: number;
  /** Weight of software evidence relative to techniques. */
  wS: number;
  /** Prior: P(g) proportional to (m_g + 1)^beta (groups reported more often are met more often). */
  beta: number;
  /** Pseudo-count for a technique the group's known software performs but no group report names (0 = off). */
  kappa: number;
  /** Temperature: the calibrated posterior is softmax(score / tau + prior). */
  tau: number;
  /**
   * Open-set calibration: P(actor is one of the groups) = sigmoid(ua * log Z + ub + prior log-odds), where
   * Z = sum over groups of prior(g) * exp(score(g) / tau) is the tempered likelihood ratio against the
   * background. Fitted on fit-fold reports scored with and without their own group in the knowledge base.
   */
  ua: number;
  ub: number;
}

/** An observation as indices into the profile arrays; techniques already closed under parents. */
export interface Observation {
  techs: number[];
  softs: number[];
}

function backgroundT(c: ProfileCounts, t: number): number {
  return (c.rt[t]! + 0.5) / (c.r + 1);
}
function backgroundS(c: ProfileCounts, s: number): number {
  return (c.rs[s]! + 0.5) / (c.r + 1);
}

const impliedCache = new WeakMap<ProfileCounts, Array<Uint8Array | undefined>>();
/**
 * Techniques group g's software performs (software "uses" relationships of any software the group uses).
 * Cached per counts object: a leave-one-out fold has its own counts, reused across parameter settings.
 */
export function softwareImplied(c: ProfileCounts, g: number): Uint8Array {
  let perGroup = impliedCache.get(c);
  if (!perGroup) impliedCache.set(c, (perGroup = []));
  let v = perGroup[g];
  if (!v) {
    v = new Uint8Array(c.techIds.length);
    const ns = c.ns[g]!;
    for (let s = 0; s < ns.length; s++) {
      if (!(ns[s]! > 0)) continue;
      const row = c.st[s]!;
      for (let t = 0; t < row.length; t++) if (row[t]! > 0) v[t] = 1;
    }
    perGroup[g] = v;
  }
  return v;
}

/** Effective report count of (g, t): the reports naming it, or kappa when only the group's software does it. */
function effN(c: ProfileCounts, p: ModelParams, g: number, t: number): number {
  const n = c.n[g]![t]!;
  if (n > 0 || p.kappa <= 0) return n;
  return softwareImplied(c, g)[t] ? p.kappa : 0;
}

/** Likelihood-ratio contribution (nats) of observing technique t, for group g. */
export function techPresent(c: ProfileCounts, p: ModelParams, g: number, t: number): number {
  const q = backgroundT(c, t);
  const pg = (effN(c, p, g, t) + p.mu * q) / (c.m[g]! + p.mu);
  return Math.log(pg / q) - p.lambda * Math.log((1 - pg) / (1 - q));
}

/** Contribution (nats, <= 0 usually) of *not* observing technique t that is in g's profile. */
export function techAbsent(c: ProfileCounts, p: ModelParams, g: number, t: number): number {
  const q = backgroundT(c, t);
  const pg = (c.n[g]![t]! + p.mu * q) / (c.m[g]! + p.mu);
  return p.lambda * Math.log((1 - pg) / (1 - q));
}

/** Contribution (nats) of observing software s, for group g. */
export function softPresent(c: ProfileCounts, p: ModelParams, g: number, s: number): number {
  const q = backgroundS(c, s);
  const pg = (c.ns[g]![s]! + p.muS * q) / (c.m[g]! + p.muS);
  return p.wS * Math.log(pg / q);
}

const profileCache = new WeakMap<Float64Array, Int32Array>();
/** Indices with a non-zero count (cached per row: fold deltas copy only the rows they change). */
function nonZero(row: Float64Array): Int32Array {
  let hit = profileCache.get(row);
  if (!hit) {
    const idx: number[] = [];
    for (let i = 0; i < row.length; i++) if (row[i]! > 0) idx.push(i);
    hit = Int32Array.from(idx);
    profileCache.set(row, hit);
  }
  return hit;
}

const absenceCache = new WeakMap<ProfileCounts, Map<number, Float64Array>>();
/**
 * Per group, the absence sum over its whole profile with lambda = 1: sum of log((1-p)/(1-q)). Cached per counts
 * object and mu, so a fold's scores under many parameter settings only pay for the observed techniques.
 */
function absenceTotals(c: ProfileCounts, mu: number): Float64Array {
  let byMu = absenceCache.get(c);
  if (!byMu) absenceCache.set(c, (byMu = new Map<number, Float64Array>()));
  let v = byMu.get(mu);
  if (!v) {
    const unit: ModelParams = { mu, lambda: 1, muS: 1, wS: 0, beta: 0, kappa: 0, tau: 1, ua: 1, ub: 0 };
    v = new Float64Array(c.groups.length);
    for (let g = 0; g < v.length; g++) {
      if (!(c.m[g]! > 0)) continue;
      let s = 0;
      for (const t of nonZero(c.n[g]!)) s += techAbsent(c, unit, g, t);
      v[g] = s;
    }
    byMu.set(mu, v);
  }
  return v;
}

/** Evidence score per group: log-likelihood ratio (nats) against the background model. */
export function scoreGroups(c: ProfileCounts, p: ModelParams, obs: Observation): Float64Array {
  const G = c.groups.length;
  const out = new Float64Array(G);
  const totals = p.lambda > 0 ? absenceTotals(c, p.mu) : null;
  const unit: ModelParams = { ...p, lambda: 1 };
  for (let g = 0; g < G; g++) {
    let s = 0;
    if (c.m[g]! > 0) {
      for (const t of obs.techs) s += techPresent(c, p, g, t);
      if (totals) {
        // Absence over the profile minus the profile techniques that were observed.
        let absent = totals[g]!;
        const row = c.n[g]!;
        for (const t of obs.techs) if (row[t]! > 0) absent -= techAbsent(c, unit, g, t);
        s += p.lambda * absent;
      }
    } else {
      // A group with no technique reports has no profile: it is indistinguishable from the background.
      s = 0;
    }
    for (const sw of obs.softs) s += softPresent(c, p, g, sw);
    out[g] = s;
  }
  return out;
}

/** Log prior per group (unnormalised). */
export function logPrior(c: ProfileCounts, p: ModelParams): Float64Array {
  const out = new Float64Array(c.groups.length);
  for (let g = 0; g < out.length; g++) out[g] = p.beta * Math.log(c.m[g]! + 1);
  return out;
}

/** Calibrated posterior over groups (closed set: given the actor is one of them). */
export function posterior(scores: Float64Array, prior: Float64Array, tau: number): Float64Array {
  const z = new Float64Array(scores.length);
  let max = -Infinity;
  for (let g = 0; g < z.length; g++) {
    z[g] = scores[g]! / tau + prior[g]!;
    if (z[g]! > max) max = z[g]!;
  }
  let sum = 0;
  for (let g = 0; g < z.length; g++) sum += z[g] = Math.exp(z[g]! - max);
  for (let g = 0; g < z.length; g++) z[g]! /= sum;
  return z;
}

/** The IDF-weighted cosine baseline (attribution.md section 2): similarity of technique sets, weights log(G/df). */
export function cosineScores(c: ProfileCounts, obs: Observation): Float64Array {
  let G = 0;
  for (let g = 0; g < c.groups.length; g++) if (c.m[g]! > 0) G++;
  const idf = (t: number): number => (c.df[t]! > 0 ? Math.log(G / c.df[t]!) : 0);
  let on = 0;
  for (const t of obs.techs) on += idf(t) ** 2;
  const out = new Float64Array(c.groups.length);
  for (let g = 0; g < out.length; g++) {
    const row = c.n[g]!;
    let gn = 0;
    for (const t of nonZero(row)) gn += idf(t) ** 2;
    let dot = 0;
    for (const t of obs.techs) if (row[t]! > 0) dot += idf(t) ** 2;
    out[g] = gn > 0 && on > 0 ? dot / Math.sqrt(gn * on) : 0;
  }
  return out;
}
