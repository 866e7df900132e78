// Ground-truth-driven suite: every step the generator plants must be found, by a finding whose event is that very
// line (or that file), with the step's CVEs and techniques; the benign server must raise nothing high or critical.
// The rules were written from the indicators (docs/exchange.md), not from the generator. Windows event logs are
// generated as .evtx (what a server holds); one suite per attack scenario scans the JSON-lines form of the same
// seed too and expects the very same findings and verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runScan } from '../../src/case/index.js';
import { generateExchangeEvidence, type EventLogForm, type GroundTruth, type PlantedItem } from '../../src/generate/index.js';
import type { Case, Finding } from '../../src/model/index.js';
import { assessExchange } from '../../src/verdict/index.js';
import { packDetectors } from './pack.js';

const base = mkdtempSync(join(tmpdir(), 'kahu-exchange-'));
const SIZE = { requests: 3000, users: 80, days: 3 } as const;
afterAll(() => rmSync(base, { recursive: true, force: true }));

type Scenario = 'proxylogon' | 'proxyshell' | 'proxynotshell' | 'benign';

interface Scanned {
  truth: GroundTruth;
  c: Case;
  root: string;
}

async function scan(scenario: Scenario, seed: number, eventLogs: EventLogForm = 'evtx'): Promise<Scanned> {
  const root = join(base, `${scenario}-${eventLogs}`);
  const truth = generateExchangeEvidence({ out: root, scenario, seed, ...SIZE, eventLogs });
  const c = await runScan({ paths: [root], detectors: await packDetectors(), steps: [] });
  return { truth, c, root };
}

/** Findings whose events point at the planted line, event record (or file). */
function findingsFor(s: Scanned, p: PlantedItem): Finding[] {
  const abs = join(s.root, p.file);
  const at = (l: { line?: number | undefined; record?: number | undefined }): boolean =>
    p.record !== null ? l.record === p.record : p.line === null || l.line === p.line;
  return s.c.findings.filter((f) => f.events.some((e) => e.prov.path === abs && at(e.prov.locator)));
}

/** The format the scan gave the planted item's file (to tell a missing parser from a missing rule). */
function formatOf(s: Scanned, p: PlantedItem): string {
  return s.c.evidence.find((e) => e.path === join(s.root, p.file))?.format ?? 'missing';
}

/**
 * A finding as a form-independent line: rule, level, CVEs, techniques and where each event is, with an event
 * log's .evtx record and its JSON-lines twin's line written the same way (`<channel>#<record id>`).
 */
function signature(s: Scanned, f: Finding): string {
  const where = f.events
    .map((e) => {
      const rel = relative(s.root, e.prov.path).split(sep).join('/');
      const evtx = /^C\/Windows\/System32\/winevt\/Logs\/(.+)\.evtx$/.exec(rel);
      const jsonl = /^EventLogs\/(.+)\.jsonl$/.exec(rel);
      if (evtx) return `${evtx[1]}#${e.prov.locator.record}`;
      if (jsonl) return `${jsonl[1]}#${e.prov.locator.line}`;
      return `${rel}:${e.prov.locator.line ?? '-'}`;
    })
    .join(' ');
  return `${f.rule.id} ${f.level} [${[...f.cves].sort().join(',')}] [${[...f.attack].sort().join(',')}] ${where}`;
}

const EXCHANGE_LOG = /\/Logging\/(HttpProxy|ECP|OABGeneratorLog|CmdletInfra)\//;

for (const [scenario, seed] of [
  ['proxylogon', 11],
  ['proxyshell', 12],
  ['proxynotshell', 13],
] as const) {
  describe(`generated ${scenario} scenario: every planted step found with its CVE and technique`, () => {
    let s: Scanned;
    beforeAll(async () => {
      s = await scan(scenario, seed);
    });
    it('plants steps across the log families', () => {
      expect(s.truth.planted.length).toBeGreaterThan(5);
    });
    it('each planted step', () => {
      const missing: string[] = [];
      for (const p of s.truth.planted) {
        // Exchange's own CSV logs must have been parsed as such (not merely inventoried).
        if (p.line !== null && EXCHANGE_LOG.test(p.file) && !formatOf(s, p).startsWith('exchange-')) missing.push(`${p.step} ${p.file}: parsed as ${formatOf(s, p)}`);
        const fs = findingsFor(s, p);
        const cves = new Set(fs.flatMap((f) => f.cves));
        const attack = new Set(fs.flatMap((f) => f.attack));
        const lacks = [...p.cves.filter((c) => !cves.has(c)), ...p.techniques.filter((t) => !attack.has(t))];
        if (fs.length === 0 || lacks.length > 0) missing.push(`${p.step} ${p.file}:${p.line ?? p.record ?? '-'} ${fs.length === 0 ? 'not found' : `lacks ${lacks.join(',')}`}`);
      }
      expect(missing).toEqual([]);
    });
    it('the verdicts call the chain exploited', () => {
      const vs = assessExchange(s.c);
      const chain = scenario === 'proxylogon' ? 'ProxyLogon' : scenario === 'proxyshell' ? 'ProxyShell' : 'ProxyNotShell';
      expect(vs.filter((v) => v.chain === chain && v.status === 'exploited').length).toBeGreaterThan(0);
    });
    it('planted events live in .evtx logs and are found there', () => {
      const events = s.truth.planted.filter((p) => p.record !== null);
      expect(events.length).toBeGreaterThan(0);
      for (const p of events) expect(formatOf(s, p)).toBe('evtx');
    });
    it('the JSON-lines form of the same seed gives the same findings and verdicts', async () => {
      const j = await scan(scenario, seed, 'jsonl');
      expect(j.truth.planted.length).toBe(s.truth.planted.length);
      const a = s.c.findings.map((f) => signature(s, f)).sort();
      const b = j.c.findings.map((f) => signature(j, f)).sort();
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
      // The reason's example findings follow file order (C/Windows/... vs EventLogs/...), so compare the substance.
      const verdicts = (x: Scanned): string[] => assessExchange(x.c).map((v) => `${v.chain} ${v.cve} ${v.status} ${v.findingIds.length} ${JSON.stringify(v.coverage)}`).sort();
      expect(verdicts(s)).toEqual(verdicts(j));
    });
  });
}

describe('generated benign scenario (thousands of requests, admin look-alikes)', () => {
  let s: Scanned;
  beforeAll(async () => {
    s = await scan('benign', 14);
  });
  it('raises no finding at level high or critical', () => {
    const loud = s.c.findings.filter((f) => f.level === 'high' || f.level === 'critical').map((f) => `${f.rule.title} @ ${f.events[0]?.prov.path}:${f.events[0]?.prov.locator.line}`);
    expect(loud).toEqual([]);
    expect(s.c.stats.events).toBeGreaterThan(5000);
  });
  it('no verdict says exploited or attempted', () => {
    expect(assessExchange(s.c).filter((v) => v.status === 'exploited' || v.status === 'attempted')).toEqual([]);
  });
});
