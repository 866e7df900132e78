import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import { IIS_DEFAULT_FIELDS, iisHeader, iisLine, iisLog, rng } from '../../../test/factories/iis.js';
import { memorySource } from '../../../test/factories/source.js';
import { detectIis, makeInterner, parseIisLog } from './parser.js';

async function parse(text: string | Buffer, chunk = 65536): Promise<{ events: KahuEvent[]; issues: IssueCollector }> {
  const issues = new IssueCollector();
  const events: KahuEvent[] = [];
  for await (const b of parseIisLog(memorySource(text, { chunk, path: 'W3SVC1/u_ex210303.log' }), issues)) events.push(...b);
  return { events, issues };
}

const rec = {
  date: '2021-03-03',
  time: '07:43:16',
  's-ip': '10.0.0.5',
  'cs-method': 'POST',
  'cs-uri-stem': '/owa/auth/Current/themes/resources/logon.css',
  'cs-uri-query': 'a=1&b=%3f@x',
  's-port': 443,
  'cs-username': '-',
  'c-ip': '203.0.113.7',
  'cs(User-Agent)': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/51.0.2704.103',
  'cs(Referer)': '-',
  'sc-status': 200,
  'sc-substatus': 0,
  'sc-win32-status': 0,
  'time-taken': 31,
};

describe('IIS W3C parser', () => {
  it('names fields the Sigma webserver way, decodes + in headers, keeps the query raw, adds proxy aliases', async () => {
    const { events, issues } = await parse(iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [rec] }]));
    expect(issues.all()).toEqual([]);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.source).toBe('webserver.iis');
    expect(e.time).toBe(Date.UTC(2021, 2, 3, 7, 43, 16));
    expect(e.fields).toMatchObject({
      'cs-method': 'POST',
      'cs-uri-stem': '/owa/auth/Current/themes/resources/logon.css',
      'cs-uri-query': 'a=1&b=%3f@x',
      'cs-user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/51.0.2704.103',
      'c-useragent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/51.0.2704.103',
      'cs-referer': null,
      'cs-username': null,
      'sc-status': 200,
      's-port': 443,
      'c-ip': '203.0.113.7',
      'c-uri': '/owa/auth/Current/themes/resources/logon.css?a=1&b=%3f@x',
      'c-uri-query': 'a=1&b=%3f@x',
      'c-uri-extension': 'css',
    });
    // Header line 1-4, record on line 5; offset = byte length of the 4 header lines.
    expect(e.prov.locator.line).toBe(5);
    expect(e.prov.locator.offset).toBe(Buffer.byteLength(iisHeader(IIS_DEFAULT_FIELDS)));
    expect(e.prov.evidenceId).toBe('e0001');
  });

  it('reads any #Fields order, a field set that changes mid-file, and several header blocks', async () => {
    const a = ['time', 'c-ip', 'cs-method', 'date', 'cs-uri-stem', 'sc-status'];
    const b = ['date', 'time', 's-computername', 'cs-uri-stem', 'cs-uri-query', 'cs(Cookie)', 'sc-status', 'X-Forwarded-For'];
    const text = iisLog([
      { fields: a, records: [{ ...rec, 'sc-status': 404 }] },
      { fields: b, date: '2021-03-04 00:00:00', records: [{ ...rec, date: '2021-03-04', 's-computername': 'EX01', 'cs(Cookie)': 'X-BEResource=a]@EX01:444/x~1', 'X-Forwarded-For': '198.51.100.1' }] },
    ]) + `#Fields: ${a.join(' ')}\r\n` + iisLine(a, rec);
    const { events, issues } = await parse(text);
    expect(issues.all()).toEqual([]);
    expect(events.map((e) => e.fields['sc-status'])).toEqual([404, 200, 200]);
    expect(events[0]!.fields['c-ip']).toBe('203.0.113.7');
    expect(events[1]!.fields).toMatchObject({ 'cs-cookie': 'X-BEResource=a]@EX01:444/x~1', 'X-Forwarded-For': '198.51.100.1' });
    expect(events[1]!.host).toBe('EX01');
    expect(events[1]!.time).toBe(Date.UTC(2021, 2, 4, 7, 43, 16));
    expect(events[2]!.fields['s-computername']).toBeUndefined();
    expect(events.map((e) => e.prov.locator.line)).toEqual([5, 10, 12]);
  });

  it('accepts one trailing space after the last value', async () => {
    const { events, issues } = await parse(iisHeader(IIS_DEFAULT_FIELDS) + iisLine(IIS_DEFAULT_FIELDS, rec).replace('\r\n', ' \r\n'));
    expect(issues.all()).toEqual([]);
    expect(events[0]!.fields['time-taken']).toBe(31);
  });

  it('keeps reading with the last #Fields when a header block was cut after #Software', async () => {
    const text = iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [rec] }]) + '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n' + iisLine(IIS_DEFAULT_FIELDS, rec);
    const { events, issues } = await parse(text);
    expect(issues.all()).toEqual([]);
    expect(events.map((e) => e.prov.locator.line)).toEqual([5, 8]);
  });

  it('uses the #Date day when the fields carry time only', async () => {
    const f = ['time', 'cs-uri-stem'];
    const { events } = await parse(iisHeader(f, '2020-12-31 23:00:00') + iisLine(f, { time: '23:59:59.5', 'cs-uri-stem': '/' }));
    expect(events[0]!.time).toBe(Date.UTC(2020, 11, 31, 23, 59, 59, 500));
  });

  it('reports a truncated last line and keeps every record before it', async () => {
    const text = iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [rec, rec] }]);
    const cut = text.slice(0, text.length - 6); // inside the last record's time-taken / status
    const { events, issues } = await parse(cut, 7);
    expect(events).toHaveLength(1);
    const t = issues.all().filter((i) => i.code === 'truncated');
    expect(t).toHaveLength(1);
    expect(t[0]!.location).toMatchObject({ path: 'W3SVC1/u_ex210303.log', line: 6 });
  });

  it('reports garbage and binary lines with their line number and goes on', async () => {
    const good = iisLine(IIS_DEFAULT_FIELDS, rec);
    const text = iisHeader(IIS_DEFAULT_FIELDS) + good + 'this is not a log line\r\n' + '\u0000\u0001\u0002 \u00ff\r\n' + good.replace('2021-03-03', '2021-13-45') + good;
    const { events, issues } = await parse(text);
    expect(events.map((e) => e.prov.locator.line)).toEqual([5, 9]);
    const bad = issues.all().filter((i) => i.code === 'bad-record');
    expect(bad.map((i) => i.location?.line)).toEqual([6, 7, 8]);
    expect(bad[1]!.message).toContain('\\x00');
    expect(bad[2]!.message).toContain('date/time');
  });

  it('handles CRLF split across chunks, a BOM, LF-only files and multi-byte UTF-8 in any chunk size', async () => {
    const r = { ...rec, 'cs-uri-stem': '/owa/auth/Ünïcødé.aspx' };
    const crlf = '\ufeff' + iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [r, r, r] }]);
    const lf = crlf.replaceAll('\r\n', '\n');
    for (const chunk of [1, 2, 3, 13, 4096]) {
      for (const t of [crlf, lf]) {
        const { events, issues } = await parse(t, chunk);
        expect(issues.all()).toEqual([]);
        expect(events).toHaveLength(3);
        expect(events[2]!.fields['cs-uri-stem']).toBe('/owa/auth/Ünïcødé.aspx');
        expect(events[2]!.fields['time-taken']).toBe(31);
      }
    }
  });

  it('gives no events and no issues for an empty file or one with headers only', async () => {
    expect((await parse('')).events).toEqual([]);
    const h = await parse(iisHeader(IIS_DEFAULT_FIELDS));
    expect(h.events).toEqual([]);
    expect(h.issues.all()).toEqual([]);
  });

  it('reports data before any #Fields once, and a blank line as carrying no record', async () => {
    const { events, issues } = await parse('2021-03-03 07:00:00 x\r\n2021-03-03 07:00:01 y\r\n' + iisHeader(IIS_DEFAULT_FIELDS) + '\r\n' + iisLine(IIS_DEFAULT_FIELDS, rec));
    expect(events).toHaveLength(1);
    expect(issues.all().map((i) => [i.code, i.location?.line])).toEqual([
      ['bad-record', 1],
      ['bad-record', 7],
    ]);
  });

  it('reports a run of NUL bytes (crash-preallocated log) as one issue', async () => {
    const text = Buffer.concat([Buffer.from(iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [rec] }])), Buffer.alloc(5 * 1024 * 1024)]);
    const { events, issues } = await parse(text, 1 << 20);
    expect(events).toHaveLength(1);
    expect(issues.all().map((i) => i.code)).toEqual(['bad-record']);
  });

  it('never confuses repeated (interned) values: every field equals what its own line holds', async () => {
    const rand = rng(42);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
    // Same lengths and same first/middle/last characters, so cache slots collide.
    const uas = ['Moz+a+Xz', 'Moz+b+Xz', 'Moz+c+Xz', 'Mozaa+Xz', 'M', 'MM'];
    const ips = ['10.0.0.1', '10.0.1.1', '10.1.0.1', '10.9.9.1'];
    const recs = Array.from({ length: 3000 }, () => ({ ...rec, 'c-ip': pick(ips), 'cs(User-Agent)': pick(uas), 'cs-uri-stem': pick(['/a', '/b', '/owa/', '/ecp/']) }));
    const { events } = await parse(iisLog([{ fields: IIS_DEFAULT_FIELDS, records: recs }]), 4096);
    expect(events).toHaveLength(recs.length);
    events.forEach((e, i) => {
      expect(e.fields['c-ip']).toBe(recs[i]!['c-ip']);
      expect(e.fields['cs-user-agent']).toBe(recs[i]!['cs(User-Agent)'].replaceAll('+', ' '));
      expect(e.fields['cs-uri-stem']).toBe(recs[i]!['cs-uri-stem']);
    });
  });

  it('interns without sentinel collisions: a one-character value is itself', () => {
    const i1 = makeInterner(null, 1);
    expect(i1('a\u0000b', 1, 2)).toBe('\u0000');
    expect(i1('xx', 0, 0)).toBe('');
    expect(i1('abc', 0, 3)).toBe('abc');
    expect(i1('abd', 0, 3)).toBe('abd');
  });

  it('keeps hostile field names as data, never as code', async () => {
    const f = ['date', 'time', '__proto__', 'constructor', '"};process.exit(1);//', 'cs-uri-stem'];
    const { events } = await parse(iisHeader(f) + '2021-03-03 07:00:00 a b c /x\r\n');
    const fields = events[0]!.fields;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(fields, '__proto__')).toBe(true);
    expect(fields['"};process.exit(1);//']).toBe('c');
  });

  it('detects IIS logs by content, not by name', () => {
    const head = Buffer.from(iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [rec] }]));
    expect(detectIis(head, 'renamed.txt')).toBe(1);
    expect(detectIis(Buffer.from('\ufeff' + head.toString()), 'x')).toBe(1);
    expect(detectIis(Buffer.from('#Fields: DateTime,RequestId,UrlStem\r\n'), 'u_ex1.log')).toBe(0);
    expect(detectIis(Buffer.from('GET / HTTP/1.1\r\n'), 'u_ex1.log')).toBe(0);
  });
});

describe('IIS W3C parser: value counting at every alignment', () => {
  // The parser locates spaces four bytes at a time where the read buffer is word-aligned; a record's start
  // falls at every offset modulo 4 and values of every length, including spaces at word edges.
  it('accepts exactly the lines with #Fields values (one trailing space allowed) and reads them whole', async () => {
    const fields = ['date', 'time', 'cs-method', 'cs-uri-stem', 'sc-status'];
    const rand = rng(7);
    const r = (): number => Math.floor(rand() * 1e9);
    const lines: string[] = [];
    const expected: Array<{ line: number; stem: string } | null> = [];
    for (let i = 0; i < 400; i++) {
      const stem = '/' + 'x'.repeat(r() % 9) + (r() % 2 ? 'ab' : '');
      const extra = r() % 6;
      let text = `2021-03-03 07:43:${String(r() % 60).padStart(2, '0')} ${r() % 2 ? 'GET' : 'POST'} ${stem} 200`;
      if (extra === 1) text += ' 7'; // one value too many
      if (extra === 2) text = text.slice(0, text.lastIndexOf(' ')); // one too few
      if (extra === 3) text += ' '; // one trailing space: allowed
      if (extra === 4) text += '  '; // two: an extra empty value
      lines.push(text);
      expected.push(extra === 1 || extra === 2 || extra === 4 ? null : { line: i + 5, stem });
    }
    const log = `#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2021-03-03 00:00:00\r\n#Fields: ${fields.join(' ')}\r\n${lines.join('\r\n')}\r\n`;
    for (const chunk of [65536, 61, 4093]) {
      const { events, issues } = await parse(log, chunk);
      const want = expected.filter((e) => e !== null);
      expect(events.map((e) => ({ line: e.prov.locator.line, stem: e.fields['cs-uri-stem'] }))).toEqual(want);
      expect(events.every((e) => e.fields['sc-status'] === 200)).toBe(true);
      expect(issues.all().filter((i) => i.code === 'bad-record')).toHaveLength(expected.length - want.length);
    }
  });
});
