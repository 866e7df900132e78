import { describe, expect, it } from 'vitest';
import { brier, fitTemperature, meanNll, rankOf, reliability, softmax } from './calibration.js';
import { logisticFit } from './eval.js';

/** Small seeded PRNG (mulberry32) so synthetic data are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(probs: ArrayLike<number>, u: number): number {
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (u < acc) return i;
  }
  return probs.length - 1;
}

/** Items whose labels are drawn from softmax(logits / trueTau): the right temperature is trueTau. */
function synthetic(trueTau: number, n: number, k: number, seed: number): Array<{ logits: number[]; label: number }> {
  const r = rng(seed);
  const out: Array<{ logits: number[]; label: number }> = [];
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: k }, () => (r() - 0.5) * 12);
    out.push({ logits, label: sample(softmax(logits, trueTau), r()) });
  }
  return out;
}

describe('temperature scaling', () => {
  it('recovers the temperature the labels were drawn with', () => {
    for (const trueTau of [0.5, 2, 4]) {
      const tau = fitTemperature(synthetic(trueTau, 4000, 8, 7));
      expect(Math.abs(Math.log(tau / trueTau))).toBeLessThan(0.15);
    }
  });

  it('the fitted temperature has lower NLL and ECE than the raw scores', () => {
    const items = synthetic(3, 3000, 10, 11);
    const tau = fitTemperature(items);
    expect(meanNll(items, tau)).toBeLessThan(meanNll(items, 1));
    const pairs = (t: number): Array<{ p: number; hit: boolean }> =>
      items.map((it) => {
        const p = softmax(it.logits, t);
        let top = 0;
        for (let i = 1; i < p.length; i++) if (p[i]! > p[top]!) top = i;
        return { p: p[top]!, hit: top === it.label };
      });
    const eceFitted = reliability(pairs(tau)).ece;
    expect(eceFitted).toBeLessThan(0.03);
    expect(reliability(pairs(1)).ece).toBeGreaterThan(eceFitted + 0.1);
  });
});

describe('reliability and scores', () => {
  it('ECE is zero for a perfectly calibrated table and |acc - conf| for one bin', () => {
    // 0.25 predicted and 5 of 20 right: perfectly calibrated.
    const pairs = Array.from({ length: 20 }, (_, i) => ({ p: 0.25, hit: i < 5 }));
    expect(reliability(pairs).ece).toBeCloseTo(0, 12);
    const off = Array.from({ length: 10 }, (_, i) => ({ p: 0.9, hit: i < 6 }));
    expect(reliability(off).ece).toBeCloseTo(0.3, 12);
    expect(reliability(pairs).table[2]!.n).toBe(20);
    expect(reliability([{ p: 1, hit: true }]).table[9]!.n).toBe(1);
  });

  it('Brier: 0 for a certain right answer, 2 for a certain wrong one', () => {
    expect(brier([1, 0, 0], 0)).toBe(0);
    expect(brier([0, 1, 0], 0)).toBe(2);
    expect(brier([0.5, 0.5], 0)).toBeCloseTo(0.5, 12);
  });

  it('rankOf breaks ties by index', () => {
    expect(rankOf([0.2, 0.5, 0.5, 0.1], 2)).toBe(2);
    expect(rankOf([0.2, 0.5, 0.5, 0.1], 1)).toBe(1);
    expect(rankOf([0.2, 0.5, 0.5, 0.1], 3)).toBe(4);
  });

  it('logistic fit recovers a known slope and bias', () => {
    const r = rng(3);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = (r() - 0.5) * 10;
      xs.push(x);
      ys.push(r() < 1 / (1 + Math.exp(-(0.7 * x - 1.2))) ? 1 : 0);
    }
    const { a, b } = logisticFit(xs, ys);
    expect(a).toBeCloseTo(0.7, 1);
    expect(b).toBeCloseTo(-1.2, 1);
  });
});
