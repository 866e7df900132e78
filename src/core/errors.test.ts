import { describe, expect, it } from 'vitest';
import { KahuError, formatLocation } from './errors.js';
import { IssueCollector } from './issues.js';

describe('KahuError', () => {
  it('keeps code, location and cause', () => {
    const cause = new Error('inner');
    const e = new KahuError('bad-record', 'broken', { location: { path: 'a.log', line: 3 }, cause });
    expect(e.code).toBe('bad-record');
    expect(e.location).toEqual({ path: 'a.log', line: 3 });
    expect(e.cause).toBe(cause);
  });
  it('formats locations', () => {
    expect(formatLocation({ path: 'r.yml', line: 4, col: 2 })).toBe('r.yml:4:2');
    expect(formatLocation({ path: 'x.evtx', offset: 4096, chunk: 0, record: 7 })).toBe('x.evtx@0x1000 chunk 0 record 7');
  });
});

describe('IssueCollector', () => {
  it('caps issues per code and path and summarises the rest', () => {
    const c = new IssueCollector(2);
    for (let i = 0; i < 5; i++) c.report({ code: 'bad-record', severity: 'warning', message: 'x', location: { path: 'f', line: i + 1 } });
    const all = c.all();
    expect(all).toHaveLength(3);
    expect(all[2]?.message).toMatch(/^3 more issue/);
  });
});
