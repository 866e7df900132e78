// The EVTX writer's output read back by three independent readers: Kahu's own parser (every record renders to
// exactly the evtx_dump object the writer's JSON-lines twin holds, and flattens to the same Kahu event),
// libevtx's evtxexport and python-evtx (same record count, no error, checksums pass). The log spans several
// 64 KiB chunks and carries hostile strings: non-ASCII, surrogate pairs, XML specials, CR/LF, bidi marks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../../src/core/index.js';
import { parsers, parseEvtx, readEvtxFileRecords, renderJson } from '../../src/evidence/index.js';
import { ev, eventJson, evtxBytes, type WinEvent } from '../../src/generate/index.js';
import type { KahuEvent } from '../../src/model/index.js';
import { memorySource } from '../factories/source.js';

const STRANGE = [
  'plain ascii',
  'Grüße aus Köln — naïve café €100',
  '漢字とかな, 한국어, ελληνικά, русский',
  'emoji 😀🚀 and a lone pair 𝄞',
  '<script language="JScript" runat="server">eval(Request["k"],"unsafe");</script>',
  `quotes ' " and & amp; &lt; entities`,
  'line\r\nbreaks\tand\ttabs',
  'bidi \u202eexe.txt\u202c and zero\u200bwidth',
  'trailing spaces   ',
  '',
];

function events(n: number): WinEvent[] {
  const out: WinEvent[] = [];
  for (let i = 0; i < n; i++) {
    const s = STRANGE[i % STRANGE.length]!;
    const t = Date.UTC(2021, 2, 2, 23, 0, 0) + i * 1337;
    switch (i % 3) {
      case 0:
        out.push({
          time: t,
          ticks: (i * 7919) % 10000,
          provider: 'Microsoft-Windows-Sysmon',
          providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
          eventId: 1,
          version: 5,
          level: 4,
          task: 1,
          keywords: 0x8000000000000000n,
          processId: 3160,
          threadId: 4000 + (i % 50),
          channel: 'Microsoft-Windows-Sysmon/Operational',
          computer: 'EXCH01.corp.example',
          userId: 'S-1-5-18',
          data: {
            RuleName: '-',
            UtcTime: '2021-03-02 23:00:00.000',
            ProcessGuid: ev.guid(`{00247C92-20BD-5EFE-0000-00${String(100000 + i).padStart(10, '0')}}`),
            ProcessId: 1000 + i,
            Image: 'C:\\Windows\\System32\\cmd.exe',
            CommandLine: `cmd.exe /c echo ${s}`,
            User: 'NT AUTHORITY\\SYSTEM',
            LogonId: ev.hex64(0x3e7),
            TerminalSessionId: 0,
          },
        });
        break;
      case 1:
        out.push({
          time: t,
          provider: 'MSExchange CmdletLogs',
          eventId: 1,
          qualifiers: 16388,
          level: 4,
          keywords: 0x80000000000000n,
          channel: 'MSExchange Management',
          computer: 'EXCH01.corp.example',
          data: ['New-MailboxExportRequest', `-Mailbox "${s}" -FilePath "\\\\127.0.0.1\\c$\\x.aspx"`, 'corp.example/Users/Administrator', 'S-1-5-21-1004336348-1177238915-682003330-500', 'w3wp', String(i), 'Remote-PowerShell-Unknown', '', ''],
        });
        break;
      default:
        out.push({
          time: t,
          provider: 'PowerShell',
          eventId: 400,
          qualifiers: 0,
          level: 4,
          task: 4,
          keywords: 0x80000000000000n,
          channel: 'Windows PowerShell',
          computer: 'EXCH01.corp.example',
          data: [s, `HostName=ConsoleHost\r\n\tHostApplication=powershell.exe -c ${s}`],
        });
    }
  }
  return out;
}

function which(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error === undefined;
}
/** CI installs the peers (.ci/run); locally a missing one skips its test instead of failing. */
const REQUIRE = process.env.KAHU_REQUIRE_CORPUS === '1';
const HAVE_LIBEVTX = which('evtxexport', ['-V']);
const HAVE_PYEVTX = spawnSync('/usr/bin/python3', ['-c', 'import Evtx'], { encoding: 'utf8' }).status === 0;
const peer = (have: boolean) => (have || REQUIRE ? it : it.skip);

const N = 2000;
const evs = events(N);
const dir = mkdtempSync(join(tmpdir(), 'kahu-evtxw-'));
const file = join(dir, 'MSExchange Management.evtx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EVTX writer output read back', () => {
  let chunks = 0;
  beforeAll(() => {
    const b = evtxBytes(evs);
    writeFileSync(file, b);
    chunks = b.readUInt16LE(42);
  });

  it('spans several chunks', () => {
    expect(chunks).toBeGreaterThanOrEqual(3);
  });

  it("Kahu's parser: every record, no issue, each exactly the evtx_dump object of its JSON-lines twin", async () => {
    const issues = new IssueCollector();
    const recs = await readEvtxFileRecords(file, issues);
    expect(issues.issues).toEqual([]);
    expect(recs.length).toBe(N);
    const wrong: string[] = [];
    recs.forEach((r, i) => {
      expect(r.id).toBe(i + 1);
      expect(r.slack).toBe(false);
      const got = JSON.stringify(renderJson(r.nodes));
      const want = JSON.stringify(eventJson(evs[i]!, BigInt(i + 1)));
      if (got !== want && wrong.length < 3) wrong.push(`record ${i + 1}:\n${got}\n${want}`);
    });
    expect(wrong).toEqual([]);
  });

  it('the .evtx and the JSON-lines export give identical Kahu events (fields, time, host)', async () => {
    const jsonl = evs.map((e, i) => JSON.stringify(eventJson(e, BigInt(i + 1)))).join('\n');
    const jsonParser = parsers.find((p) => p.format === 'json-events');
    expect(jsonParser).toBeDefined();
    const fromJson: KahuEvent[] = [];
    const issues = new IssueCollector();
    for await (const batch of jsonParser!.parse(memorySource(`${jsonl}\n`, { path: 'x.jsonl' }), issues)) fromJson.push(...batch);
    const fromEvtx: KahuEvent[] = [];
    const { readFileSync } = await import('node:fs');
    for await (const batch of parseEvtx(memorySource(readFileSync(file), { path: file }), issues)) fromEvtx.push(...batch);
    expect(issues.issues).toEqual([]);
    expect(fromEvtx.length).toBe(N);
    expect(fromJson.length).toBe(N);
    for (let i = 0; i < N; i++) {
      expect(fromEvtx[i]!.fields).toEqual(fromJson[i]!.fields);
      expect(fromEvtx[i]!.time).toBe(fromJson[i]!.time);
      expect(fromEvtx[i]!.host).toBe(fromJson[i]!.host);
    }
    // The strange strings survive as written (trailing whitespace aside, which evtx_dump trims).
    const cmd = fromEvtx.filter((e) => e.fields.EventID === 1 && typeof e.fields.CommandLine === 'string').map((e) => e.fields.CommandLine);
    for (const s of STRANGE.filter((x) => x !== '')) expect(cmd).toContain(`cmd.exe /c echo ${s}`.trimEnd());
  });

  peer(HAVE_LIBEVTX)("libevtx's evtxexport: same record count, no error; evtxinfo: 3.1, all records", () => {
    const x = spawnSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(x.status).toBe(0);
    expect(x.stderr).not.toMatch(/unable|error/i);
    expect(x.stdout.match(/<Event /g)?.length).toBe(N);
    // Spot check: a record's XML carries the escaped script tag and the non-ASCII text.
    expect(x.stdout).toContain('&lt;script language=');
    expect(x.stdout).toContain('Grüße aus Köln');
    const info = spawnSync('evtxinfo', [file], { encoding: 'utf8' });
    expect(info.stdout).toMatch(/Version\s*:\s*3\.1/);
    expect(info.stdout).toMatch(new RegExp(`Number of records\\s*:\\s*${N}\\b`));
    expect(info.stdout).toMatch(/Number of recovered records\s*:\s*0\b/);
  });

  peer(HAVE_PYEVTX)('python-evtx: same record count, no error, header and every chunk checksum verified, tables walkable', () => {
    const script = [
      'import sys, Evtx.Evtx as E',
      'n = 0',
      'with E.Evtx(sys.argv[1]) as f:',
      '    h = f.get_file_header()',
      '    assert h.verify(), "file header"',
      '    for c in f.chunks():',
      '        assert c.verify(), "chunk"',
      '        names = sorted(s.string() for s in c.strings().values())',
      '        assert "EventData" in names and "Data" in names, names',
      '        assert len(c.templates()) >= 2',
      '    for r in f.records():',
      '        n += 1',
      'print(n)',
    ].join('\n');
    const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Number(r.stdout.trim())).toBe(N);
    const dump = spawnSync('/usr/bin/python3', ['/usr/bin/evtx_dump.py', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(dump.status).toBe(0);
    expect(dump.stdout.match(/<Event /g)?.length).toBe(N);
  });
});
