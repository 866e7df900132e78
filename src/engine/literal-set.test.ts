import { describe, expect, it } from 'vitest';
import { AffixSet, LiteralSet } from './literal-set.js';

function found(lits: string[], s: string): number[] {
  const set = new Set<number>();
  new LiteralSet(lits).scan(s, (k) => set.add(k));
  return [...set].sort((a, b) => a - b);
}

describe('LiteralSet', () => {
  it('finds overlapping and nested literals', () => {
    expect(found(['he', 'she', 'his', 'hers'], 'ushers')).toEqual([0, 1, 3]);
    expect(found(['a', 'aa', 'aaa'], 'aa')).toEqual([0, 1]);
    expect(found(['\\cmd.exe', 'cmd', ' -enc '], 'c:\\windows\\cmd.exe -enc x')).toEqual([0, 1, 2]);
    expect(found(['xyz'], 'xxyxyz')).toEqual([0]);
    expect(found(['🦆', 'b'], 'a🦆')).toEqual([0]);
  });

  it('agrees with String.includes on random literal sets', () => {
    let x = 7;
    const r = (n: number): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 2000; round++) {
      // Non-ASCII code units take the root's sorted run instead of its ASCII table.
      const lits = Array.from({ length: 1 + r(30) }, () => Array.from({ length: 1 + r(4) }, () => 'ab\u00e9\u212a'[r(4)]).join(''));
      const s = Array.from({ length: r(40) }, () => 'ab\u00e9\u212ad'[r(5)]).join('');
      const want = lits.map((l, k) => (s.includes(l) ? k : -1)).filter((k) => k >= 0);
      expect(found(lits, s)).toEqual(want);
    }
  });
});

describe('LiteralSet.has and AffixSet', () => {
  it('agree with includes / startsWith / endsWith on random literal sets', () => {
    let x = 11;
    const r = (n: number): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
    const word = (alpha: string, max: number): string => Array.from({ length: r(max) }, () => alpha[r(alpha.length)]).join('');
    for (let round = 0; round < 3000; round++) {
      const lits = Array.from({ length: 1 + r(20) }, () => word('ab\u00e9', 4));
      const s = word('ab\u00e9c', 12);
      expect(new LiteralSet(lits).has(s), `${JSON.stringify(lits)} in ${s}`).toBe(lits.some((l) => s.includes(l)));
      expect(new AffixSet(lits, false).test(s), `${JSON.stringify(lits)} prefix of ${s}`).toBe(lits.some((l) => s.startsWith(l)));
      expect(new AffixSet(lits, true).test(s), `${JSON.stringify(lits)} suffix of ${s}`).toBe(lits.some((l) => s.endsWith(l)));
    }
  });
});
