import { describe, expect, it } from 'vitest';
import type { PatternPart } from '../sigma/index.js';
import { compileCidr, compilePattern } from './compile.js';

/** Reference: the same pattern as an anchored JS regex (fine here: test inputs are tiny). */
function reference(parts: PatternPart[], s: string): boolean {
  const src = parts.map((p) => (p.t === 'any' ? '.*' : p.t === 'one' ? '.' : p.v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${src}$`, 's').test(s);
}

/** Deterministic pseudo-random generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

describe('compilePattern', () => {
  it('agrees with a regex reference on 20,000 random patterns and strings', () => {
    const r = rng(42);
    const alpha = 'ab*';
    for (let n = 0; n < 20_000; n++) {
      const parts: PatternPart[] = [];
      const len = Math.floor(r() * 6);
      for (let i = 0; i < len; i++) {
        const k = r();
        if (k < 0.25) parts.push({ t: 'any' });
        else if (k < 0.4) parts.push({ t: 'one' });
        else parts.push({ t: 'lit', v: alpha[Math.floor(r() * 2)]!.repeat(1 + Math.floor(r() * 2)) });
      }
      const s = Array.from({ length: Math.floor(r() * 7) }, () => alpha[Math.floor(r() * 3)]).join('');
      expect(compilePattern(parts, false)(s), `${JSON.stringify(parts)} on ${JSON.stringify(s)}`).toBe(reference(parts, s));
    }
  });

  it('lower-cases pattern literals for case-insensitive matching (the value is lowered by the caller)', () => {
    expect(compilePattern([{ t: 'any' }, { t: 'lit', v: '\\CMD.exe' }], true)('c:\\windows\\cmd.exe')).toBe(true);
    expect(compilePattern([{ t: 'lit', v: 'ABC' }], false)('abc')).toBe(false);
  });

  it('stays fast on adversarial input (no exponential backtracking)', () => {
    const parts: PatternPart[] = [];
    for (let i = 0; i < 30; i++) parts.push({ t: 'any' }, { t: 'lit', v: 'a' });
    parts.push({ t: 'lit', v: 'b' });
    // 30 stars over 10,000 'a's with no 'b': must return false (a backtracking matcher would not finish).
    expect(compilePattern(parts, false)('a'.repeat(10_000))).toBe(false);
  });
});

describe('compileCidr', () => {
  it('IPv4 boundaries', () => {
    const m = compileCidr('192.168.0.0/16');
    expect(['192.168.0.0', '192.168.255.255', '192.169.0.0', '192.168.1', '300.168.0.1'].map(m)).toEqual([true, true, false, false, false]);
    expect(compileCidr('0.0.0.0/0')('8.8.8.8')).toBe(true);
  });
  it('IPv6 forms', () => {
    const m = compileCidr('2001:db8::/32');
    expect(['2001:db8::1', '2001:0DB8:0:0:0:0:0:1', '2001:db9::', '::', '1.2.3.4', '[2001:db8::5]', 'fe80::1%eth0'].map(m)).toEqual([
      true,
      true,
      false,
      false,
      false,
      true,
      false,
    ]);
    expect(compileCidr('::1/128')('0:0:0:0:0:0:0:1')).toBe(true);
  });
});

describe('regexLiteral', () => {
  it('finds a literal every match contains, or none', async () => {
    const { regexLiteral } = await import('./regex-literal.js');
    expect(regexLiteral('\\$PSHome\\[\\s*\\d{1,3}\\s*\\]')).toBe('$pshome[');
    expect(regexLiteral('cmd.{0,5}(?:/c|/r).+powershell.+x')).toBe('powershell');
    expect(regexLiteral('abc|defgh')).toBeNull();
    expect(regexLiteral('(?i)invoke-expressio?n')).toBe('invoke-expressi');
    expect(regexLiteral('abcd*e')).toBe('abc');
    expect(regexLiteral('ab[cdefgh]ij')).toBeNull();
    expect(regexLiteral('x{0,3}yyyy')).toBe('yyyy');
    expect(regexLiteral('\\\\windows\\\\temp\\\\')).toBe('\\windows\\temp\\');
    // Escape payloads are not text: \x41 is "A", \101 is "A", \pL a letter; \Q...\E quotes syntax.
    expect(regexLiteral('\\x41bcd')).toBe('bcd');
    expect(regexLiteral('\\101bcd')).toBe('bcd');
    expect(regexLiteral('\\pLbcd')).toBe('bcd');
    expect(regexLiteral('\\x{41}bcd')).toBe('bcd');
    expect(regexLiteral('\\Qa(b\\Ecde')).toBeNull();
    expect(regexLiteral('`(?:x|y)`', 1)).toBe('`');
    // POSIX bracket items are units inside a class: their `]` does not close it.
    expect(regexLiteral('[[:alpha:]]xyz')).toBe('xyz');
    expect(regexLiteral('[^[:space:]]+abc[[.-.][=e=]]')).toBe('abc');
  });

  it('gives no literal a match could lack after lower-casing', async () => {
    const { requiredRegexLiterals } = await import('./regex-literal.js');
    const re = (source: string, i = false) => ({ op: 're' as const, source, flags: { i, m: false, s: false } });
    // A final sigma lower-cases to ς, so "ΑΣ" lower-cased ("ας") does not contain the literal "ασ".
    expect(requiredRegexLiterals(re('ΑΣΒΓ'))).toBeNull();
    expect(requiredRegexLiterals(re('abcΣdefg'))).toEqual(['defg']);
    // RE2 folds s with ſ (U+017F) in case-insensitive mode; lower-casing does not.
    expect(requiredRegexLiterals(re('powershell', true))).toEqual(['power']);
    expect(requiredRegexLiterals(re('powershell'))).toEqual(['powershell']);
  });

  it('the compiled matcher still matches what RE2 matches (POSIX classes, context-dependent lower case)', async () => {
    const { compileExpr, EvalCtx } = await import('./compile.js');
    const field = (source: string) => ({ kind: 'field' as const, field: 'F', test: { op: 're' as const, source, flags: { i: false, m: false, s: false } } });
    const run = (source: string, value: string): boolean => compileExpr(field(source))(new EvalCtx({ F: value }));
    expect(run('[[:alpha:]]xyz', 'axyz')).toBe(true);
    expect(run('ΑΣ', 'ΑΣΒ')).toBe(true);
  });
});

describe('regexAlternatives', () => {
  it('splits only at top-level bars', async () => {
    expect((await import('./regex-literal.js')).regexAlternatives('[[:alpha:]|]ab|cd')).toEqual(['[[:alpha:]|]ab', 'cd']);
    const { regexAlternatives } = await import('./regex-literal.js');
    expect(regexAlternatives('ab|c(d|e)|[|]x|\\|y')).toEqual(['ab', 'c(d|e)', '[|]x', '\\|y']);
    expect(regexAlternatives('abc')).toEqual(['abc']);
  });
});
