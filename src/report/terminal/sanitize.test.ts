import { describe, expect, it } from 'vitest';
import { HOSTILE, makeCase } from '../../../test/case/make-case.js';
import { terminalSafe, truncateStart } from './sanitize.js';
import { renderSummary } from './summary.js';

// Anything a terminal acts on: ESC, C1 controls, other C0 controls except the newline Kahu writes itself, bidi.
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\ufeff]/;

describe('terminalSafe', () => {
  it('removes escape sequences and shows other controls visibly', () => {
    expect(terminalSafe('\u001b[2J\u001b[31mFAKE OK\u001b[0m')).toBe('FAKE OK');
    expect(terminalSafe('\u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007')).toBe('link');
    expect(terminalSafe('\u009b31mC1')).toBe('C1');
    expect(terminalSafe('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
    expect(terminalSafe('a\r\nb\tc\u0007')).toBe('a\\x0d\\nb\\tc\\x07');
    expect(terminalSafe('a\nb', true)).toBe('a\nb');
  });

  it('leaves nothing active in any hostile string', () => {
    for (const h of HOSTILE) expect(terminalSafe(h)).not.toMatch(ACTIVE);
  });

  it('truncates from the start, keeping the file name', () => {
    expect(truncateStart('/a/very/long/path/u_ex210303.log', 15)).toBe('…u_ex210303.log');
    expect(truncateStart('short', 15)).toBe('short');
  });
});

describe('renderSummary', () => {
  it('prints counts and the report path with no active characters from evidence', () => {
    const text = renderSummary(makeCase(true), { outDir: '/tmp/case' });
    expect(text.replace(/\n/g, '')).not.toMatch(ACTIVE);
    expect(text).toContain('Findings: 17');
    expect(text).toContain('/tmp/case/report.html');
    expect(text).toMatch(/iis-w3c\s+1\s+5/);
  });

  it('colours levels only when asked', () => {
    expect(renderSummary(makeCase(true), { color: true })).toContain('\u001b[31m');
    expect(renderSummary(makeCase(true))).not.toContain('\u001b');
  });
});
