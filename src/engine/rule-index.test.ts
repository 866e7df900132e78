import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../core/index.js';
import { flattenWindowsEvent } from '../evidence/index.js';
import { loadRuleTexts } from '../sigma/index.js';
import { createSigmaDetector } from './detector.js';
import { regexMinLength, requiredRegexLiterals } from './regex-literal.js';
import { caseGate, withoutIndexedTests } from './rule-index.js';
import type { Expr } from '../sigma/index.js';

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

describe('regex literals under case folding', () => {
  it('keeps only ASCII pieces without `s` for case-insensitive regexes (RE2 folds s with U+017F)', () => {
    expect(requiredRegexLiterals({ op: 're', source: 'Invoke-Mimikatz', flags: { i: false, m: false, s: false } })).toEqual(['invoke-mimikatz']);
    expect(requiredRegexLiterals({ op: 're', source: '(?i)powershell', flags: { i: false, m: false, s: false } })).toEqual(['power']);
    expect(requiredRegexLiterals({ op: 're', source: 'powershell|cmd\\.exe', flags: { i: true, m: false, s: false } })).toEqual(['power', 'cmd.exe']);
    expect(requiredRegexLiterals({ op: 're', source: 'ssss', flags: { i: true, m: false, s: false } })).toBeNull();
  });

  it('matches "powerſhell" with a case-insensitive regex rule, with and without the prefilter', () => {
    const issues = new IssueCollector();
    const set = loadRuleTexts(
      [
        {
          file: 'rules/re.yml',
          text: `title: Regex
id: 44444444-4444-4444-8444-444444444444
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|re|i: 'powershell.+-enc'
  condition: sel
level: low
`,
        },
      ],
      issues,
    );
    const det = createSigmaDetector(set);
    const ev = flattenWindowsEvent(
      { Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: { CommandLine: 'POWER\u017fHELL -enc AAA' } } },
      { evidenceId: 'e', path: 'p', locator: { record: 1 } },
    )!;
    const on: string[] = [];
    const off: string[] = [];
    det.index.match(ev, (t) => on.push(t.rule.title));
    det.index.match(ev, (t) => off.push(t.rule.title), false);
    expect(off).toEqual(['Regex']);
    expect(on).toEqual(off);
  });
});

describe('regexMinLength', () => {
  it('reads a leading counted dot, and nothing else', () => {
    expect(regexMinLength('.{1000,}')).toBe(1000);
    expect(regexMinLength('^(?s).{12,40}x')).toBe(12);
    expect(regexMinLength('.{5}|a')).toBe(0);
    expect(regexMinLength('a.{5,}')).toBe(0);
    expect(regexMinLength('\\.{5,}')).toBe(0);
  });
});

describe('requiredRegexLiterals against RE2', () => {
  it('every value RE2 matches holds one of the literals in its lower-cased text (random regexes and values)', async () => {
    const { default: RE2 } = await import('re2');
    const r = rng(3);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
    const atoms = ['a', 'b', 'S', 's', 'k', '`', '\\.', '\\\\', '.', '\\d', '\\x41', '\\101', '[ab]', '(?:a|b)', '(a|S)', '\\s', '"'];
    const quants = ['', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}'];
    let checked = 0;
    for (let n = 0; n < 4000; n++) {
      const source = (r() < 0.2 ? '(?i)' : '') + Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick(atoms) + pick(quants)).join('') + (r() < 0.2 ? `|${pick(atoms)}${pick(atoms)}` : '');
      const i = r() < 0.3;
      const lits = requiredRegexLiterals({ op: 're', source, flags: { i, m: false, s: false } }, 1);
      if (lits === null) continue;
      const re = new RE2(source, `${i ? 'i' : ''}u`);
      for (let k = 0; k < 20; k++) {
        const value = Array.from({ length: Math.floor(r() * 8) }, () => pick(['a', 'A', 'b', 's', 'S', '\u017f', 'k', '\u212a', '`', '.', '\\', '1', 'x', ' ', '"'])).join('');
        if (!re.test(value)) continue;
        checked++;
        expect(lits.some((l) => value.toLowerCase().includes(l)), `/${source}/${i ? 'i' : ''} on ${JSON.stringify(value)}: ${JSON.stringify(lits)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('withoutIndexedTests', () => {
  const eq = (field: string, v: string, cased = false): Expr => ({ kind: 'field', field, test: { op: 'pattern', parts: [{ t: 'lit', v }], cased } });
  const body = eq('Image', 'x');
  it('drops top-level plain equality tests on Channel and EventID, and nothing else', () => {
    expect(withoutIndexedTests({ kind: 'and', args: [eq('Channel', 'Security'), { kind: 'or', args: [eq('EventID', '1'), eq('EventID', '2')] }, body] })).toEqual(body);
    expect(withoutIndexedTests({ kind: 'and', args: [eq('Channel', 'Security'), eq('EventID', '4688')] })).toEqual({ kind: 'const', value: true });
    const kept = [eq('Channel', 'Security', true), eq('Channel', '*'), { kind: 'not', arg: eq('EventID', '1') } as Expr, eq('Provider_Name', 'x')];
    expect(withoutIndexedTests({ kind: 'and', args: [...kept, body] })).toEqual({ kind: 'and', args: [...kept, body] });
    expect(withoutIndexedTests({ kind: 'or', args: [eq('Channel', 'Security'), body] })).toEqual({ kind: 'or', args: [eq('Channel', 'Security'), body] });
  });
});
