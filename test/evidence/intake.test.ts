import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueCollector } from '../../src/core/index.js';
import { collectEvidence, inventoryEvent, type EvidenceEntry } from '../../src/evidence/index.js';
import { exchangeLog, HTTPPROXY_FIELDS, proxyLogonRecord } from '../factories/exchange.js';
import { IIS_DEFAULT_FIELDS, iisLog } from '../factories/iis.js';
import { buildZip } from '../factories/zip.js';
import { otrfJson } from '../factories/windows-json.js';

let dir: string;
const iis = iisLog([{ fields: IIS_DEFAULT_FIELDS, records: [{ date: '2021-03-03', time: '07:43:16', 'cs-method': 'GET', 'cs-uri-stem': '/owa/' }] }]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kahu-intake-'));
  mkdirSync(join(dir, 'tree/inetpub/logs/LogFiles/W3SVC1'), { recursive: true });
  mkdirSync(join(dir, 'tree/Logging/HttpProxy/Ecp'), { recursive: true });
  // A renamed IIS log: detection must not rely on the name.
  writeFileSync(join(dir, 'tree/inetpub/logs/LogFiles/W3SVC1/notes.txt'), iis);
  writeFileSync(join(dir, 'tree/Logging/HttpProxy/Ecp/HttpProxy_2021030307-1.LOG'), exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [proxyLogonRecord()] }));
  // A .log of binary garbage.
  writeFileSync(join(dir, 'tree/garbage.log'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  writeFileSync(join(dir, 'tree/empty.log'), '');
  writeFileSync(join(dir, 'tree/shell.aspx'), '<%@ Page Language="JScript"%><%eval(Request.Item["x"],"unsafe");%>');
  symlinkSync('/etc/passwd', join(dir, 'tree/link-out'));
  execFileSync('mkfifo', [join(dir, 'tree/fifo')]);
  writeFileSync(
    join(dir, 'tree/bundle.zip'),
    buildZip([
      { name: 'W3SVC1/u_ex210303.log', data: iis },
      { name: 'events/sec.json', data: JSON.stringify(otrfJson()) + '\n', method: 0 },
      { name: 'dir/', data: '', method: 0 },
      { name: '../../evil.aspx', data: 'x' },
      { name: '/etc/cron.d/x', data: 'x' },
      { name: 'C:/Windows/x.dll', data: 'x' },
      { name: 'locked.log', data: iis, flags: 1 },
      { name: 'bomb.log', data: Buffer.alloc(24 * 1024 * 1024) },
      { name: 'inner.zip', data: buildZip([{ name: 'a.log', data: iis }, { name: 'deeper.zip', data: buildZip([{ name: 'b.log', data: iis }]) }]) },
    ]),
  );
  writeFileSync(join(dir, 'tree/broken.zip'), buildZip([{ name: 'a.log', data: iis }], { corruptCentralDirectory: true }));
  writeFileSync(join(dir, 'tree/cut.zip'), buildZip([{ name: 'a.log', data: iis }]).subarray(0, 40));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(paths: string[]): Promise<{ entries: EvidenceEntry[]; issues: IssueCollector }> {
  const issues = new IssueCollector();
  const entries: EvidenceEntry[] = [];
  for await (const e of collectEvidence(paths, issues)) entries.push(e);
  return { entries, issues };
}

async function drain(e: EvidenceEntry): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of e.open()) parts.push(c);
  return Buffer.concat(parts);
}

describe('collectEvidence', () => {
  it('walks folders in a stable order, detects by content, expands zips in place with guards', async () => {
    const { entries, issues } = await collect([join(dir, 'tree')]);
    const byName = (suffix: string) => entries.find((e) => e.path.endsWith(suffix));
    const rel = (p: string) => p.slice(dir.length + 1);
    expect(entries.map((e) => [e.id, rel(e.path), e.format])).toEqual([
      ['e0001', 'tree/Logging/HttpProxy/Ecp/HttpProxy_2021030307-1.LOG', 'exchange-httpproxy'],
      ['e0002', 'tree/broken.zip', 'unrecognised'],
      ['e0003', 'tree/bundle.zip', 'zip'],
      ['e0003.1', 'tree/bundle.zip!/W3SVC1/u_ex210303.log', 'iis-w3c'],
      ['e0003.2', 'tree/bundle.zip!/events/sec.json', 'json-events'],
      ['e0003.4', 'tree/bundle.zip!/../../evil.aspx', 'unrecognised'],
      ['e0003.5', 'tree/bundle.zip!//etc/cron.d/x', 'unrecognised'],
      ['e0003.6', 'tree/bundle.zip!/C:/Windows/x.dll', 'unrecognised'],
      ['e0003.7', 'tree/bundle.zip!/locked.log', 'unrecognised'],
      ['e0003.8', 'tree/bundle.zip!/bomb.log', 'unrecognised'],
      ['e0003.9', 'tree/bundle.zip!/inner.zip', 'zip'],
      ['e0003.9.1', 'tree/bundle.zip!/inner.zip!/a.log', 'iis-w3c'],
      ['e0003.9.2', 'tree/bundle.zip!/inner.zip!/deeper.zip', 'unrecognised'],
      ['e0004', 'tree/cut.zip', 'unrecognised'],
      ['e0005', 'tree/empty.log', 'unrecognised'],
      ['e0006', 'tree/fifo', 'unrecognised'],
      ['e0007', 'tree/garbage.log', 'unrecognised'],
      ['e0008', 'tree/inetpub/logs/LogFiles/W3SVC1/notes.txt', 'iis-w3c'],
      ['e0009', 'tree/link-out', 'unrecognised'],
      ['e0010', 'tree/shell.aspx', 'unrecognised'],
    ]);
    expect(byName('evil.aspx')!.reason).toMatch(/"\.\." segment/);
    expect(byName('cron.d/x')!.reason).toMatch(/absolute path/);
    expect(byName('x.dll')!.reason).toMatch(/drive letter/);
    expect(byName('locked.log')!.reason).toMatch(/encrypted/);
    expect(byName('bomb.log')!.reason).toMatch(/ratio \d+:1 exceeds 200:1 \(zip bomb guard\)/);
    expect(byName('inner.zip')!.parent).toBe('e0003');
    expect(byName('inner.zip!/a.log')!.parent).toBe('e0003.9');
    expect(byName('deeper.zip')!.reason).toMatch(/two archives deep: not expanded.*neither parsed nor YARA-scanned/);
    expect(issues.all().find((i) => i.location?.path === byName('deeper.zip')!.path)?.severity).toBe('warning');
    expect(byName('broken.zip')!.reason).toMatch(/corrupt ZIP/);
    expect(byName('garbage.log')!.reason).toMatch(/binary data/);
    expect(byName('fifo')!.reason).toMatch(/not a regular file/);
    expect(byName('link-out')!.reason).toMatch(/symbolic link/);
    expect(byName('shell.aspx')!.magic).toBe('aspx');
    for (const e of entries.filter((x) => x.reason?.match(/segment|absolute|drive|encrypted|ratio/))) {
      expect(e.readable).toBe(false);
      expect(await drain(e)).toHaveLength(0);
    }
    const refused = issues.all().filter((i) => i.code === 'zip-refused');
    expect(refused.map((i) => i.message).join('\n')).toContain('"../../evil.aspx"');
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(entries.find((e) => e.id === 'e0003.1')!.parent).toBe('e0003');
    expect(entries.find((e) => e.id === 'e0003.1')!.mtime).toBe('2021-03-03T07:43:16.000Z');
  });

  it('opens sources more than once, read-only, and leaves every input byte and mtime unchanged', async () => {
    const files = ['tree/bundle.zip', 'tree/inetpub/logs/LogFiles/W3SVC1/notes.txt', 'tree/garbage.log'].map((f) => join(dir, f));
    const before = files.map((f) => [createHash('sha256').update(readFileSync(f)).digest('hex'), statSync(f).mtimeMs]);
    const { entries } = await collect([join(dir, 'tree')]);
    for (const e of entries) {
      const a = await drain(e);
      const b = await drain(e);
      expect(b.equals(a)).toBe(true);
      if (e.readable && e.format !== 'zip' && !e.path.includes('!/')) expect(a.length).toBe(e.size);
      if (e.parser) for await (const _ of e.parser.parse(e, new IssueCollector())) void _;
    }
    const inner = entries.find((e) => e.id === 'e0003.1')!;
    expect((await drain(inner)).toString()).toBe(iis);
    const after = files.map((f) => [createHash('sha256').update(readFileSync(f)).digest('hex'), statSync(f).mtimeMs]);
    expect(after).toEqual(before);
  });

  it('lists a missing path as unreadable with an issue, and reads a file named twice once', async () => {
    const f = join(dir, 'tree/inetpub/logs/LogFiles/W3SVC1/notes.txt');
    const { entries, issues } = await collect([join(dir, 'nope'), f, f]);
    expect(entries.map((e) => [e.id, e.format, e.readable])).toEqual([
      ['e0001', 'unrecognised', false],
      ['e0002', 'iis-w3c', true],
    ]);
    expect(issues.all().map((i) => i.code)).toEqual(['io', 'usage']);
  });

  it('reads archives with bytes after the end record or a comment cut short, as unzip does', async () => {
    const good = buildZip([{ name: 'a.log', data: iis }]);
    const withComment = Buffer.from(good);
    withComment.writeUInt16LE(4, withComment.length - 2); // declares a 4-byte comment, holds none
    writeFileSync(join(dir, 'trailing.zip'), Buffer.concat([good, Buffer.from('\n')]));
    writeFileSync(join(dir, 'shortcomment.zip'), withComment);
    const { entries, issues } = await collect([join(dir, 'trailing.zip'), join(dir, 'shortcomment.zip')]);
    expect(entries.map((e) => [e.id, e.format])).toEqual([
      ['e0001', 'zip'],
      ['e0001.1', 'iis-w3c'],
      ['e0002', 'zip'],
      ['e0002.1', 'iis-w3c'],
    ]);
    expect((await drain(entries[3]!)).toString()).toBe(iis);
    expect(issues.all()).toEqual([]);
  });

  it('stops reading an entry whose content is larger than declared (a lying header)', async () => {
    const big = iisLog([{ fields: IIS_DEFAULT_FIELDS, records: Array.from({ length: 3000 }, () => ({ date: '2021-03-03', time: '07:43:16', 'cs-method': 'GET', 'cs-uri-stem': '/owa/' })) }]);
    writeFileSync(join(dir, 'liar.zip'), buildZip([{ name: 'a.log', data: big, declaredSize: 70_000 }, { name: 'b.log', data: iis, declaredSize: 100 }]));
    const { entries } = await collect([join(dir, 'liar.zip')]);
    // A lie caught while sniffing the head: the entry is listed as unreadable.
    expect(entries[2]!.readable).toBe(false);
    expect(entries[2]!.reason).toMatch(/cannot read zip entry: .*too many bytes/);
    // A lie caught while parsing: an io issue, the records before it kept.
    const entry = entries[1]!;
    expect(entry.size).toBe(70_000);
    const issues = new IssueCollector();
    const events = [];
    for await (const b of entry.parser!.parse(entry, issues)) events.push(...b);
    expect(issues.all().some((i) => i.code === 'io' && /too many bytes/.test(i.message))).toBe(true);
    expect(events.length).toBeGreaterThan(100);
  });

  it('reads gzip files through in one pass, with the header name, bomb guard and corrupt-data reason', async () => {
    writeFileSync(join(dir, 'u_ex210303.log.gz'), gzipSync(Buffer.from(iis)));
    // FNAME in the header (RFC 1952 FLG bit 3) wins over the file name.
    const named = gzipSync(Buffer.from(iis));
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([named[3]! | 0x08]), named.subarray(4, 10), Buffer.from('orig.log\0'), named.subarray(10)]);
    writeFileSync(join(dir, 'rotated.gz'), withName);
    writeFileSync(join(dir, 'bomb.gz'), gzipSync(Buffer.alloc(30 * 1024 * 1024)));
    writeFileSync(join(dir, 'broken.gz'), Buffer.concat([gzipSync(Buffer.from(iis)).subarray(0, 12), Buffer.alloc(64, 0xff)]));
    const { entries, issues } = await collect(['u_ex210303.log.gz', 'rotated.gz', 'bomb.gz', 'broken.gz'].map((f) => join(dir, f)));
    expect(entries.map((e) => [e.id, e.path.slice(dir.length + 1), e.format, e.readable])).toEqual([
      ['e0001', 'u_ex210303.log.gz', 'gzip', true],
      ['e0001.1', 'u_ex210303.log.gz!/u_ex210303.log', 'iis-w3c', true],
      ['e0002', 'rotated.gz', 'gzip', true],
      ['e0002.1', 'rotated.gz!/orig.log', 'iis-w3c', true],
      ['e0003', 'bomb.gz', 'gzip', true],
      ['e0003.1', 'bomb.gz!/bomb', 'unrecognised', true],
      ['e0004', 'broken.gz', 'gzip', true],
      ['e0004.1', 'broken.gz!/broken', 'unrecognised', false],
    ]);
    expect(entries[1]!.size).toBe(Buffer.byteLength(iis));
    expect((await drain(entries[3]!)).toString()).toBe(iis);
    expect(entries[7]!.reason).toMatch(/cannot decompress/);
    expect(issues.all().some((i) => i.code === 'io' && i.location?.path?.endsWith('broken.gz!/broken'))).toBe(true);
    await expect(drain(entries[5]!)).rejects.toThrow(/ratio over 200:1/);
    const parsed = new IssueCollector();
    const events = [];
    for await (const b of entries[1]!.parser!.parse(entries[1]!, parsed)) events.push(...b);
    expect(events).toHaveLength(1);
    expect(events[0]!.prov.path).toBe(entries[1]!.path);
  });

  it('decompresses a gzip log stored inside a zip, in one stream', async () => {
    writeFileSync(join(dir, 'rotated.zip'), buildZip([{ name: 'W3SVC1/u_ex210302.log.gz', data: gzipSync(Buffer.from(iis)), method: 0 }]));
    const { entries } = await collect([join(dir, 'rotated.zip')]);
    expect(entries.map((e) => [e.id, e.path.slice(dir.length + 1), e.format, e.parent])).toEqual([
      ['e0001', 'rotated.zip', 'zip', undefined],
      ['e0001.1', 'rotated.zip!/W3SVC1/u_ex210302.log.gz', 'gzip', 'e0001'],
      ['e0001.1.1', 'rotated.zip!/W3SVC1/u_ex210302.log.gz!/u_ex210302.log', 'iis-w3c', 'e0001.1'],
    ]);
    expect((await drain(entries[2]!)).toString()).toBe(iis);
  });

  it('expands a zip inside a zip from memory, one level, within the nested-size limit', async () => {
    const inner = buildZip([{ name: 'W3SVC1/u_ex210303.log', data: iis }, { name: 'notes.txt', data: 'hello' }]);
    writeFileSync(join(dir, 'outer.zip'), buildZip([{ name: 'case/Collection-EXCH01.zip', data: inner }, { name: 'case/bad.zip', data: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]) }]));
    const { entries, issues } = await collect([join(dir, 'outer.zip')]);
    const rel = entries.map((e) => [e.id, e.path.slice(dir.length + 1), e.format]);
    expect(rel).toEqual([
      ['e0001', 'outer.zip', 'zip'],
      ['e0001.1', 'outer.zip!/case/Collection-EXCH01.zip', 'zip'],
      ['e0001.1.1', 'outer.zip!/case/Collection-EXCH01.zip!/W3SVC1/u_ex210303.log', 'iis-w3c'],
      ['e0001.1.2', 'outer.zip!/case/Collection-EXCH01.zip!/notes.txt', 'unrecognised'],
      ['e0001.2', 'outer.zip!/case/bad.zip', 'unrecognised'],
    ]);
    // The nested archive's own bytes come from memory; its entries stream from it, also after the walk.
    expect((await drain(entries[1]!)).equals(inner)).toBe(true);
    expect((await drain(entries[2]!)).toString()).toBe(iis);
    const events = [];
    for await (const b of entries[2]!.parser!.parse(entries[2]!, new IssueCollector())) events.push(...b);
    expect(events.map((e) => e.prov.path)).toEqual([entries[2]!.path]);
    expect(entries[4]!.reason).toMatch(/corrupt ZIP archive/);
    expect(issues.all().some((i) => i.code === 'zip-refused' && i.location?.path === entries[4]!.path)).toBe(true);

    // Over the in-memory limit: listed, not expanded, with a warning naming it.
    const small = new IssueCollector();
    const listed: EvidenceEntry[] = [];
    for await (const e of collectEvidence([join(dir, 'outer.zip')], small, { zipLimits: { maxNestedBytes: 100 } })) listed.push(e);
    expect(listed[1]).toMatchObject({ format: 'unrecognised', readable: true });
    expect(listed[1]!.reason).toMatch(/exceeds the 100-byte limit for expanding it in memory.*neither parsed nor YARA-scanned/);
    expect(listed.some((e) => e.path.includes('Collection-EXCH01.zip!/'))).toBe(false);
    expect(small.all().find((i) => i.location?.path === listed[1]!.path)?.severity).toBe('warning');
  });

  it('counts the entries of archives inside an archive against the outer archive total', async () => {
    // Three inner archives of 3 KiB of logs each: 9 KiB of content under one archive on disk. Each inner archive
    // alone is within a 5 KiB total; together they are not, so the third inner archive is partly refused.
    const log = Buffer.alloc(1024, 0x41);
    const inner = buildZip([0, 1, 2].map((k) => ({ name: `f${k}.txt`, data: log })));
    writeFileSync(join(dir, 'nest.zip'), buildZip([0, 1, 2].map((k) => ({ name: `c${k}.zip`, data: inner, method: 0 as const }))));
    const issues = new IssueCollector();
    const got: EvidenceEntry[] = [];
    const limit = 3 * inner.length + 5 * 1024;
    for await (const e of collectEvidence([join(dir, 'nest.zip')], issues, { zipLimits: { maxTotalBytes: limit } })) got.push(e);
    const inside = got.filter((e) => /c\d\.zip!\//.test(e.path));
    expect(inside).toHaveLength(9);
    const refused = inside.filter((e) => e.reason?.includes('archive total'));
    // The outer archive's three entries (3 x inner) and five 1 KiB files fit; the other four files do not.
    expect(refused.map((e) => e.path.slice(dir.length + 1))).toEqual(['nest.zip!/c1.zip!/f2.txt', 'nest.zip!/c2.zip!/f0.txt', 'nest.zip!/c2.zip!/f1.txt', 'nest.zip!/c2.zip!/f2.txt']);
    expect(issues.all().filter((i) => i.code === 'zip-refused' && i.message.includes('archive total'))).toHaveLength(4);
  });

  it('counts gzip content inside an archive against the archive total', async () => {
    // Two .gz entries of 4 KiB of text each under a 6 KiB total: the first fits, the second stops past the total.
    const text = Buffer.from('x'.repeat(4096));
    writeFileSync(join(dir, 'gz.zip'), buildZip([0, 1].map((k) => ({ name: `logs/u_ex${k}.log.gz`, data: gzipSync(text), method: 0 as const }))));
    const issues = new IssueCollector();
    const got: EvidenceEntry[] = [];
    const gzBytes = gzipSync(text).length;
    for await (const e of collectEvidence([join(dir, 'gz.zip')], issues, { zipLimits: { maxTotalBytes: 2 * gzBytes + 6 * 1024 } })) got.push(e);
    const inner = got.filter((e) => e.path.endsWith('.log'));
    expect(inner).toHaveLength(2);
    expect((await drain(inner[0]!)).length).toBe(4096);
    expect(inner[1]).toMatchObject({ readable: false, format: 'unrecognised' });
    expect(inner[1]!.reason).toMatch(/archive total/);
    expect(issues.all().some((i) => i.location?.path === inner[1]!.path && /archive total/.test(i.message))).toBe(true);
  });

  it('applies caller zip limits (entry count)', async () => {
    const { entries, issues } = await (async () => {
      const issues = new IssueCollector();
      const entries: EvidenceEntry[] = [];
      for await (const e of collectEvidence([join(dir, 'tree/bundle.zip')], issues, { zipLimits: { maxEntries: 1 } })) entries.push(e);
      return { entries, issues };
    })();
    expect(entries.map((e) => e.id)).toEqual(['e0001', 'e0001.1', 'e0001.2']);
    expect(entries[2]!.reason).toMatch(/more than 1 entries/);
    expect(issues.all().some((i) => i.code === 'zip-refused')).toBe(true);
  });
});

describe('inventoryEvent', () => {
  it('describes a file for artifact rules with Sigma file_event names', async () => {
    const { entries } = await collect([join(dir, 'tree/shell.aspx'), join(dir, 'tree/bundle.zip')]);
    const shell = entries[0]!;
    const sha = createHash('sha256').update(await drain(shell)).digest('hex');
    const ev = inventoryEvent(shell, sha);
    expect(ev.source).toBe('file');
    expect(ev.fields).toMatchObject({
      TargetFilename: shell.path.replaceAll('/', '\\'),
      FileName: 'shell.aspx',
      Extension: 'aspx',
      SHA256: sha,
      Hashes: `SHA256=${sha.toUpperCase()}`,
      MagicType: 'aspx',
      Container: null,
    });
    expect(ev.time).toBe(Date.parse(shell.mtime!));
    const inner = entries.find((e) => e.id === 'e0002.1')!;
    expect(inventoryEvent(inner, sha).fields).toMatchObject({ TargetFilename: '\\W3SVC1\\u_ex210303.log', Container: join(dir, 'tree/bundle.zip') });
  });
});
