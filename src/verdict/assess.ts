import type { CveVerdict, EvidenceFile, EvidenceFormat, Finding, LogCoverage } from '../model/index.js';
import { BUILD_OBSERVATION_RULE } from './artifacts.js';
import { loadFixedBuilds, type Chain, type FixedBuildTable } from './builds.js';
import { assessBuild } from './exposure.js';

/** What `assessExchange` reads from a case: its findings and evidence manifest. */
export interface CaseLike {
  findings: readonly Finding[];
  evidence: readonly EvidenceFile[];
}

/** Log families, as the verdicts report coverage. */
export type LogFamily = 'iis' | 'httpproxy' | 'ecp' | 'oab' | 'rps' | 'cmdlet' | 'windows-events';

const FAMILY_OF: Partial<Record<EvidenceFormat, LogFamily>> = {
  'iis-w3c': 'iis',
  'exchange-httpproxy': 'httpproxy',
  'exchange-ecp': 'ecp',
  'exchange-oab': 'oab',
  'exchange-rps': 'rps',
  'exchange-cmdlet': 'cmdlet',
  evtx: 'windows-events',
  'json-events': 'windows-events',
};

/** Which logs can show each CVE (the indicators of docs/exchange.md live there). */
export const CVE_FAMILIES: Record<string, LogFamily[]> = {
  'CVE-2021-26855': ['httpproxy', 'iis'],
  'CVE-2021-26857': ['windows-events'],
  'CVE-2021-26858': ['oab', 'windows-events'],
  'CVE-2021-27065': ['httpproxy', 'ecp', 'windows-events'],
  'CVE-2021-34473': ['iis', 'httpproxy'],
  'CVE-2021-34523': ['iis', 'windows-events', 'cmdlet'],
  'CVE-2021-31207': ['windows-events', 'cmdlet'],
  'CVE-2022-41040': ['iis'],
  'CVE-2022-41082': ['iis', 'rps', 'windows-events'],
  'CVE-2022-41080': ['iis'],
};

/** Techniques that count as follow-on activity (what intruders do once in): web shells, execution, credential theft, staging. */
const FOLLOW_ON = /^T(1505\.003|1059(\.\d{3})?|1003(\.\d{3})?|1560(\.\d{3})?|1564(\.\d{3})?|1098|1114(\.\d{3})?|1095|1105|1074(\.\d{3})?)$/;

const HIGH = new Set(['high', 'critical']);

/** Request logs: a finding there means a request reached the server (an attempt at least). */
const REQUEST_FORMATS = new Set<EvidenceFormat>(['iis-w3c', 'exchange-httpproxy', 'exchange-rps']);

/** Coverage (oldest and newest record) per log family, from the evidence manifest. */
export function logCoverage(evidence: readonly EvidenceFile[]): LogCoverage[] {
  const m = new Map<LogFamily, LogCoverage>();
  for (const f of evidence) {
    const fam = FAMILY_OF[f.format];
    if (!fam || f.events === 0) continue;
    const c = m.get(fam) ?? { family: fam, first: null, last: null, events: 0 };
    c.events += f.events;
    if (f.first !== null && f.first !== undefined) c.first = c.first === null ? f.first : Math.min(c.first, f.first);
    if (f.last !== null && f.last !== undefined) c.last = c.last === null ? f.last : Math.max(c.last, f.last);
    m.set(fam, c);
  }
  return [...m.values()].sort((a, b) => a.family.localeCompare(b.family));
}

function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

function fmtDay(t: number | null): string {
  return t === null ? 'unknown' : new Date(t).toISOString().slice(0, 10);
}

/**
 * Verdict per CVE of ProxyLogon, ProxyShell and ProxyNotShell, from the case's findings and log coverage:
 * - exploited: a high/critical finding tagged with the CVE, and follow-on activity (web shell, execution, credential
 *   dumping, staging...) at high/critical in the case;
 * - attempted: findings tagged with the CVE but not both of the above (probes, refused requests, or exploitation
 *   signals with no sign the intruder went further);
 * - no evidence: nothing, and either the observed build carries the fix or the relevant logs reach back to the
 *   chain's look-back date;
 * - cannot tell: nothing, but the logs that would show it do not reach back to the look-back date (or are absent).
 */
export function assessExchange(c: CaseLike, table: FixedBuildTable = loadFixedBuilds()): CveVerdict[] {
  const coverage = logCoverage(c.evidence);
  const builds = c.findings.filter((f) => f.rule.id === BUILD_OBSERVATION_RULE).map((f) => String(f.detail?.build ?? ''));
  const exposures = builds.filter((b) => b !== '').map((b) => assessBuild(b, table));
  const formatOf = new Map(c.evidence.map((e) => [e.id, e.format]));
  const fromRequestLog = (f: Finding): boolean => f.events.some((e) => REQUEST_FORMATS.has(formatOf.get(e.prov.evidenceId) ?? 'unrecognised'));
  const followOn = c.findings.filter((f) => HIGH.has(f.level) && f.attack.some((t) => FOLLOW_ON.test(t)));
  const out: CveVerdict[] = [];
  for (const u of Object.values(table.updates)) {
    const chain: Chain = u.chain;
    const dates = table.chains[chain];
    const disclosed = day(dates.disclosed);
    const lookback = day(dates.lookback);
    for (const cve of u.cves) {
      const families = CVE_FAMILIES[cve] ?? [];
      const cov = coverage.filter((x) => (families as string[]).includes(x.family));
      const related = c.findings.filter((f) => f.cves.includes(cve));
      const strong = related.filter((f) => HIGH.has(f.level));
      // Medium/low findings outside the request logs (a role grant, a removed export request) are context: admins
      // do the same things, so alone they do not make an attempt.
      const attempts = related.filter((f) => HIGH.has(f.level) || (f.level === 'medium' && fromRequestLog(f)));
      const ids = related.map((f) => f.id);
      const base = { cve, chain, disclosed, coverage: cov };
      if (strong.length > 0 && followOn.length > 0) {
        // Name post-exploitation first (findings tied to no CVE: web shell use, credential theft...), then the rest.
        const fo = [...followOn.filter((f) => f.cves.length === 0), ...followOn.filter((f) => f.cves.length > 0 && !f.cves.includes(cve)), ...followOn.filter((f) => f.cves.includes(cve))];
        out.push({
          ...base,
          status: 'exploited',
          reason: `${strong.length} high/critical finding(s) for ${cve} (first: ${strong[0]?.rule.title}) and follow-on activity (${[...new Set(fo.map((f) => f.rule.title))].slice(0, 2).join('; ')})`,
          findingIds: [...new Set([...ids, ...followOn.map((f) => f.id)])],
        });
        continue;
      }
      if (attempts.length > 0) {
        out.push({
          ...base,
          status: 'attempted',
          reason:
            strong.length > 0
              ? `${strong.length} exploitation signal(s) for ${cve} but no follow-on activity found (no web shell, execution or credential theft)`
              : `${attempts.length} probe/attempt finding(s) for ${cve} (${attempts[0]?.rule.title}); none shows success`,
          findingIds: ids,
        });
        continue;
      }
      const context = related.length > 0 ? ` (${related.length} context finding(s), e.g. ${related[0]?.rule.title}, which administrators also cause)` : '';
      const fixed = exposures.length > 0 && exposures.every((e) => e.chains.find((x) => x.chain === chain)?.updates.find((x) => x.cves.includes(cve))?.status === 'fixed');
      if (fixed) {
        out.push({ ...base, status: 'no-evidence', reason: `no findings${context}, and the build(s) seen in the logs (${[...new Set(builds)].join(', ')}) carry the fix`, findingIds: related.map((f) => f.id) });
        continue;
      }
      const oldest = cov.reduce<number | null>((m, x) => (x.first === null ? m : m === null ? x.first : Math.min(m, x.first)), null);
      const newest = cov.reduce<number | null>((m, x) => (x.last === null ? m : m === null ? x.last : Math.max(m, x.last)), null);
      if (cov.length > 0 && newest !== null && newest < lookback) {
        out.push({
          ...base,
          status: 'cannot-tell',
          reason: `the ${cov.map((x) => x.family).join('/')} logs end ${fmtDay(newest)}${context}, before ${chain}'s exposure window (look-back ${dates.lookback}, disclosed ${dates.disclosed})`,
          findingIds: related.map((f) => f.id),
        });
      } else if (cov.length === 0) {
        out.push({ ...base, status: 'cannot-tell', reason: `no ${families.join(' / ')} logs in the evidence, which are where ${cve} shows${context}`, findingIds: related.map((f) => f.id) });
      } else if (oldest !== null && oldest <= lookback) {
        out.push({ ...base, status: 'no-evidence', reason: `no findings${context}; the ${cov.map((x) => x.family).join(', ')} logs reach back to ${fmtDay(oldest)}, before ${dates.lookback}`, findingIds: related.map((f) => f.id) });
      } else {
        out.push({
          ...base,
          status: 'cannot-tell',
          reason: `no findings${context}, but the oldest ${cov.map((x) => x.family).join('/')} record is ${fmtDay(oldest)}, after the look-back date ${dates.lookback} (${chain} disclosed ${dates.disclosed})`,
          findingIds: related.map((f) => f.id),
        });
      }
    }
  }
  // Say whether the server was exposed at all, where the logs cannot answer: it tells the responder how much the
  // missing logs matter.
  if (exposures.length > 0) {
    for (const v of out) {
      if (v.status !== 'cannot-tell') continue;
      const st = exposures.map((e) => `${e.build} ${e.chains.find((x) => x.chain === v.chain)?.updates.find((x) => x.cves.includes(v.cve))?.status ?? 'unknown'}`);
      v.reason += `; build(s) seen in the logs: ${[...new Set(st)].join(', ')}`;
    }
  }
  return out;
}
