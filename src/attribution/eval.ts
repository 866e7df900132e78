import type { AttackKb } from '../attack/index.js';
import { brier, meanNll, rankOf, reliability, type ReliabilityBin } from './calibration.js';
import { cosineScores, logPrior, posterior, scoreGroups, type ModelParams, type Observation } from './model.js';
import { buildProfiles, countsWithout, type ProfileCounts, type ProfileData } from './profiles.js';
import { sponsorKey } from './sponsor.js';

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

/** Figures for one method on one set of reports. */
export interface Figures {
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
  return {
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

/** Scores (evidence LLR) and prior for every report under the given structural parameters. */
function logitsFor(reports: TestReport[], p: ModelParams, techOnly: boolean): Array<{ scores: Float64Array; prior: Float64Array }> {
  return reports.map((r) => ({
    scores: scoreGroups(r.counts, p, techOnly ? r.techOnly : r.obs),
    prior: logPrior(r.counts, p),
  }));
}

/** The values of each structural parameter searched on the fitting folds (coordinate descent). */
export const GRID: Record<'mu' | 'lambda' | 'wS' | 'muS' | 'beta', number[]> = {
  mu: [0.25, 0.5, 1, 2, 4, 8, 16, 32],
  lambda: [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3],
  wS: [0, 0.25, 0.5, 1, 1.5, 2],
  muS: [0.05, 0.25, 1, 4],
  beta: [0, 0.5, 1, 1.5, 2],
};

/** A fitted model and how well it fitted. */
export interface FitResult {
  params: ModelParams;
  fitNll: number;
  tried: number;
}

/** Mean NLL of the fitting reports for structural parameters, with the temperature fitted for them. */
function evaluateSetting(fit: TestReport[], p: Omit<ModelParams, 'tau'>, techOnly: boolean): { nll: number; tau: number } {
  const sc = logitsFor(fit, { ...p, beta: 1, tau: 1 }, techOnly);
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
  const cur: Omit<ModelParams, 'tau'> = { mu: 2, lambda: 0.2, wS: techOnly ? 0 : 1, muS: 1, beta: 1 };
  let best = evaluateSetting(fit, cur, techOnly);
  let tried = 1;
  const names = (techOnly ? ['mu', 'lambda', 'beta'] : ['mu', 'lambda', 'wS', 'muS', 'beta']) as Array<keyof typeof GRID>;
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
  return { params: { ...cur, tau: best.tau }, fitNll: best.nll, tried };
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
  model: Figures;
  modelTechOnly: Figures;
  baseline: Figures;
  baselineAll: Figures;
  modelAll: Figures;
  uncalibratedEce: number | null;
  seconds: number;
}

/** Runs the whole evaluation. */
export function runEvaluation(kb: AttackKb): EvalResult {
  const t0 = performance.now();
  const data = buildProfiles(kb);
  const tests = buildTestSet(kb, data);
  const fit = tests.filter((t) => t.split === 'fit');
  const rep = tests.filter((t) => t.split === 'report');
  const fitRes = fitModel(fit, false);
  const fitTech = fitModel(fit, true);
  const groups = data.counts.groups;
  const model = figures(kb, groups, predict(rep, fitRes.params));
  const modelTechOnly = figures(kb, groups, predict(rep, fitTech.params, true));
  const baseline = figures(kb, groups, predictCosine(rep));
  const baselineAll = figures(kb, groups, predictCosine(tests));
  const modelAll = figures(kb, groups, predict(tests, fitRes.params));
  // The same model without temperature (tau = 1), to show what calibration buys.
  const raw = figures(kb, groups, predict(rep, { ...fitRes.params, tau: 1 }));
  return {
    reports: tests.length,
    fitReports: fit.length,
    reportReports: rep.length,
    groups: groups.filter((_, g) => data.counts.m[g]! > 0).length,
    fit: fitRes,
    fitTechOnly: fitTech,
    model,
    modelTechOnly,
    baseline,
    baselineAll,
    modelAll,
    uncalibratedEce: raw.ece,
    seconds: (performance.now() - t0) / 1000,
  };
}
