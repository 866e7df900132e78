import { describe, expect, it } from 'vitest';
import { probabilityWords } from './yardstick.js';

describe('probabilityWords', () => {
  it('PHIA: each band, gap midpoints and the ends', () => {
    const cases: Array<[number, string]> = [
      [0, 'remote chance'],
      [0.05, 'remote chance'],
      [0.0749, 'remote chance'],
      [0.075, 'highly unlikely'],
      [0.2, 'highly unlikely'],
      [0.2249, 'highly unlikely'],
      [0.225, 'unlikely'],
      [0.35, 'unlikely'],
      [0.375, 'realistic possibility'],
      [0.5, 'realistic possibility'],
      [0.525, 'likely'],
      [0.75, 'likely'],
      [0.775, 'highly likely'],
      [0.9, 'highly likely'],
      [0.925, 'almost certain'],
      [1, 'almost certain'],
    ];
    for (const [p, w] of cases) expect([p, probabilityWords(p, 'phia')]).toEqual([p, w]);
  });

  it('ICD 203: shared end points take the lower band', () => {
    const cases: Array<[number, string]> = [
      [0.01, 'almost no chance'],
      [0.05, 'almost no chance'],
      [0.0501, 'very unlikely'],
      [0.2, 'very unlikely'],
      [0.2001, 'unlikely'],
      [0.45, 'unlikely'],
      [0.5, 'roughly even chance'],
      [0.55, 'roughly even chance'],
      [0.56, 'likely'],
      [0.8, 'likely'],
      [0.81, 'very likely'],
      [0.95, 'very likely'],
      [0.951, 'almost certain'],
    ];
    for (const [p, w] of cases) expect([p, probabilityWords(p, 'icd203')]).toEqual([p, w]);
  });

  it('clamps out-of-range and non-finite input', () => {
    expect(probabilityWords(-1)).toBe('remote chance');
    expect(probabilityWords(2)).toBe('almost certain');
    expect(probabilityWords(Number.NaN)).toBe('remote chance');
  });
});
