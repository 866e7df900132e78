import { describe, expect, it } from 'vitest';
import { judge, runCaseOnEngine } from './run-engine.js';
import { CASES } from './sigma-cases.js';

describe('Sigma conformance (engine)', () => {
  it('case ids are unique', () => {
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });
  for (const c of CASES) {
    it(`${c.id}: ${c.title}`, () => {
      expect(judge(c, runCaseOnEngine(c))).toBe(true);
    });
  }
});
