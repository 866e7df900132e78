import { describe, expect, it } from 'vitest';
import type { CorrelationIR } from '../sigma/index.js';
import { CorrelationState, Correlator, type CorrEvent } from './correlate.js';

const corr = (over: Partial<CorrelationIR>): CorrelationIR => ({
  type: 'correlation',
  id: 'c',
  title: 'c',
  level: 'high',
  tags: [],
  origin: { file: 'c.yml', line: 1, col: 1 },
  correlation: 'event_count',
  rules: ['r'],
  groupBy: ['User'],
  timespanMs: 60_000,
  condition: { gte: 3 },
  aliases: {},
  generate: false,
  ...over,
});
const e = (time: number, User: string, ruleId = 'r'): CorrEvent => ({ ruleId, time, events: [], fields: { User } });

describe('correlations', () => {
  it('keep memory bounded: groups whose window ended are dropped', () => {
    const s = new CorrelationState(corr({}));
    for (let i = 0; i < 10_000; i++) {
      s.push(e(i * 1000, `user${i}`));
      s.expire(i * 1000, []);
    }
    // Only users seen in the last 60 s can still be open.
    expect(s.size).toBeLessThanOrEqual(61);
  });

  it('fire once per window, not once per extra event', () => {
    const s = new CorrelationState(corr({}));
    const hits = [0, 1, 2, 3, 4].flatMap((i) => s.push(e(i * 1000, 'a')));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.value).toBe(3);
  });

  it('check upper-bound conditions only on complete windows', () => {
    const s = new CorrelationState(corr({ condition: { lt: 3 } }));
    const early = [0, 1000].flatMap((t) => s.push(e(t, 'a')));
    expect(early).toEqual([]);
    const hits = [...s.push(e(200_000, 'a')), ...s.finish()];
    // Window 1 (2 events) and window 2 (1 event) both have fewer than 3.
    expect(hits.map((h) => h.value)).toEqual([2, 1]);
  });

  it('temporal_ordered needs the order, within the timespan', () => {
    const c = new Correlator([corr({ correlation: 'temporal_ordered', rules: ['a', 'b'], condition: {} })]);
    expect([...c.push(e(0, 'u', 'b')), ...c.push(e(1000, 'u', 'a'))]).toEqual([]);
    expect(c.push(e(120_000, 'u', 'b'))).toEqual([]); // too late after a
    expect(c.push(e(121_000, 'u', 'a'))).toEqual([]);
    expect(c.push(e(122_000, 'u', 'b'))).toHaveLength(1);
  });

  it('skip events without the group-by field', () => {
    const s = new CorrelationState(corr({ condition: { gte: 1 } }));
    expect(s.push({ ruleId: 'r', time: 0, events: [], fields: {} })).toEqual([]);
  });
});
