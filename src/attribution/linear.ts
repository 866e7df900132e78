import { techAbsent, techPresent, softPresent, type ModelParams, type Observation } from './model.js';
import type { GroupReports, ProfileCounts } from './profiles.js';

/**
 * The calibrated log-linear (conditional logit) model: logit(g) = w . f(g), softmax over groups.
 *
 * The features are the naive-Bayes terms (so the temperature-scaled naive Bayes is the special case
 * w = [1/tau, lambda/tau, lambda/tau, wS/tau, 0, 0, beta, 0, 0, 0]) plus similarity and coverage terms that the
 * naive-Bayes independence assumption misses. Weights are fitted by Newton's method on the fit folds, starting
 * from the fitted naive Bayes, so on the fit folds it can only do as well or better (docs/attribution.md).
 */
export const FEATURES = [
  'nbPresent', // sum over observed techniques of log(p/q), smoothing mu
  'absence', // sum over profile techniques not observed of log((1-p)/(1-q))
  'presentComplement', // sum over observed techniques of -log((1-p)/(1-q))
  'software', // sum over observed software of log(p_s/q_s), smoothing muS
  'cosine', // IDF-weighted cosine of the technique sets (the baseline)
  'coverage', // share of observed techniques in the profile
  'logReports', // log(m + 1): how often the group is reported (prior)
  'nbPresentSharp', // as nbPresent with smoothing muSharp
  'logProfileSize', // log(number of profile techniques + 1)
  'softwareCoverage', // share of observed software the group is known to use
  // Report-level (nearest-neighbour) and saturated terms: a case usually resembles one earlier report of the
  // actor (one campaign, one tool set) more than the union of all of them, and a technique cited by many of a
  // group's reports should count more than once but not without bound.
  'knnBest', // best IDF-weighted cosine between the observation and one of the group's reports
  'knnJaccard', // best Jaccard overlap with one of the group's reports
  'knnSum', // log(1 + sum of those cosines over the group's reports)
  'saturated', // mean over observed techniques of idf(t) * n/(n+1) (BM25-style saturation of the report count)
] as const;

/** Number of features. */
export const NF = FEATURES.length;

/** Features that do not depend on the observation (the prior part of the logit). */
export const PRIOR_FEATURES: readonly number[] = [6, 8];

/** A fitted log-linear model. */
export interface LinearModel {
  mu: number;
  muS: number;
  muSharp: number;
  /** One weight per feature, in FEATURES order. */
  w: number[];
  /** Open-set calibration: P(known) = sigmoid(ua * logZ + ub + prior log-odds). */
  ua: number;
  ub: number;
}

/** Per-technique IDF, group norms and observation norm for the cosine feature. */
interface CosineParts {
  idf: Float64Array;
  gnorm: Float64Array;
  onorm: number;
}

function cosineParts(c: ProfileCounts, obs: Observation): CosineParts {
  let G = 0;
  for (let g = 0; g < c.groups.length; g++) if (c.m[g]! > 0) G++;
  const idf = new Float64Array(c.techIds.length);
  for (let t = 0; t < idf.length; t++) idf[t] = c.df[t]! > 0 ? Math.log(G / c.df[t]!) : 0;
  const gnorm = new Float64Array(c.groups.length);
  for (let g = 0; g < gnorm.length; g++) {
    const row = c.n[g]!;
    let s = 0;
    for (let t = 0; t < row.length; t++) if (row[t]! > 0) s += idf[t]! ** 2;
    gnorm[g] = Math.sqrt(s);
  }
  let on = 0;
  for (const t of obs.techs) on += idf[t]! ** 2;
  return { idf, gnorm, onorm: Math.sqrt(on) };
}

function nbParams(mu: number, muS: number): ModelParams {
  return { mu, muS, lambda: 1, wS: 1, beta: 0, kappa: 0, tau: 1, ua: 1, ub: 0 };
}

/**
 * Per group, the best IDF-cosine and Jaccard against one of its reports, the summed cosine, and per technique its
 * share of the summed cosine (for the evidence decomposition). `skipKey` leaves the test report itself out.
 */
function neighbourParts(
  reports: GroupReports,
  g: number,
  cos: CosineParts,
  observed: Uint8Array,
  nObs: number,
  skipKey: string | undefined,
): { best: number; bestTechs: Int32Array | null; jac: number; jacTechs: Int32Array | null; sum: number } {
  let best = 0;
  let bestTechs: Int32Array | null = null;
  let jac = 0;
  let jacTechs: Int32Array | null = null;
  let sum = 0;
  for (const rep of reports[g] ?? []) {
    if (rep.key === skipKey) continue;
    let dot = 0;
    let rn = 0;
    let inter = 0;
    for (const t of rep.techs) {
      const w = cos.idf[t]! ** 2;
      rn += w;
      if (observed[t]) {
        dot += w;
        inter++;
      }
    }
    const v = rn > 0 && cos.onorm > 0 ? dot / (Math.sqrt(rn) * cos.onorm) : 0;
    sum += v;
    if (v > best) {
      best = v;
      bestTechs = rep.techs;
    }
    const j = inter / Math.max(1, rep.techs.length + nObs - inter);
    if (j > jac) {
      jac = j;
      jacTechs = rep.techs;
    }
  }
  return { best, bestTechs, jac, jacTechs, sum };
}

/**
 * Feature vectors of every group for an observation (row g = group g). Without `reports` the report-level
 * features (knnBest, knnJaccard, knnSum) are 0; `skipKey` is the test report in the evaluation.
 */
export function groupFeatures(
  c: ProfileCounts,
  m: Pick<LinearModel, 'mu' | 'muS' | 'muSharp'>,
  obs: Observation,
  reports?: GroupReports,
  skipKey?: string,
): Float64Array[] {
  const p = nbParams(m.mu, m.muS);
  const pSharp = nbParams(m.muSharp, m.muS);
  const pNoAbs = { ...p, lambda: 0 };
  const pSharpNoAbs = { ...pSharp, lambda: 0 };
  const cos = cosineParts(c, obs);
  const observed = new Uint8Array(c.techIds.length);
  for (const t of obs.techs) observed[t] = 1;
  const out: Float64Array[] = [];
  for (let g = 0; g < c.groups.length; g++) {
    const f = new Float64Array(NF);
    const row = c.n[g]!;
    if (c.m[g]! > 0) {
      let inProfile = 0;
      let dot = 0;
      for (const t of obs.techs) {
        f[0]! += techPresent(c, pNoAbs, g, t);
        f[2]! -= techAbsent(c, p, g, t);
        f[7]! += techPresent(c, pSharpNoAbs, g, t);
        if (row[t]! > 0) {
          inProfile++;
          dot += cos.idf[t]! ** 2;
        }
      }
      let size = 0;
      for (let t = 0; t < row.length; t++) {
        if (!(row[t]! > 0)) continue;
        size++;
        if (!observed[t]) f[1]! += techAbsent(c, p, g, t);
      }
      f[4] = cos.gnorm[g]! > 0 && cos.onorm > 0 ? dot / (cos.gnorm[g]! * cos.onorm) : 0;
      f[5] = obs.techs.length ? inProfile / obs.techs.length : 0;
      f[8] = Math.log(size + 1);
      if (reports) {
        const nb = neighbourParts(reports, g, cos, observed, obs.techs.length, skipKey);
        f[10] = nb.best;
        f[11] = nb.jac;
        f[12] = Math.log1p(nb.sum);
      }
      let sat = 0;
      for (const t of obs.techs) sat += (cos.idf[t]! * row[t]!) / (row[t]! + 1);
      f[13] = obs.techs.length ? sat / obs.techs.length : 0;
    }
    let softIn = 0;
    for (const s of obs.softs) {
      f[3]! += softPresent(c, p, g, s);
      if (c.ns[g]![s]! > 0) softIn++;
    }
    f[6] = Math.log(c.m[g]! + 1);
    f[9] = obs.softs.length ? softIn / obs.softs.length : 0;
    out.push(f);
  }
  return out;
}

/** Logits w . f per group. */
export function linearLogits(feats: Float64Array[], w: readonly number[]): Float64Array {
  const z = new Float64Array(feats.length);
  for (let g = 0; g < feats.length; g++) {
    let s = 0;
    const f = feats[g]!;
    for (let k = 0; k < NF; k++) s += f[k]! * (w[k] ?? 0);
    z[g] = s;
  }
  return z;
}

/** log-sum-exp of an array. */
export function logSumExpArr(z: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < z.length; i++) m = Math.max(m, z[i]!);
  if (m === -Infinity) return m;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.exp(z[i]! - m);
  return m + Math.log(s);
}

/**
 * log Z: the evidence for "one of these groups" against the background, i.e. the log-sum-exp of the logits minus
 * the log-sum-exp of their prior part (so a case with no evidence has log Z = 0).
 */
export function linearLogZ(feats: Float64Array[], w: readonly number[], skip = -1): number {
  const full: number[] = [];
  const prior: number[] = [];
  for (let g = 0; g < feats.length; g++) {
    if (g === skip) continue;
    const f = feats[g]!;
    let s = 0;
    let sp = 0;
    for (let k = 0; k < NF; k++) s += f[k]! * (w[k] ?? 0);
    for (const k of PRIOR_FEATURES) sp += f[k]! * (w[k] ?? 0);
    full.push(s);
    prior.push(sp);
  }
  return logSumExpArr(full) - logSumExpArr(prior);
}

/** The naive Bayes with temperature, as weights of the log-linear model. */
export function nbAsLinear(p: ModelParams): LinearModel {
  const w = new Array<number>(NF).fill(0);
  w[0] = 1 / p.tau;
  w[1] = p.lambda / p.tau;
  w[2] = p.lambda / p.tau;
  w[3] = p.wS / p.tau;
  w[6] = p.beta;
  return { mu: p.mu, muS: p.muS, muSharp: 1, w, ua: p.ua, ub: p.ub };
}

/**
 * Fits the weights by Newton's method with step halving, minimising the mean negative log-likelihood of the
 * true group over (features, label) items; starts from `w0`, so the result is never worse than `w0` there.
 */
export function fitLinear(items: Array<{ feats: Float64Array[]; label: number }>, w0: readonly number[]): { w: number[]; nll: number } {
  // The dimension is w0's, so candidate feature sets can be compared with the same code.
  const D = w0.length;
  const nllOf = (w: readonly number[]): number => {
    let s = 0;
    for (const it of items) {
      const z = dot(it.feats, w);
      s -= z[it.label]! - logSumExpArr(z);
    }
    return s / Math.max(1, items.length);
  };
  let w = [...w0];
  let cur = nllOf(w);
  for (let iter = 0; iter < 40; iter++) {
    const grad = new Array<number>(D).fill(0);
    const H = Array.from({ length: D }, () => new Array<number>(D).fill(0));
    for (const it of items) {
      const z = dot(it.feats, w);
      const lse = logSumExpArr(z);
      const ef = new Array<number>(D).fill(0);
      const probs = new Float64Array(z.length);
      for (let g = 0; g < z.length; g++) {
        probs[g] = Math.exp(z[g]! - lse);
        for (let k = 0; k < D; k++) ef[k]! += probs[g]! * it.feats[g]![k]!;
      }
      const fl = it.feats[it.label]!;
      for (let k = 0; k < D; k++) grad[k]! += ef[k]! - fl[k]!;
      for (let g = 0; g < z.length; g++) {
        const pg = probs[g]!;
        if (pg < 1e-12) continue;
        const f = it.feats[g]!;
        for (let a = 0; a < D; a++) {
          const da = f[a]! - ef[a]!;
          for (let b = a; b < D; b++) H[a]![b]! += pg * da * (f[b]! - ef[b]!);
        }
      }
    }
    const n = Math.max(1, items.length);
    for (let a = 0; a < D; a++) {
      grad[a]! /= n;
      for (let b = a; b < D; b++) {
        H[a]![b]! /= n;
        H[b]![a] = H[a]![b]!;
      }
      // A small ridge keeps the system solvable when a feature is constant (e.g. no software in any report).
      H[a]![a]! += 1e-4;
    }
    const step = solve(H, grad);
    let t = 1;
    let next = w.map((x, k) => x - t * step[k]!);
    let nn = nllOf(next);
    while (nn > cur && t > 1e-6) {
      t /= 2;
      next = w.map((x, k) => x - t * step[k]!);
      nn = nllOf(next);
    }
    if (nn > cur) break;
    const done = cur - nn < 1e-9;
    w = next;
    cur = nn;
    if (done) break;
  }
  return { w, nll: cur };
}

function dot(feats: Float64Array[], w: readonly number[]): Float64Array {
  const z = new Float64Array(feats.length);
  for (let g = 0; g < feats.length; g++) {
    let v = 0;
    const f = feats[g]!;
    for (let k = 0; k < w.length; k++) v += f[k]! * w[k]!;
    z[g] = v;
  }
  return z;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A small and symmetric positive definite). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]!]);
  for (let i = 0; i < n; i++) {
    let piv = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(M[r]![i]!) > Math.abs(M[piv]![i]!)) piv = r;
    [M[i], M[piv]] = [M[piv]!, M[i]!];
    const d = M[i]![i]!;
    if (Math.abs(d) < 1e-15) continue;
    for (let r = 0; r < n; r++) {
      if (r === i) continue;
      const f = M[r]![i]! / d;
      if (f === 0) continue;
      for (let col = i; col <= n; col++) M[r]![col]! -= f * M[i]![col]!;
    }
  }
  return M.map((r, i) => (Math.abs(r[i]!) < 1e-15 ? 0 : r[n]! / r[i]!));
}

/** Per-item contributions to group g's logit, for the evidence lists (same decomposition as the features). */
export function itemContributions(
  c: ProfileCounts,
  m: LinearModel,
  obs: Observation,
  g: number,
  reports?: GroupReports,
): { techs: Map<number, number>; absent: Map<number, number>; softs: Map<number, number> } {
  const p = nbParams(m.mu, m.muS);
  const pSharp = nbParams(m.muSharp, m.muS);
  const cos = cosineParts(c, obs);
  const row = c.n[g]!;
  const techs = new Map<number, number>();
  const absent = new Map<number, number>();
  const softs = new Map<number, number>();
  const observed = new Set(obs.techs);
  const w = (k: number): number => m.w[k] ?? 0;
  // Report-level features split over the observed techniques they rest on: the best report's cosine per its
  // shared techniques' IDF, Jaccard equally over the shared techniques, the summed cosine in proportion.
  const knn = new Map<number, number>();
  if (reports && c.m[g]! > 0 && obs.techs.length > 0) {
    const obsMask = new Uint8Array(c.techIds.length);
    for (const t of obs.techs) obsMask[t] = 1;
    const nb = neighbourParts(reports, g, cos, obsMask, obs.techs.length, undefined);
    const add = (t: number, v: number): void => void knn.set(t, (knn.get(t) ?? 0) + v);
    const shared = (techs: Int32Array | null): number[] => (techs ? [...techs].filter((t) => obsMask[t]) : []);
    const bestShared = shared(nb.bestTechs);
    const idfSum = bestShared.reduce((a, t) => a + cos.idf[t]! ** 2, 0);
    for (const t of bestShared) if (idfSum > 0) add(t, (w(10) * nb.best * cos.idf[t]! ** 2) / idfSum);
    const jacShared = shared(nb.jacTechs);
    for (const t of jacShared) add(t, (w(11) * nb.jac) / jacShared.length);
    const inAny = obs.techs.filter((t) => row[t]! > 0);
    const idfAny = inAny.reduce((a, t) => a + cos.idf[t]! ** 2, 0);
    for (const t of inAny) if (idfAny > 0) add(t, (w(12) * Math.log1p(nb.sum) * cos.idf[t]! ** 2) / idfAny);
  }
  if (c.m[g]! > 0) {
    for (const t of obs.techs) {
      let v =
        w(0) * techPresent(c, { ...p, lambda: 0 }, g, t) - w(2) * techAbsent(c, p, g, t) + w(7) * techPresent(c, { ...pSharp, lambda: 0 }, g, t);
      if (row[t]! > 0) {
        v += w(5) / obs.techs.length;
        if (cos.gnorm[g]! > 0 && cos.onorm > 0) v += (w(4) * cos.idf[t]! ** 2) / (cos.gnorm[g]! * cos.onorm);
        v += (w(13) * cos.idf[t]! * row[t]!) / (row[t]! + 1) / obs.techs.length;
      }
      v += knn.get(t) ?? 0;
      techs.set(t, v);
    }
    for (let t = 0; t < row.length; t++) if (row[t]! > 0 && !observed.has(t)) absent.set(t, w(1) * techAbsent(c, p, g, t));
  }
  for (const s of obs.softs) {
    softs.set(s, w(3) * softPresent(c, p, g, s) + (c.ns[g]![s]! > 0 ? w(9) / obs.softs.length : 0));
  }
  return { techs, absent, softs };
}
