import { describe, expect, it } from 'vitest';
import type { KahuEvent } from '../model/index.js';
import { newFileTally, tallyBatch } from './stats.js';

function ev(source: KahuEvent['source'], time: number | null): KahuEvent {
  return { time, host: null, source, fields: {}, prov: { evidenceId: 'e1', path: 'p', locator: { line: 1 } } };
}

describe('tallyBatch', () => {
  it('counts events per source in first-seen order and keeps the finite time range, across batches', () => {
    const t = newFileTally();
    tallyBatch(t, [ev('webserver.iis', 50), ev('exchange.httpproxy', null), ev('webserver.iis', Number.NaN), ev('webserver.iis', 20)]);
    tallyBatch(t, []);
    tallyBatch(t, [ev('exchange.httpproxy', 90), ev('file', Number.POSITIVE_INFINITY), ev('exchange.httpproxy', 10)]);
    expect(t.events).toBe(7);
    expect(t.first).toBe(10);
    expect(t.last).toBe(90);
    expect([...t.bySource]).toEqual([
      ['webserver.iis', 3],
      ['exchange.httpproxy', 3],
      ['file', 1],
    ]);
  });

  it('leaves the range empty when no event has a time', () => {
    const t = newFileTally();
    tallyBatch(t, [ev('webserver.iis', null)]);
    expect([t.events, t.first, t.last]).toEqual([1, null, null]);
  });
});
