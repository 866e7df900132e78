import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attributionStep, runScan, verdictStep } from '../../src/case/index.js';
import type { CaseStep, ScanProgress } from '../../src/case/index.js';
import { KahuError } from '../../src/core/index.js';
import { Case } from '../../src/model/index.js';
import type { Attribution, Detector, Finding, KahuEvent } from '../../src/model/index.js';
import { fakeIntake } from './fake-intake.js';
import type { FakeFile } from './fake-intake.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const T0 = Date.UTC(2021, 2, 3, 4, 5, 6);

const FILES: FakeFile[] = [
  { path: '/ev/W3SVC1/u_ex210303.log', content: '/owa/\n/ecp/x.js\nBAD line\n/aspnet_client/s.aspx\n', parse: true, times: [T0 + 2000, T0, null, T0 + 1000] },
  { path: '/ev/notes.bin', content: Buffer.from([0, 1, 2, 3, 255, 254]) },
  { path: '/ev/W3SVC1/u_ex210304.log', content: 'a\nb\nc\nd\ne\nf\ng\n'.repeat(20), parse: true, stopEarly: true },
];

/** A detector that flags events whose c-uri ends in .aspx and records what it saw. */
function recordingDetector(): Detector & { batches: KahuEvent[][]; finished: number } {
  const d = {
    name: 'test-aspx',
    batches: [] as KahuEvent[][],
    finished: 0,
    onEvents(events: readonly KahuEvent[]): Finding[] {
      d.batches.push([...events]);
      return events
        .filter((e) => String(e.fields['c-uri'] ?? '').endsWith('.aspx'))
        .map((e, i) => ({
          id: `f-${e.prov.evidenceId}-${i}`,
          engine: 'sigma' as const,
          rule: { id: 'r1', title: 'ASPX in aspnet_client', file: 'rules/x.yml', line: 1 },
          level: 'high' as const,
          attack: ['T1505.003'],
          cves: ['CVE-2021-27065'],
          tags: ['attack.persistence', 'attack.s0020'],
          first: e.time,
          last: e.time,
          events: Array.from({ length: 300 }, () => ({ time: e.time, host: e.host, prov: e.prov, values: { 'c-uri': e.fields['c-uri'] ?? null } })),
          eventCount: 300,
        }));
    },
    finish(): Finding[] {
      d.finished++;
      return [];
    },
  };
  return d;
}

describe('runScan pipeline', () => {
  it('hashes every file once, counts bytes exactly, and keeps per-file counts and time ranges', async () => {
    const det = recordingDetector();
    const progress: ScanProgress[] = [];
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(FILES), detectors: [det], steps: [], onProgress: (p) => progress.push({ ...p }) });

    expect(Case.parse(c)).toBeTruthy();
    expect(c.evidence.map((e) => e.sha256)).toEqual(FILES.map((f) => sha(f.content)));
    const [a, b, d] = c.evidence;
    // Four data lines: three events and one bad record (reported), so records = 4.
    expect(a).toMatchObject({ format: 'iis-w3c', events: 3, records: 4, issues: 1, first: T0, last: T0 + 2000 });
    expect(b).toMatchObject({ format: 'unrecognised', events: 0 });
    expect(b?.records).toBeUndefined();
    expect(d?.events).toBeGreaterThan(0);

    const total = FILES.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
    const last = progress.at(-1);
    expect(last?.bytesTotal).toBe(total);
    expect(last?.bytesDone).toBe(total);
    expect(last?.filesDone).toBe(3);
    // Never more than the total, whatever the parser did (early stop forces a re-read).
    expect(Math.max(...progress.map((p) => p.bytesDone))).toBe(total);

    expect(c.stats.events).toBe(3 + (d?.events ?? 0));
    expect(c.stats.bySource['webserver.iis']?.events).toBe(c.stats.events);
    expect(c.stats.bySource.file).toMatchObject({ files: 3, events: 3 });
    expect(c.stats.unreadable).toBe(0);
    expect(c.stats.byFormat['iis-w3c']?.files).toBe(2);
    expect(c.stats.byFormat.unrecognised?.files).toBe(1);
    expect(c.issues.some((i) => i.code === 'bad-record' && i.location?.line === 3)).toBe(true);

    // Detectors see parsed batches and one inventory event per file; finish() once.
    const seen = det.batches.flat();
    expect(seen.filter((e) => e.source === 'file')).toHaveLength(3);
    expect(seen.filter((e) => e.source === 'file').map((e) => e.fields.sha256)).toEqual(c.evidence.map((e) => e.sha256));
    expect(det.finished).toBe(1);
  });

  it('caps matched events per finding and keeps the true count', async () => {
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(FILES), detectors: [recordingDetector()], steps: [], limits: { eventsPerFinding: 10 } });
    expect(c.findings).toHaveLength(1);
    expect(c.findings[0]?.events).toHaveLength(10);
    expect(c.findings[0]?.eventCount).toBe(300);
    expect(c.stats.byLevel.high).toBe(1);
  });

  it('reports an unreadable file as an issue with its path and goes on', async () => {
    const files: FakeFile[] = [{ path: '/ev/locked.log', content: 'x\n', parse: true, unreadable: true }, FILES[0] as FakeFile];
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(files), detectors: [], steps: [] });
    expect(c.stats.unreadable).toBe(1);
    expect(c.evidence[0]).toMatchObject({ path: '/ev/locked.log', sha256: '', events: 0 });
    expect(c.evidence[0]?.reason).toMatch(/EACCES/);
    expect(c.issues.filter((i) => i.code === 'io' && i.location?.path === '/ev/locked.log').length).toBeGreaterThan(0);
    expect(c.evidence[1]?.events).toBe(3);
  });

  it('lists entries intake could not read without reading them, and inventories them as unreadable', async () => {
    const det = recordingDetector();
    const files: FakeFile[] = [{ path: '/ev/a.zip!/../../evil', content: 'x', refused: true, reason: 'entry path escapes the archive' }];
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(files), detectors: [det], steps: [] });
    expect(c.evidence[0]).toMatchObject({ sha256: '', events: 0, reason: 'entry path escapes the archive' });
    expect(c.stats.unreadable).toBe(1);
    expect(det.batches.flat().map((e) => e.fields.Readable)).toEqual([false]);
  });

  it('hands content detectors the bytes read while hashing: one read per file, nothing over their cap', async () => {
    const files: FakeFile[] = [
      { path: '/ev/a.zip!/C/inetpub/wwwroot/aspnet_client/s.aspx', content: '<%eval(Request.Item["x"],"unsafe");%>' },
      { path: '/ev/big.bin', content: Buffer.alloc(500, 7) },
      FILES[0] as FakeFile,
      { path: '/ev/partial.log', content: 'a\nb\nc\n'.repeat(10), parse: true, stopEarly: true },
    ];
    const intake = fakeIntake(files);
    const opens = new Map<string, number>();
    const counted: typeof intake = {
      ...intake,
      async *collect(paths, issues) {
        for await (const e of intake.collect(paths, issues)) {
          const open = e.open.bind(e);
          yield { ...e, open: () => (opens.set(e.path, (opens.get(e.path) ?? 0) + 1), open()) };
        }
      },
    };
    const seen: { path: string; data: string | null; size: number; sha: unknown }[] = [];
    const content: Detector = {
      name: 'content',
      onEvents: () => [],
      finish: () => [],
      // Every file but the parsed IIS log; at most 100 bytes.
      wantsFile: (f) => (f.path.endsWith('.log') && f.format === 'iis-w3c' && !f.path.includes('partial') ? 0 : 100),
      onFile(f) {
        seen.push({ path: f.event.prov.path, data: f.data?.toString('utf8') ?? null, size: f.size, sha: f.event.fields.sha256 });
        return [];
      },
    };
    const c = await runScan({ paths: ['/ev'], intake: counted, detectors: [content], steps: [] });
    expect(seen.map((x) => x.path)).toEqual(['/ev/a.zip!/C/inetpub/wwwroot/aspnet_client/s.aspx', '/ev/big.bin', '/ev/partial.log']);
    expect(seen[0]).toEqual({ path: files[0]!.path, data: files[0]!.content, size: 37, sha: c.evidence[0]?.sha256 });
    // Over the cap (size known up front): no bytes kept, the size says why.
    expect(seen[1]).toMatchObject({ data: null, size: 500 });
    // The parser stopped early, so hashing re-read the file: the detector gets that complete read, not a mix.
    expect(seen[2]).toMatchObject({ data: files[3]!.content, size: 60 });
    expect(opens.get('/ev/partial.log')).toBe(2);
    expect(opens.get(files[0]!.path)).toBe(1);
    expect(opens.get('/ev/big.bin')).toBe(1);
    expect(opens.get('/ev/W3SVC1/u_ex210303.log')).toBe(1);
  });

  it('stops a detector that throws, keeps the others, and says so', async () => {
    const bad: Detector = {
      name: 'broken',
      onEvents() {
        throw new Error('boom');
      },
      finish: () => [],
    };
    const good = recordingDetector();
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(FILES), detectors: [bad, good], steps: [] });
    expect(c.findings).toHaveLength(1);
    expect(c.issues.filter((i) => i.message.includes('detector broken failed'))).toHaveLength(1);
    expect(c.detectors.map((d) => [d.name, d.findings])).toEqual([
      ['broken', 0],
      ['test-aspx', 1],
    ]);
  });

  it('runs case steps by phase: verdicts before attribution, errors become issues', async () => {
    const order: string[] = [];
    const attribution: Attribution = {
      hypotheses: [],
      sponsors: [],
      unknown: 1,
      yardstick: 'phia',
      observed: { techniques: [], software: [], cves: [], utcOffset: null },
    };
    const steps: CaseStep[] = [
      attributionStep('attr', (c) => {
        order.push(`attr saw ${c.verdicts?.length ?? 0} verdict(s)`);
        return attribution;
      }),
      verdictStep('exchange', (c) => {
        order.push('verdict');
        return [{ cve: 'CVE-2021-26855', chain: 'ProxyLogon', status: 'exploited', reason: 'r', findingIds: c.findings.map((f) => f.id), disclosed: null, coverage: [] }];
      }),
      { name: 'broken-step', phase: 'final', run: () => Promise.reject(new Error('nope')) },
    ];
    const c = await runScan({ paths: ['/ev'], intake: fakeIntake(FILES), detectors: [recordingDetector()], steps });
    expect(order).toEqual(['verdict', 'attr saw 1 verdict(s)']);
    expect(c.verdicts?.[0]?.findingIds).toEqual([c.findings[0]?.id]);
    expect(c.attribution).toEqual(attribution);
    expect(c.issues.some((i) => i.message.includes('case step broken-step failed'))).toBe(true);
    expect(Case.parse(c)).toBeTruthy();
  });
});

describe('runScan case folder', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes the four files and refuses an --out inside the evidence or over a foreign folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kahu-case-test-'));
    dirs.push(root);
    const ev = join(root, 'evidence');
    await mkdir(ev);
    const out = join(root, 'case');
    const c = await runScan({ paths: [ev], out, intake: fakeIntake(FILES), detectors: [recordingDetector()], steps: [] });
    const written = JSON.parse(await readFile(join(out, 'case.json'), 'utf8')) as unknown;
    expect(Case.parse(written)).toEqual(c);
    const jsonl = (await readFile(join(out, 'findings.jsonl'), 'utf8')).trim().split('\n');
    expect(jsonl.map((l) => (JSON.parse(l) as Finding).id)).toEqual(c.findings.map((f) => f.id));
    expect(await readFile(join(out, 'timeline.csv'), 'utf8')).toMatch(/^time,kind,level,title,/);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<!doctype html>');

    // Same folder again is fine (it is a Kahu case); inside the evidence or over foreign files is not.
    await expect(runScan({ paths: [ev], out, intake: fakeIntake(FILES), detectors: [], steps: [] })).resolves.toBeTruthy();
    await expect(runScan({ paths: [ev], out: join(ev, 'case'), intake: fakeIntake(FILES), detectors: [], steps: [] })).rejects.toThrow(KahuError);
    await expect(runScan({ paths: [join(out, 'case.json')], out, intake: fakeIntake(FILES), detectors: [], steps: [] })).rejects.toThrow(/inside the case folder/);
    const foreign = join(root, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'thesis.docx'), 'x');
    await expect(runScan({ paths: [ev], out: foreign, intake: fakeIntake(FILES), detectors: [], steps: [] })).rejects.toThrow(/not a Kahu case folder/);
  });
});

describe('defaultDetectors', () => {
  it('keeps the other modules when one fails to start, and says so; usage errors still stop the scan', async () => {
    const { defaultDetectors, detectorFactories } = await import('../../src/case/index.js');
    const saved = [...detectorFactories];
    const ok: Detector = { name: 'ok', onEvents: () => [], finish: () => [] };
    detectorFactories.splice(0, detectorFactories.length, () => {
      throw new Error('rules folder is a mess');
    }, () => [ok]);
    try {
      const reported: string[] = [];
      const got = await defaultDetectors({ ruleDirs: [], builtinRules: true, strict: false }, { report: (i) => reported.push(i.message) });
      expect(got).toEqual([ok]);
      expect(reported[0]).toContain('rules folder is a mess');
      detectorFactories.splice(0, detectorFactories.length, () => Promise.reject(new KahuError('usage', 'no such --rules folder')));
      await expect(defaultDetectors({ ruleDirs: ['x'], builtinRules: true, strict: false }, { report() {} })).rejects.toThrow('no such');
    } finally {
      detectorFactories.splice(0, detectorFactories.length, ...saved);
    }
  });
});
