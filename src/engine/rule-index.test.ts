import { describe, expect, it } from 'vitest';
import { caseGate } from './rule-index.js';

/** Deterministic pseudo-random generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe('caseGate', () => {
  it('holds on every value whose lower-cased text contains a literal (random values, tricky case mappings)', () => {
    const r = rng(7);
    const pick = (s: string): string => s[Math.floor(r() * s.length)]!;
    // Letters in both cases, regex metacharacters, and the characters whose case mapping crosses into ASCII or
    // changes length: U+212A KELVIN SIGN, U+0130 (lower-cases to "i" + U+0307), U+017F LONG S, sharp s.
    const valueChars = 'aKkIiSs\u212a\u0130\u017f\u00df.\\*(|[-/ ';
    const litChars = 'akis.\\*(|[-/ ';
    let held = 0;
    for (let n = 0; n < 50_000; n++) {
      const lits = Array.from({ length: 1 + Math.floor(r() * 3) }, () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(litChars)).join(''));
      const value = Array.from({ length: Math.floor(r() * 8) }, () => pick(valueChars)).join('');
      const gate = caseGate(lits)!;
      if (lits.some((l) => value.toLowerCase().includes(l))) {
        held++;
        expect(gate.test(value), `${JSON.stringify(lits)} in ${JSON.stringify(value)}`).toBe(true);
      }
    }
    expect(held).toBeGreaterThan(5_000);
  });

  it('rejects values without the literal, and declines non-ASCII literals', () => {
    const gate = caseGate(['\\perfc.dat', 'mimikatz'])!;
    expect(gate.test('C:\\Windows\\PERFC.DAT')).toBe(true);
    expect(gate.test('Invoke-MimiKatz')).toBe(true);
    expect(gate.test('C:\\Windows\\perfcxdat')).toBe(false);
    expect(gate.test('C:\\Windows\\System32\\svchost.exe')).toBe(false);
    expect(caseGate(['\u00e9t\u00e9'])).toBeNull();
  });

  it('covers the two non-ASCII characters that lower-case to ASCII, which a plain i-flag regex misses', () => {
    expect('\u212a'.toLowerCase()).toBe('k');
    expect(/k/i.test('\u212a')).toBe(false);
    expect(caseGate(['k'])!.test('\u212a')).toBe(true);
    expect('X\u0130'.toLowerCase().includes('xi')).toBe(true);
    expect(/xi/i.test('X\u0130')).toBe(false);
    expect(caseGate(['xi'])!.test('X\u0130')).toBe(true);
  });
});
