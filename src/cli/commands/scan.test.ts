import { describe, expect, it } from 'vitest';
import { makeCase } from '../../../test/case/make-case.js';
import { EXIT } from '../exit-codes.js';
import { defaultCaseDir, scanExitCode } from './scan.js';

describe('scanExitCode', () => {
  const withLevels = (levels: ('low' | 'high' | 'critical')[]) => {
    const c = makeCase(true);
    c.findings = c.findings.slice(0, levels.length).map((f, i) => ({ ...f, level: levels[i] ?? 'low' }));
    c.issues = [];
    return c;
  };

  it('is 1 exactly when a finding is at or above --fail-on', () => {
    expect(scanExitCode(withLevels(['low', 'high']), { failOn: 'high' })).toBe(EXIT.failOn);
    expect(scanExitCode(withLevels(['low', 'high']), { failOn: 'critical' })).toBe(EXIT.ok);
    expect(scanExitCode(withLevels(['low']), { failOn: 'informational' })).toBe(EXIT.failOn);
    expect(scanExitCode(withLevels([]), { failOn: 'informational' })).toBe(EXIT.ok);
    expect(scanExitCode(withLevels(['critical']), {})).toBe(EXIT.ok);
  });

  it('is 3 when no file could be read, before anything else', () => {
    const c = withLevels(['critical']);
    c.stats.unreadable = c.stats.files;
    expect(scanExitCode(c, { failOn: 'low', strict: true })).toBe(EXIT.noEvidence);
    c.stats.files = 0;
    c.stats.unreadable = 0;
    expect(scanExitCode(c, {})).toBe(EXIT.noEvidence);
  });

  it('is 4 with --strict and an error-level issue, after --fail-on', () => {
    const c = withLevels(['low']);
    c.issues = [{ code: 'bad-record', severity: 'error', message: 'x' }];
    expect(scanExitCode(c, { strict: true })).toBe(EXIT.strict);
    expect(scanExitCode(c, { strict: false })).toBe(EXIT.ok);
    expect(scanExitCode(c, { strict: true, failOn: 'low' })).toBe(EXIT.failOn);
    c.issues = [{ code: 'bad-record', severity: 'warning', message: 'x' }];
    expect(scanExitCode(c, { strict: true })).toBe(EXIT.ok);
  });
});

describe('defaultCaseDir', () => {
  it('is a UTC, sortable, shell-friendly name', () => {
    expect(defaultCaseDir(new Date(Date.UTC(2026, 10, 28, 11, 26, 12, 345)))).toBe('kahu-case-20261128T112612Z');
  });
});
