import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { IssueCollector } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import { cleanFile } from '../../../test/factories/evtx.js';
import { evtxParser, parseEvtx } from './parser.js';
import { parseEvtxFiles } from './pool.js';
import { readEvtxFileJson } from './reader.js';

const file = cleanFile(2, 3);
const src = { id: 'ev1', path: 'logs.zip!/Security.evtx', size: file.length, open: () => Readable.from([file.subarray(0, 5000), file.subarray(5000)]) };
const dir = mkdtempSync(join(tmpdir(), 'kahu-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evtx EvidenceParser', () => {
  it('detects by signature, not by name', () => {
    expect(evtxParser.detect(file.subarray(0, 4096), 'x.log')).toBe(1);
    expect(evtxParser.detect(file.subarray(4096, 8192), 'x')).toBeGreaterThan(0.5);
    expect(evtxParser.detect(Buffer.from('#Software: Microsoft Internet Information Services'), 'u_ex.evtx')).toBe(0);
  });

  it('yields flattened Windows events with record/chunk/offset provenance and TimeCreated as time', async () => {
    const events: KahuEvent[] = [];
    const issues = new IssueCollector();
    for await (const b of parseEvtx(src, issues)) events.push(...b);
    expect(issues.all()).toEqual([]);
    expect(events).toHaveLength(6);
    const e = events[4]!;
    expect(e.source).toBe('windows');
    expect(e.host).toBe('host1');
    expect(e.time).toBe(Date.parse('2024-01-02T03:04:05.123Z'));
    expect(e.prov).toMatchObject({ evidenceId: 'ev1', path: 'logs.zip!/Security.evtx', locator: { record: 5, chunk: 1 } });
    expect(e.prov.locator.offset).toBeGreaterThan(4096 + 65536);
    expect(e.fields).toMatchObject({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Provider_Name: 'Microsoft-Windows-Sysmon', CommandLine: 'cmd.exe /c echo 5', ProcessId: 4242, UserID: 'S-1-5-18' });
  });

  it('reads many files on worker threads with the same records as the single-thread reader', async () => {
    const paths = [0, 1, 2].map((i) => {
      const p = join(dir, `f${i}.evtx`);
      writeFileSync(p, cleanFile(1, 2 + i));
      return p;
    });
    const got = new Map<string, unknown[]>();
    for await (const r of parseEvtxFiles(paths, { workers: 2 })) got.set(r.path, r.records.map((x) => x.event));
    for (const p of paths) expect(got.get(p)).toEqual(await readEvtxFileJson(p, new IssueCollector()));
    expect([...got.values()].map((v) => v.length).sort()).toEqual([2, 3, 4]);
  });
});
