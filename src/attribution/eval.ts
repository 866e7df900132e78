import type { AttackKb } from '../attack/index.js';
import { brier, fitTemperature, meanNll, rankOf, reliability, type ReliabilityBin } from './calibration.js';
import { cosineScores, logPrior, posterior, scoreGroups, type ModelParams, type Observation } from './model.js';
import { buildProfiles, countsWithout, groupReports, type GroupReports, type ProfileCounts, type ProfileData } from './profiles.js';
import { fitLinear, groupFeatures, linearLogits, linearLogZ, nbAsLinear, NF, type LinearModel } from './linear.js';
import { sponsorKey } from './sponsor.js';
import { fitSponsorModel, sponsorFeatures, sponsorIndex, sponsorPosterior, type SponsorIndex, type SponsorModel } from './sponsor-model.js';

/**
 * Leave-one-report-out evaluation over ATT&CK's own citations (attribution.md section 2, issue 6):
 * every citation key whose "uses" relationships belong to one group and name at least 5 techniques is a
 * test report; before scoring it, the report is removed from every profile (relationships cited only by it
 * disappear). Folds are split by a fixed hash of the citation key into "fit" (parameters, temperature)
 * and "report" (the published figures); nothing is tuned on the report folds.
 */

/** One test report. */
export interface TestReport {
  key: string;
  /** Index of the true group in the profile arrays. */
  label: number;
  /** Distinct techniques the report names (before parent closure). */
  direct: number;
  obs: Observation;
  techOnly: Observation;
  split: 'fit' | 'report';
  /** Profiles with this report removed. */
  counts: ProfileCounts;
}

/** FNV-1a 32-bit: a fixed, documented hash for the fold split. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Fit or report fold of a citation key: even hash fits, odd hash reports. */
export function splitOf(key: string): 'fit' | 'report' {
  return fnv1a(key) % 2 === 0 ? 'fit' : 'report';
}

/** Builds the test set (all qualifying citation keys, sorted) with each one's leave-one-out profile counts. */
export function buildTestSet(kb: AttackKb, data: ProfileData, minTechniques = 5): TestReport[] {
  // Direct technique count per (key, owning groups), from the relationships as written.
  const direct = new Map<string, { groups: Set<string>; techs: Set<string> }>();
  for (const rel of kb.relationships) {
    if (rel.r !== 'uses') continue;
    const owners = kb.groups.has(rel.s) ? [rel.s] : kb.campaigns.has(rel.s) ? (kb.campaignGroups.get(rel.s) ?? []) : null;
    if (!owners) continue;
    for (const key of rel.c) {
      let d = direct.get(key);
      if (!d) direct.set(key, (d = { groups: new Set(), techs: new Set() }));
      for (const g of owners) d.groups.add(g);
      if (kb.techniques.has(rel.t)) d.techs.add(rel.t);
    }
  }
  const gIndex = new Map(data.counts.groups.map((g, i) => [g, i]));
  const out: TestReport[] = [];
  for (const key of [...direct.keys()].sort()) {
    const d = direct.get(key)!;
    if (d.groups.size !== 1 || d.techs.size < minTechniques) continue;
    const label = gIndex.get([...d.groups][0]!);
    const kc = data.contributions.get(key);
    const slot = label === undefined ? undefined : kc?.byGroup.get(label);
    if (label === undefined || !slot) continue;
    const techs = [...slot.techs].sort((a, b) => a - b);
    const softs = [...slot.softs].sort((a, b) => a - b);
    out.push({
      key,
      label,
      direct: d.techs.size,
      obs: { techs, softs },
      techOnly: { techs, softs: [] },
      split: splitOf(key),
      counts: countsWithout(data.counts, kc),
    });
  }
  return out;
}

/** 95% bootstrap interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/** Figures for one method on one set of reports. */
export interface Figures {
  /** 95% bootstrap intervals (1000 resamples of the reports, fixed seed) for top-1, top-5 and ECE. */
  ci: { top1: Interval; top5: Interval; ece: Interval | null };
  n: number;
  top1: number;
  top3: number;
  top5: number;
  top10: number;
  medianRank: number;
  /** Sponsor (state or country) top-1 over the reports whose group has one. */
  sponsorTop1: number | null;
  sponsorN: number;
  brier: number | null;
  ece: number | null;
  table: ReliabilityBin[] | null;
}

/** Per-report predictions of one method. */
export interface Prediction {
  report: TestReport;
  scores: Float64Array;
  /** Probabilities, when the method gives them. */
  probs: Float64Array | null;
  /** Sponsor probabilities (index = SponsorIndex key) from a sponsor model; else the group roll-up is used. */
  sponsorProbs?: { keys: string[]; p: Float64Array };
}

/** Computes the figures for a set of predictions. */
export function figures(kb: AttackKb, groups: string[], preds: Prediction[]): Figures {
  const ranks = preds.map((p) => rankOf(p.scores, p.report.label));
  const frac = (k: number): number => ranks.filter((r) => r <= k).length / Math.max(1, ranks.length);
  const sorted = [...ranks].sort((a, b) => a - b);
  let sponsorHits = 0;
  let sponsorN = 0;
  const sponsorOf = groups.map((g) => sponsorKey(kb, g));
  for (const p of preds) {
    const truth = sponsorOf[p.report.label];
    if (!truth) continue;
    sponsorN++;
    if (p.sponsorProbs) {
      let b = 0;
      for (let k = 1; k < p.sponsorProbs.p.length; k++) if (p.sponsorProbs.p[k]! > p.sponsorProbs.p[b]!) b = k;
      if (p.sponsorProbs.keys[b] === truth) sponsorHits++;
      continue;
    }
    // Roll up probability (or, for a score-only method, the best score) per sponsor; unknown-origin groups
    // do not form a sponsor.
    const mass = new Map<string, number>();
    for (let g = 0; g < groups.length; g++) {
      const s = sponsorOf[g];
      if (!s) continue;
      const v = p.probs ? p.probs[g]! : p.scores[g]!;
      mass.set(s, p.probs ? (mass.get(s) ?? 0) + v : Math.max(mass.get(s) ?? -Infinity, v));
    }
    let best: string | null = null;
    let bestV = -Infinity;
    for (const [s, v] of [...mass].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (v > bestV) {
        bestV = v;
        best = s;
      }
    }
    if (best === truth) sponsorHits++;
  }
  let br: number | null = null;
  let ece: number | null = null;
  let table: ReliabilityBin[] | null = null;
  if (preds.length > 0 && preds.every((p) => p.probs)) {
    br = preds.reduce((s, p) => s + brier(p.probs!, p.report.label), 0) / preds.length;
    const pairs = preds.map((p) => {
      let top = 0;
      for (let g = 1; g < p.probs!.length; g++) if (p.probs![g]! > p.probs![top]!) top = g;
      return { p: p.probs![top]!, hit: top === p.report.label };
    });
    const rel = reliability(pairs, 10);
    ece = rel.ece;
    table = rel.table;
  }
  const pairsAll = preds.every((p) => p.probs)
    ? preds.map((p) => {
        let top = 0;
        for (let g = 1; g < p.probs!.length; g++) if (p.probs![g]! > p.probs![top]!) top = g;
        return { p: p.probs![top]!, hit: top === p.report.label };
      })
    : null;
  const ci = bootstrap(ranks, pairsAll);
  return {
    ci,
    n: preds.length,
    top1: frac(1),
    top3: frac(3),
    top5: frac(5),
    top10: frac(10),
    medianRank: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : 0,
    sponsorTop1: sponsorN ? sponsorHits / sponsorN : null,
    sponsorN,
    brier: br,
    ece,
    table,
  };
}

function bootstrap(ranks: number[], pairs: Array<{ p: number; hit: boolean }> | null): Figures['ci'] {
  const n = ranks.length;
  const B = 1000;
  let seed = 0x9e3779b9;
  const rand = (): number => {
    // xorshift32: a fixed seed, so the intervals are the same on every run.
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    return seed / 4294967296;
  };
  const t1: number[] = [];
  const t5: number[] = [];
  const ece: number[] = [];
  for (let b = 0; b < B && n > 0; b++) {
    let h1 = 0;
    let h5 = 0;
    const sample: Array<{ p: number; hit: boolean }> = [];
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      if (ranks[j]! <= 1) h1++;
      if (ranks[j]! <= 5) h5++;
      if (pairs) sample.push(pairs[j]!);
    }
    t1.push(h1 / n);
    t5.push(h5 / n);
    if (pairs) ece.push(reliability(sample, 10).ece);
  }
  const interval = (xs: number[]): Interval => {
    const s = [...xs].sort((a, b) => a - b);
    return { lo: s[Math.floor(0.025 * (s.length - 1))] ?? 0, hi: s[Math.ceil(0.975 * (s.length - 1))] ?? 0 };
  };
  return { top1: interval(t1), top5: interval(t5), ece: pairs ? interval(ece) : null };
}

/** Scores (evidence LLR) and prior for every report under the given structural parameters. */
function logitsFor(reports: TestReport[], p: ModelParams, techOnly: boolean): Array<{ scores: Float64Array; prior: Float64Array }> {
  return reports.map((r) => ({
    scores: scoreGroups(r.counts, p, techOnly ? r.techOnly : r.obs),
    prior: logPrior(r.counts, p),
  }));
}

/** The values of each structural parameter searched on the fitting folds (coordinate descent). */
export const GRID: Record<'mu' | 'lambda' | 'wS' | 'muS' | 'beta' | 'kappa', number[]> = {
  mu: [0.25, 0.5, 1, 2, 4, 8, 16, 32],
  lambda: [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3],
  wS: [0, 0.25, 0.5, 1, 1.5, 2],
  muS: [0.05, 0.25, 1, 4],
  beta: [0, 0.5, 1, 1.5, 2],
  // Software-implied techniques: tried with {0.1, 0.25, 0.5, 1} on the fit folds, which chose 0 (no gain in
  // NLL); kept at 0 so the harness stays fast. See docs/adr/0006-attribution-model.md.
  kappa: [0],
};

/** A fitted model and how well it fitted. */
export interface FitResult {
  params: ModelParams;
  fitNll: number;
  tried: number;
}

/** Mean NLL of the fitting reports for structural parameters, with the temperature fitted for them. */
type Structural = Omit<ModelParams, 'tau' | 'ua' | 'ub'>;

function evaluateSetting(fit: TestReport[], p: Structural, techOnly: boolean): { nll: number; tau: number } {
  const sc = logitsFor(fit, { ...p, beta: 1, tau: 1, ua: 1, ub: 0 }, techOnly);
  const nllAt = (tau: number): number =>
    meanNll(
      sc.map((x, i) => ({ logits: combine(x.scores, x.prior, tau, p.beta), label: fit[i]!.label })),
      1,
    );
  const tau = fitTemperatureBy(nllAt);
  return { nll: nllAt(tau), tau };
}

/**
 * Selects the structural parameters (coordinate descent over GRID, three passes) and fits the temperature,
 * on the fitting reports only, by mean negative log-likelihood of the true group: a proper scoring rule,
 * so it rewards ranking and calibration together.
 */
export function fitModel(fit: TestReport[], techOnly = false): FitResult {
  const cur: Structural = { mu: 2, lambda: 0.2, wS: techOnly ? 0 : 1, muS: 1, beta: 1, kappa: 0 };
  let best = evaluateSetting(fit, cur, techOnly);
  let tried = 1;
  const names: Array<keyof typeof GRID> = techOnly ? ['mu', 'lambda', 'beta'] : ['mu', 'lambda', 'wS', 'muS', 'beta'];
  for (let pass = 0; pass < 3; pass++) {
    let changed = false;
    for (const name of names) {
      for (const v of GRID[name]) {
        if (v === cur[name]) continue;
        const trial = { ...cur, [name]: v };
        const r = evaluateSetting(fit, trial, techOnly);
        tried++;
        if (r.nll < best.nll - 1e-9) {
          best = r;
          cur[name] = v;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const params: ModelParams = { ...cur, tau: best.tau, ua: 1, ub: 0 };
  const { a, b } = fitUnknown(fit, params, techOnly);
  return { params: { ...params, ua: a, ub: b }, fitNll: best.nll, tried };
}

function logSumExp(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) m = Math.max(m, x);
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * log Z of a report against the knowledge base, with its own group in it ("known") and with that group taken
 * out ("removed": the actor is then not in the knowledge base). Z = sum_g prior(g) exp(score_g / tau), with
 * the prior normalised over the groups present.
 */
export function openSetLogZ(r: TestReport, p: ModelParams, techOnly = false): { known: number; removed: number } {
  const scores = scoreGroups(r.counts, p, techOnly ? r.techOnly : r.obs);
  const prior = logPrior(r.counts, p);
  const all: number[] = [];
  const without: number[] = [];
  const pAll: number[] = [];
  const pWithout: number[] = [];
  for (let g = 0; g < scores.length; g++) {
    all.push(scores[g]! / p.tau + prior[g]!);
    pAll.push(prior[g]!);
    if (g !== r.label) {
      without.push(scores[g]! / p.tau + prior[g]!);
      pWithout.push(prior[g]!);
    }
  }
  return { known: logSumExp(all) - logSumExp(pAll), removed: logSumExp(without) - logSumExp(pWithout) };
}

/**
 * Fits P(known) = sigmoid(a log Z + b) by logistic regression (Newton's method) on the fit reports, each
 * used twice: with its group in the knowledge base (known) and without it (unknown), so b holds even
 * prior odds. Removing the group drops its profile only; the background rates keep its reports (a small,
 * documented approximation).
 */
export function fitUnknown(fit: TestReport[], p: ModelParams, techOnly = false): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const r of fit) {
    const z = openSetLogZ(r, p, techOnly);
    xs.push(z.known, z.removed);
    ys.push(1, 0);
  }
  return logisticFit(xs, ys);
}

/** One-feature logistic regression by Newton's method (with a tiny ridge for separable data). */
export function logisticFit(xs: number[], ys: number[]): { a: number; b: number } {
  const nll = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) {
      const z = a * xs[i]! + b;
      // log(1 + e^z) - y z, computed without overflow.
      s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - ys[i]! * z;
    }
    return s;
  };
  // Start where the Hessian is well conditioned (all q = 0.5) and halve steps that do not improve.
  let a = 0;
  let b = 0;
  let cur = nll(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const q = 1 / (1 + Math.exp(-(a * x + b)));
      const e = q - ys[i]!;
      ga += e * x;
      gb += e;
      const w = q * (1 - q);
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = nll(a - da, b - db);
    while (next > cur && step > 1e-6) {
      step /= 2;
      next = nll(a - step * da, b - step * db);
    }
    da *= step;
    db *= step;
    a -= da;
    b -= db;
    const done = cur - next < 1e-10;
    cur = next;
    if (done) break;
  }
  return { a, b };
}

/** Open-set figures: how well P(unknown) separates reports whose group is in the KB from those whose is not. */
export interface OpenSetFigures {
  n: number;
  /** Mean P(unknown) when the true group is in the knowledge base / when it was removed. */
  meanUnknownKnown: number;
  meanUnknownRemoved: number;
  /** Share of removed-group reports where "unknown" is the most probable outcome. */
  unknownTopWhenRemoved: number;
  /** Share of known-group reports where "unknown" is the most probable outcome. */
  unknownTopWhenKnown: number;
  auroc: number;
  brier: number;
}

/**
 * Accumulates the open-set figures: per report, P(known) with its group in the KB and with it removed, and the
 * closed-set posterior over groups (the true group at `label`).
 */
function openSetTally(): { add(known: number, removed: number, post: ArrayLike<number>, label: number): void; figures(): OpenSetFigures } {
  const pk: number[] = [];
  const pr: number[] = [];
  let topKnown = 0;
  let topRemoved = 0;
  return {
    add(known, removed, post, label) {
      pk.push(1 - known);
      pr.push(1 - removed);
      let best = 0;
      let bestRemoved = 0;
      let sumRemoved = 0;
      for (let g = 0; g < post.length; g++) {
        best = Math.max(best, post[g]!);
        if (g !== label) {
          bestRemoved = Math.max(bestRemoved, post[g]!);
          sumRemoved += post[g]!;
        }
      }
      if (1 - known > known * best) topKnown++;
      if (1 - removed > removed * (bestRemoved / Math.max(1e-300, sumRemoved))) topRemoved++;
    },
    figures() {
      let conc = 0;
      for (const a of pr) for (const b of pk) conc += a > b ? 1 : a === b ? 0.5 : 0;
      const n = pk.length;
      let brier = 0;
      for (let i = 0; i < n; i++) brier += pk[i]! ** 2 + (pr[i]! - 1) ** 2;
      return {
        n,
        meanUnknownKnown: pk.reduce((a, x) => a + x, 0) / Math.max(1, n),
        meanUnknownRemoved: pr.reduce((a, x) => a + x, 0) / Math.max(1, n),
        unknownTopWhenRemoved: topRemoved / Math.max(1, n),
        unknownTopWhenKnown: topKnown / Math.max(1, n),
        auroc: n ? conc / (n * n) : 0,
        brier: n ? brier / (2 * n) : 0,
      };
    },
  };
}

/** Open-set evaluation (50/50 known/removed) with the fitted open-set calibration. */
export function openSetFigures(reports: TestReport[], p: ModelParams): OpenSetFigures {
  const tally = openSetTally();
  for (const r of reports) {
    const z = openSetLogZ(r, p);
    const known = 1 / (1 + Math.exp(-(p.ua * z.known + p.ub)));
    const removed = 1 / (1 + Math.exp(-(p.ua * z.removed + p.ub)));
    // Best group's probability = P(known) * its closed-set share: compared via the closed-set posterior.
    const post = posterior(scoreGroups(r.counts, p, r.obs), logPrior(r.counts, p), p.tau);
    tally.add(known, removed, post, r.label);
  }
  return tally.figures();
}

function combine(scores: Float64Array, prior: Float64Array, tau: number, beta: number): Float64Array {
  const out = new Float64Array(scores.length);
  for (let g = 0; g < out.length; g++) out[g] = scores[g]! / tau + beta * prior[g]!;
  return out;
}

function fitTemperatureBy(nllAt: (tau: number) => number): number {
  // Same search as fitTemperature(), on a closure that includes the prior.
  let lo = Math.log(0.05);
  let hi = Math.log(50);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = hi - phi * (hi - lo);
  let d = lo + phi * (hi - lo);
  let fc = nllAt(Math.exp(c));
  let fd = nllAt(Math.exp(d));
  for (let i = 0; i < 40; i++) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - phi * (hi - lo);
      fc = nllAt(Math.exp(c));
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + phi * (hi - lo);
      fd = nllAt(Math.exp(d));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Predictions of the fitted model on some reports. */
export function predict(reports: TestReport[], p: ModelParams, techOnly = false): Prediction[] {
  return reports.map((r) => {
    const scores = scoreGroups(r.counts, p, techOnly ? r.techOnly : r.obs);
    const prior = logPrior(r.counts, p);
    const probs = posterior(scores, prior, p.tau);
    return { report: r, scores: probs, probs };
  });
}

/** Predictions of the IDF-cosine baseline (scores only, no probabilities). */
export function predictCosine(reports: TestReport[]): Prediction[] {
  return reports.map((r) => ({ report: r, scores: cosineScores(r.counts, r.techOnly), probs: null }));
}

/** Everything the harness reports. */
export interface EvalResult {
  reports: number;
  fitReports: number;
  reportReports: number;
  groups: number;
  fit: FitResult;
  fitTechOnly: FitResult;
  /** The log-linear model (used at run time), fitted on the fit folds from the naive Bayes. */
  linear: LinearModel;
  linearFitNll: number;
  /** The feature set kept (FEATURE_SETS) and every candidate's held-out NLL (inner CV, fit folds). */
  featureSet: string;
  /** Temperature fitted on the cross-fitted logits of the fit reports (the weights are divided by it). */
  temperature: number;
  featureSetCv: Record<string, number>;
  /** The sponsor model (fit folds), its fit NLL and the plain sum roll-up's NLL on the same items. */
  sponsor: { model: SponsorModel; nll: number; sumNll: number };
  /** The fitted prior that the actor is not in the KB. */
  unknownPrior: { prior: number; newActors: number; n: number };
  /** The log-linear model with the plain sum roll-up to sponsors (report folds), for comparison. */
  modelSumRollup: Figures;
  /** Open-set figures at the fitted unknown prior. */
  openSetPrior: OpenSetFigures;
  /**
   * Model-selection check inside the fit folds: 2-fold cross-validation (halves by a second fixed hash), mean
   * held-out NLL of the naive Bayes (weights fixed) and of log-linear weights fitted on the other half.
   */
  innerCv: { nb: number; linear: number };
  /** The log-linear model's figures (report folds). */
  model: Figures;
  /** The naive Bayes with temperature (report folds). */
  modelNb: Figures;
  modelTechOnly: Figures;
  baseline: Figures;
  baselineAll: Figures;
  modelAll: Figures;
  uncalibratedEce: number | null;
  openSet: OpenSetFigures;
  /** Report-fold reports whose group has no technique report left once the test report is removed. */
  emptyProfiles: number;
  /** Report-fold reports whose group has at most two reports left. */
  thinProfiles: number;
  /** Mean share of a report's techniques that its group's remaining profile contains. */
  meanOverlap: number;
  seconds: number;
}

/** Predictions of a log-linear model from precomputed features. */
function predictLinear(reports: TestReport[], feats: Float64Array[][], w: readonly number[]): Prediction[] {
  return reports.map((r, i) => {
    const probs = softmax(linearLogits(feats[i]!, w));
    return { report: r, scores: probs, probs };
  });
}

function softmax(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  const out = new Float64Array(z.length);
  let s = 0;
  for (let i = 0; i < z.length; i++) s += out[i] = Math.exp(z[i]! - m);
  for (let i = 0; i < z.length; i++) out[i]! /= s;
  return out;
}

/** Open-set figures for the log-linear model (each report with and without its group). */
export function openSetFiguresLinear(reports: TestReport[], feats: Float64Array[][], m: LinearModel, priorLogOdds = 0): OpenSetFigures {
  const tally = openSetTally();
  reports.forEach((r, i) => {
    const f = feats[i]!;
    const known = 1 / (1 + Math.exp(-(m.ua * linearLogZ(f, m.w) + m.ub + priorLogOdds)));
    const removed = 1 / (1 + Math.exp(-(m.ua * linearLogZ(f, m.w, r.label) + m.ub + priorLogOdds)));
    tally.add(known, removed, softmax(linearLogits(f, m.w)), r.label);
  });
  return tally.figures();
}

/**
 * Candidate feature sets of the log-linear model (indices into FEATURES), declared before fitting; the harness
 * keeps the one with the lowest held-out NLL of the inner 2-fold cross-validation on the fit folds.
 */
export const FEATURE_SETS: Record<string, number[]> = {
  base: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  'base+knnBest': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  'base+saturated': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13],
  'base+knn': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  all: [...Array(NF).keys()],
};

type Item = { feats: Float64Array[]; label: number };

/** Fits the weights of the features in `mask` only (the others stay 0), from `w0`. */
export function fitMasked(items: Item[], mask: readonly number[], w0: readonly number[]): { w: number[]; nll: number } {
  const proj = items.map((it) => ({ feats: it.feats.map((f) => Float64Array.from(mask, (k) => f[k]!)), label: it.label }));
  const r = fitLinear(
    proj,
    mask.map((k) => w0[k] ?? 0),
  );
  const w = new Array<number>(NF).fill(0);
  mask.forEach((k, i) => (w[k] = r.w[i]!));
  return { w, nll: r.nll };
}

function heldOutNll(items: Item[], w: readonly number[]): number {
  let s = 0;
  for (const it of items) {
    const z = linearLogits(it.feats, w);
    s -= z[it.label]! - logSumExp([...z]);
  }
  return s;
}

/** Inner 2-fold cross-validation on the fit reports (halves by a second fixed hash): mean held-out NLL. */
export function innerCrossValidation(fit: TestReport[], feats: Float64Array[][], w0: readonly number[], mask: readonly number[] | null): number {
  return crossFitted(fit, feats, w0, mask).nll;
}

/** The inner 2-fold cross-validation's held-out logits (each fit report scored by weights fitted on the other half). */
function crossFitted(
  fit: TestReport[],
  feats: Float64Array[][],
  w0: readonly number[],
  mask: readonly number[] | null,
): { nll: number; items: Array<{ logits: Float64Array; label: number }> } {
  const half = fit.map((r) => (fnv1a(`${r.key}#cv`) >>> 1) % 2);
  let sum = 0;
  const items: Array<{ logits: Float64Array; label: number }> = [];
  for (const fold of [0, 1]) {
    const train = fit.flatMap((r, i) => (half[i] !== fold ? [{ feats: feats[i]!, label: r.label }] : []));
    const test = fit.flatMap((r, i) => (half[i] === fold ? [{ feats: feats[i]!, label: r.label }] : []));
    // mask null: the start weights as they are (the naive Bayes), nothing refitted.
    const w = mask ? fitMasked(train, mask, w0).w : w0;
    sum += heldOutNll(test, w);
    for (const it of test) items.push({ logits: linearLogits(it.feats, w), label: it.label });
  }
  return { nll: sum / Math.max(1, fit.length), items };
}

/**
 * Fits the run-time model on the fit reports: the naive Bayes (structure + temperature) first, then, for each
 * candidate feature set, the inner cross-validation; the best set's weights are fitted on all fit reports,
 * starting from the naive Bayes; then the open-set calibration on the log-linear log Z.
 */
export function fitLinearModel(
  fit: TestReport[],
  nb: ModelParams,
  reports?: GroupReports,
): { model: LinearModel; nll: number; feats: Float64Array[][]; featureSet: string; cv: Record<string, number>; cvNb: number; temperature: number } {
  const start = nbAsLinear(nb);
  const feats = fit.map((r) => groupFeatures(r.counts, start, r.obs, reports, r.key));
  const cv: Record<string, number> = {};
  let featureSet = 'base';
  for (const [name, mask] of Object.entries(FEATURE_SETS)) {
    cv[name] = innerCrossValidation(fit, feats, start.w, mask);
    if (cv[name] < cv[featureSet]! - 1e-9) featureSet = name;
  }
  const cvNb = innerCrossValidation(fit, feats, start.w, null);
  const fitted = fitMasked(
    feats.map((f, i) => ({ feats: f, label: fit[i]!.label })),
    FEATURE_SETS[featureSet]!,
    start.w,
  );
  // Weights fitted by maximum likelihood on the same reports are overconfident on new ones; a temperature fitted
  // on the cross-fitted (held-out) logits of the fit reports corrects that without touching the report folds.
  const temperature = fitTemperature(crossFitted(fit, feats, start.w, FEATURE_SETS[featureSet]!).items, 0.25, 4);
  const w = fitted.w.map((x) => x / temperature);
  const nll = fitted.nll;
  const xs: number[] = [];
  const ys: number[] = [];
  fit.forEach((r, i) => {
    xs.push(linearLogZ(feats[i]!, w), linearLogZ(feats[i]!, w, r.label));
    ys.push(1, 0);
  });
  const { a, b } = logisticFit(xs, ys);
  return { model: { ...start, w, ua: a, ub: b }, nll, feats, featureSet, cv, cvNb, temperature };
}

/**
 * The prior that the actor is not in the knowledge base, from the fit folds: the share of fit reports whose
 * group has no other report (its profile is empty once the report is left out), i.e. how often a new ATT&CK
 * report was about an actor the knowledge base did not know yet; Laplace-smoothed.
 */
export function fitUnknownPrior(fit: TestReport[]): { prior: number; newActors: number; n: number } {
  const newActors = fit.filter((r) => !(r.counts.m[r.label]! > 0)).length;
  return { prior: (newActors + 1) / (fit.length + 2), newActors, n: fit.length };
}

/** Sponsor predictions: the sponsor model's posterior for each report, from its group logits. */
function sponsorPreds(reports: TestReport[], logits: Float64Array[], idx: SponsorIndex, m: SponsorModel): Array<{ keys: string[]; p: Float64Array }> {
  return reports.map((r, i) => ({ keys: idx.keys, p: sponsorPosterior(sponsorFeatures(r.counts, r.obs, logits[i]!, idx, m), m.w) }));
}

/** Runs the whole evaluation. */
export function runEvaluation(kb: AttackKb): EvalResult {
  const t0 = performance.now();
  const data = buildProfiles(kb);
  const reports = groupReports(data);
  const tests = buildTestSet(kb, data);
  const fit = tests.filter((t) => t.split === 'fit');
  const rep = tests.filter((t) => t.split === 'report');
  const fitRes = fitModel(fit, false);
  const fitTech = fitModel(fit, true);
  const lin = fitLinearModel(fit, fitRes.params, reports);
  const repFeats = rep.map((r) => groupFeatures(r.counts, lin.model, r.obs, reports, r.key));
  const groups = data.counts.groups;

  // Sponsor model, fitted on the fit reports' group logits (their sponsor known).
  const idx = sponsorIndex(kb, groups);
  const fitLogits = lin.feats.map((f) => linearLogits(f, lin.model.w));
  const repLogits = repFeats.map((f) => linearLogits(f, lin.model.w));
  const sponsorItems = fit.flatMap((r, i) => (idx.of[r.label]! >= 0 ? [{ counts: r.counts, obs: r.obs, logits: fitLogits[i]!, label: idx.of[r.label]! }] : []));
  const sp = fitSponsorModel(sponsorItems, idx, lin.model.muS);
  const linPreds = predictLinear(rep, repFeats, lin.model.w);
  const sponsorRep = sponsorPreds(rep, repLogits, idx, sp.model);
  const model = figures(
    kb,
    groups,
    linPreds.map((p, i) => ({ ...p, sponsorProbs: sponsorRep[i]! })),
  );
  const modelSumRollup = figures(kb, groups, linPreds);
  const modelNb = figures(kb, groups, predict(rep, fitRes.params));
  const modelTechOnly = figures(kb, groups, predict(rep, fitTech.params, true));
  const baseline = figures(kb, groups, predictCosine(rep));
  const baselineAll = figures(kb, groups, predictCosine(tests));
  const sponsorFit = sponsorPreds(fit, fitLogits, idx, sp.model);
  const modelAll = figures(
    kb,
    groups,
    predictLinear([...fit, ...rep], [...lin.feats, ...repFeats], lin.model.w).map((p, i) => ({ ...p, sponsorProbs: [...sponsorFit, ...sponsorRep][i]! })),
  );
  // The naive Bayes without temperature (tau = 1), to show what calibration buys.
  const raw = figures(kb, groups, predict(rep, { ...fitRes.params, tau: 1 }));
  const unknownPrior = fitUnknownPrior(fit);
  const openSet = openSetFiguresLinear(rep, repFeats, lin.model);
  const openSetPrior = openSetFiguresLinear(rep, repFeats, lin.model, Math.log((1 - unknownPrior.prior) / unknownPrior.prior));
  return {
    reports: tests.length,
    fitReports: fit.length,
    reportReports: rep.length,
    groups: groups.filter((_, g) => data.counts.m[g]! > 0).length,
    fit: fitRes,
    fitTechOnly: fitTech,
    linear: lin.model,
    linearFitNll: lin.nll,
    featureSet: lin.featureSet,
    temperature: lin.temperature,
    featureSetCv: lin.cv,
    innerCv: { nb: lin.cvNb, linear: lin.cv[lin.featureSet]! },
    sponsor: sp,
    unknownPrior,
    model,
    modelSumRollup,
    modelNb,
    modelTechOnly,
    baseline,
    baselineAll,
    modelAll,
    uncalibratedEce: raw.ece,
    openSet,
    openSetPrior,
    emptyProfiles: rep.filter((t) => t.counts.m[t.label] === 0).length,
    thinProfiles: rep.filter((t) => t.counts.m[t.label]! <= 2).length,
    meanOverlap:
      rep.reduce((s, t) => s + t.obs.techs.filter((x) => t.counts.n[t.label]![x]! > 0).length / Math.max(1, t.obs.techs.length), 0) /
      Math.max(1, rep.length),
    seconds: (performance.now() - t0) / 1000,
  };
}
