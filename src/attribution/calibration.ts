/**
 * Calibration fitting and the measures of it: negative log-likelihood, Brier score, expected calibration
 * error (ECE) and the reliability table. Pure functions over arrays, so they can be tested on synthetic
 * scores whose calibration is known.
 */

/** Minimises a 1-D unimodal function on [lo, hi] by golden-section search. */
export function goldenMin(f: (x: number) => number, lo: number, hi: number, iters = 40): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iters; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Softmax of `logits / tau`. */
export function softmax(logits: ArrayLike<number>, tau = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) max = Math.max(max, logits[i]! / tau);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] = Math.exp(logits[i]! / tau - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Mean negative log-likelihood of the true classes under softmax(logits / tau). */
export function meanNll(items: Array<{ logits: ArrayLike<number>; label: number }>, tau: number): number {
  let s = 0;
  for (const { logits, label } of items) {
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / tau);
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! / tau - max);
    s -= logits[label]! / tau - max - Math.log(sum);
  }
  return s / Math.max(1, items.length);
}

/** Temperature scaling: the tau that minimises the NLL on the given (fitting) items; searched in log space. */
export function fitTemperature(items: Array<{ logits: ArrayLike<number>; label: number }>, lo = 0.05, hi = 20): number {
  const x = goldenMin((lt) => meanNll(items, Math.exp(lt)), Math.log(lo), Math.log(hi), 50);
  return Math.exp(x);
}

/** One bin of a reliability table. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  /** Mean predicted probability in the bin. */
  confidence: number;
  /** Observed frequency of being right in the bin. */
  accuracy: number;
}

/**
 * Reliability table and expected calibration error over (predicted probability, was it right) pairs,
 * with equal-width bins: ECE = sum over bins of (n_b / N) * |accuracy_b - confidence_b|.
 */
export function reliability(pairs: Array<{ p: number; hit: boolean }>, bins = 10): { ece: number; table: ReliabilityBin[] } {
  const table: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) table.push({ lo: b / bins, hi: (b + 1) / bins, n: 0, confidence: 0, accuracy: 0 });
  for (const { p, hit } of pairs) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    const bin = table[b]!;
    bin.n++;
    bin.confidence += p;
    bin.accuracy += hit ? 1 : 0;
  }
  let ece = 0;
  const N = pairs.length;
  for (const bin of table) {
    if (bin.n === 0) continue;
    bin.confidence /= bin.n;
    bin.accuracy /= bin.n;
    ece += (bin.n / N) * Math.abs(bin.accuracy - bin.confidence);
  }
  return { ece: N > 0 ? ece : 0, table };
}

/** Multi-class Brier score of one prediction: sum over classes of (p - y)^2 (0 best, 2 worst). */
export function brier(probs: ArrayLike<number>, label: number): number {
  let s = 0;
  for (let i = 0; i < probs.length; i++) s += (probs[i]! - (i === label ? 1 : 0)) ** 2;
  return s;
}

/** 1-based rank of `label` when sorted by score descending; ties are broken by index (stable). */
export function rankOf(scores: ArrayLike<number>, label: number): number {
  const v = scores[label]!;
  let r = 1;
  for (let i = 0; i < scores.length; i++) {
    if (i === label) continue;
    if (scores[i]! > v || (scores[i] === v && i < label)) r++;
  }
  return r;
}
