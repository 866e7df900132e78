import { describe, expect, it } from 'vitest';
import { inferTimezone, offsetMatches } from './timezone.js';

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

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2021, 2, 1); // a Monday

/** Operator activity: `perDay` actions at random moments between 09:00 and 18:00 local time, weekdays only. */
function workday(offset: number, days: number, perDay: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    if (d % 7 >= 5) continue;
    for (let i = 0; i < perDay; i++) {
      const localHour = 9 + r() * 9;
      out.push(START + d * DAY + (localHour - offset) * HOUR);
    }
  }
  return out;
}

describe('inferTimezone', () => {
  it('infers the offset of operators working 09:00-18:00 local (within 1 hour)', () => {
    for (const offset of [8, 3, -5, 0, 9, 5.5, -8, 12]) {
      const r = inferTimezone(workday(offset, 14, 12, offset * 100 + 1));
      expect(r.inferred).toBe(true);
      if (r.inferred) {
        let d = Math.abs(r.utcOffset - offset);
        if (d > 12) d = 24 - d;
        expect([offset, d <= 1]).toEqual([offset, true]);
      }
    }
  });

  it('UTC+8 9-to-6 activity gives +8 +/- 1', () => {
    const r = inferTimezone(workday(8, 21, 10, 42));
    expect(r.inferred && Math.abs(r.utcOffset - 8) <= 1).toBe(true);
  });

  it('no inference from too few events', () => {
    const r = inferTimezone(workday(8, 1, 3, 5));
    expect(r.inferred).toBe(false);
    if (!r.inferred) expect(r.reason).toMatch(/too few/);
  });

  it('no inference from one long burst (many events, few distinct hours)', () => {
    const burst = Array.from({ length: 5000 }, (_, i) => START + 2 * HOUR + i * 100);
    expect(inferTimezone(burst).inferred).toBe(false);
  });

  it('no inference from activity spread uniformly over 24 hours', () => {
    const r = rng(9);
    const uniform = Array.from({ length: 3000 }, () => START + r() * 14 * DAY);
    const res = inferTimezone(uniform);
    expect(res.inferred).toBe(false);
    if (!res.inferred) expect(res.reason).toMatch(/not concentrated/);
  });

  it('no inference from two shifts twelve hours apart (round-the-clock operation)', () => {
    const both = [...workday(8, 14, 10, 1), ...workday(-4, 14, 10, 2)];
    expect(inferTimezone(both).inferred).toBe(false);
  });

  it('ignores non-finite times', () => {
    expect(inferTimezone([Number.NaN, Infinity]).inferred).toBe(false);
  });
});

describe('offsetMatches', () => {
  it('matches within tolerance, across the date line', () => {
    expect(offsetMatches(8, [8])).toBe(true);
    expect(offsetMatches(9.5, [8])).toBe(true);
    expect(offsetMatches(10, [8])).toBe(false);
    expect(offsetMatches(-11.5, [12])).toBe(true);
    expect(offsetMatches(3, [-5, -6, -7, -8])).toBe(false);
  });
});
