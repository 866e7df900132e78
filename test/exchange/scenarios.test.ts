// Ground-truth-driven suite: every step the generator plants must be found, by a finding whose event is that very
// line (or that file), with the step's CVEs and techniques; the benign server must raise nothing high or critical.
// The rules were written from the indicators (docs/exchange.md), not from the generator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScan } from '../../src/case/index.js';
import { generateExchangeEvidence, type GroundTruth, type PlantedItem } from '../../src/generate/index.js';
import type { Case, Finding } from '../../src/model/index.js';
import { assessExchange } from '../../src/verdict/index.js';
import { packDetectors } from './pack.js';

const base = mkdtempSync(join(tmpdir(), 'kahu-exchange-'));
const SIZE = { requests: 3000, users: 80, days: 3 } as const;
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Scanned {
  truth: GroundTruth;
  c: Case;
}

async function scan(scenario: 'proxylogon' | 'proxyshell' | 'proxynotshell' | 'benign', seed: number): Promise<Scanned> {
  const out = join(base, scenario);
  const truth = generateExchangeEvidence({ out, scenario, seed, ...SIZE });
  const c = await runScan({ paths: [out], detectors: await packDetectors(), steps: [] });
  return { truth, c };
}

/** Findings whose events point at the planted line (or file). */
function findingsFor(s: Scanned, p: PlantedItem): Finding[] {
  const abs = join(base, s.truth.scenario, p.file);
  return s.c.findings.filter((f) => f.events.some((e) => e.prov.path === abs && (p.line === null || e.prov.locator.line === p.line)));
}

/** The format the scan gave the planted item's file (to tell a missing parser from a missing rule). */
function formatOf(s: Scanned, p: PlantedItem): string {
  return s.c.evidence.find((e) => e.path === join(base, s.truth.scenario, p.file))?.format ?? 'missing';
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
        if (fs.length === 0 || lacks.length > 0) missing.push(`${p.step} ${p.file}:${p.line ?? '-'} ${fs.length === 0 ? 'not found' : `lacks ${lacks.join(',')}`}`);
      }
      expect(missing).toEqual([]);
    });
    it('the verdicts call the chain exploited', () => {
      const vs = assessExchange(s.c);
      const chain = scenario === 'proxylogon' ? 'ProxyLogon' : scenario === 'proxyshell' ? 'ProxyShell' : 'ProxyNotShell';
      expect(vs.filter((v) => v.chain === chain && v.status === 'exploited').length).toBeGreaterThan(0);
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
