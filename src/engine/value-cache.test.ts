import { describe, expect, it } from 'vitest';
import { sampleHash, StringCache, StringSet } from './value-cache.js';

// Two strings longer than 24 code units that differ only at a position sampleHash does not read (index 5 of a
// 60-unit string: it reads 0-3, eight spread from 4 by steps of 5.5, and the last 12), so their hashes are equal.
const base = 'x'.repeat(60);
const twin = (c: string): string => `${base.slice(0, 5)}${c}${base.slice(6)}`;

describe('sampleHash', () => {
  it('is a pure function of the text, and reads every code unit of short strings', () => {
    expect(sampleHash('C:\\Windows\\cmd.exe')).toBe(sampleHash(['C:\\Windows\\', 'cmd.exe'].join('')));
    expect(sampleHash('abc')).not.toBe(sampleHash('abd'));
    expect(sampleHash('a'.repeat(24))).not.toBe(sampleHash(`${'a'.repeat(23)}b`));
    expect(sampleHash('')).toBe(sampleHash(''));
  });

  it('collides for long strings differing only where it does not read (the users compare the strings)', () => {
    expect(sampleHash(twin('a'))).toBe(sampleHash(twin('b')));
  });
});

describe('StringCache', () => {
  it('returns what was stored, and nothing for a string never stored even when its hash is the same', () => {
    const c = new StringCache<number>(4);
    c.set(twin('a'), 1);
    expect(c.get(twin('a'))).toBe(1);
    expect(c.get(twin('b'))).toBeUndefined();
    c.set(twin('b'), 2);
    expect(c.get(twin('a'))).toBe(1);
    expect(c.get(twin('b'))).toBe(2);
    c.set(twin('a'), 3);
    expect(c.get(twin('a'))).toBe(3);
  });

  it('grows to keep every entry below its bound', () => {
    const c = new StringCache<number>(12);
    for (let i = 0; i < 1000; i++) c.set(`value ${i}`, i);
    let kept = 0;
    for (let i = 0; i < 1000; i++) if (c.get(`value ${i}`) === i) kept++;
    // A pair can still overflow while the table doubles; nearly all stay.
    expect(kept).toBeGreaterThan(990);
  });

  it('at its bound evicts the oldest of a bucket, never answers wrongly', () => {
    const c = new StringCache<string>(2); // one bucket of four, no growth
    for (const x of 'abcde') c.set(twin(x), x);
    expect(c.get(twin('a'))).toBeUndefined();
    for (const x of 'bcde') expect(c.get(twin(x))).toBe(x);
    for (let i = 0; i < 100; i++) c.set(`k${i}`, `v${i}`);
    for (let i = 0; i < 100; i++) expect([undefined, `v${i}`]).toContain(c.get(`k${i}`));
  });
});

describe('StringSet', () => {
  it('answers membership exactly, colliding members included', () => {
    const s = new StringSet(['cmd.exe', 'powershell.exe', twin('a'), twin('b'), 'cmd.exe']);
    expect(s.size).toBe(4);
    for (const m of ['cmd.exe', 'powershell.exe', twin('a'), twin('b')]) expect(s.has(m)).toBe(true);
    for (const m of ['cmd.ex', 'CMD.EXE', twin('c'), '', 'pwsh.exe']) expect(s.has(m)).toBe(false);
    expect(new StringSet([]).has('')).toBe(false);
  });
});
