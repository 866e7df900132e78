// The Exchange generator's Windows event logs in both forms: every record of every generated .evtx log is,
// through Kahu's parser, exactly the object on the same line of the channel's JSON-lines export; the planted
// events sit at the record ids the ground truth names; libevtx and python-evtx read the logs in full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../../src/core/index.js';
import { readEvtxFileRecords, renderJson } from '../../src/evidence/index.js';
import { generateExchangeEvidence, type GroundTruth } from '../../src/generate/index.js';

const REQUIRE = process.env.KAHU_REQUIRE_CORPUS === '1';
const HAVE_LIBEVTX = spawnSync('evtxexport', ['-V']).error === undefined;
const HAVE_PYEVTX = spawnSync('/usr/bin/python3', ['-c', 'import Evtx']).status === 0;
const peer = (have: boolean) => (have || REQUIRE ? it : it.skip);

const base = mkdtempSync(join(tmpdir(), 'kahu-gen-evtx-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('generated proxylogon tree: .evtx logs and their JSON-lines twins', () => {
  let g: GroundTruth;
  let logs: string[];
  beforeAll(() => {
    g = generateExchangeEvidence({ out: base, scenario: 'proxylogon', seed: 21, requests: 1500, users: 60, days: 3, eventLogs: 'both' });
    logs = Object.keys(g.files).filter((f) => f.endsWith('.evtx'));
  });

  it('writes one .evtx per channel under winevt\\Logs, with / as %4', () => {
    expect(logs.sort()).toEqual([
      'C/Windows/System32/winevt/Logs/Application.evtx',
      'C/Windows/System32/winevt/Logs/MSExchange Management.evtx',
      'C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx',
    ]);
  });

  it("every record read by Kahu's parser is the object of the same JSON line; planted records hold the planted event", async () => {
    for (const f of logs) {
      const issues = new IssueCollector();
      const recs = await readEvtxFileRecords(join(base, f), issues);
      expect(issues.issues).toEqual([]);
      const channel = /Logs\/(.+)\.evtx$/.exec(f)?.[1] ?? '';
      const lines = readFileSync(join(base, 'EventLogs', `${channel}.jsonl`), 'utf8').trimEnd().split('\n');
      expect(recs.length).toBe(g.files[f]);
      expect(recs.length).toBe(lines.length);
      recs.forEach((r, i) => {
        expect(r.id).toBe(i + 1);
        expect(renderJson(r.nodes)).toEqual(JSON.parse(lines[i]!));
      });
      for (const p of g.planted.filter((x) => x.file === f)) {
        const twin = g.planted.find((x) => x.step === p.step && x.file === `EventLogs/${channel}.jsonl`);
        expect(twin?.line).toBe(p.record);
      }
    }
    const lsass = g.planted.find((p) => p.step === 'lsass-comsvcs' && p.record !== null);
    const recs = await readEvtxFileRecords(join(base, lsass?.file ?? ''), new IssueCollector());
    const obj = renderJson(recs[(lsass?.record ?? 0) - 1]!.nodes) as { Event: { EventData: { CommandLine: string } } };
    expect(obj.Event.EventData.CommandLine).toContain('comsvcs.dll, MiniDump');
  });

  peer(HAVE_LIBEVTX)('evtxexport reads every record of every log without error', () => {
    for (const f of logs) {
      const x = spawnSync('evtxexport', ['-f', 'xml', join(base, f)], { encoding: 'utf8', maxBuffer: 256 << 20 });
      expect(x.status).toBe(0);
      expect(x.stderr).not.toMatch(/unable|error/i);
      expect(x.stdout.match(/<Event /g)?.length ?? 0).toBe(g.files[f]);
    }
  });

  peer(HAVE_PYEVTX)('python-evtx reads every record of every log, checksums verified', () => {
    const script = 'import sys, Evtx.Evtx as E\nfor p in sys.argv[1:]:\n    with E.Evtx(p) as f:\n        assert f.get_file_header().verify()\n        assert all(c.verify() for c in f.chunks())\n        print(sum(1 for r in f.records() if r.xml()))';
    const r = spawnSync('/usr/bin/python3', ['-c', script, ...logs.map((f) => join(base, f))], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').map(Number)).toEqual(logs.map((f) => g.files[f]));
  });
});
