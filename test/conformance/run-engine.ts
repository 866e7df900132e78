/**
 * Runs conformance cases on the in-process engine. A SQL backend gets its own runner over the same
 * CASES table (sigma-cases.ts) and must produce the same outcomes.
 */
import { IssueCollector } from '../../src/core/index.js';
import { createSigmaDetector } from '../../src/engine/index.js';
import type { KahuEvent } from '../../src/model/index.js';
import { loadRuleTexts, type Mappings } from '../../src/sigma/index.js';
import { CONFORMANCE_MAPPING, type ConformanceCase } from './sigma-cases.js';

/** What a backend did with a case. */
export interface CaseOutcome {
  refused: string | null;
  matches: number[];
  correlations: number;
}

const MAPPINGS: Mappings = { entries: [CONFORMANCE_MAPPING] };

/** Builds the events of a case (record = index). */
export function caseEvents(c: ConformanceCase): KahuEvent[] {
  return c.events.map((e, i) => ({
    time: e.time === undefined ? null : Date.parse(e.time),
    host: null,
    source: 'file',
    fields: e.fields,
    prov: { evidenceId: 'conformance', path: c.id, locator: { record: i } },
  }));
}

/** Runs one case on the engine. */
export function runCaseOnEngine(c: ConformanceCase): CaseOutcome {
  const issues = new IssueCollector();
  const set = loadRuleTexts([{ file: `${c.id}.yml`, text: c.rule }], issues, { placeholders: c.placeholders ?? {} });
  const refused = set.skipped.map((s) => s.reason).join('; ') || null;
  const det = createSigmaDetector(set, { mappings: MAPPINGS });
  const findings = [...det.onEvents(caseEvents(c), issues), ...det.finish(issues)];
  const matches = findings
    .filter((f) => f.engine === 'sigma' && f.rule.id === 'main')
    .map((f) => f.events[0]!.prov.locator.record!)
    .sort((a, b) => a - b);
  const correlations = findings.filter((f) => f.engine === 'sigma-correlation').length;
  return { refused, matches, correlations };
}

/** True when an outcome is what the case expects; else a short explanation. */
export function judge(c: ConformanceCase, o: CaseOutcome): true | string {
  if (c.refused !== undefined) {
    if (o.refused === null) return `expected refusal containing "${c.refused}", rule loaded`;
    return o.refused.includes(c.refused) ? true : `refused with "${o.refused}", expected "${c.refused}"`;
  }
  if (o.refused !== null) return `rule refused: ${o.refused}`;
  if (c.matches !== undefined && JSON.stringify(c.matches) !== JSON.stringify(o.matches)) {
    return `matched events ${JSON.stringify(o.matches)}, expected ${JSON.stringify(c.matches)}`;
  }
  if (c.correlations !== undefined && c.correlations !== o.correlations) {
    return `${o.correlations} correlation finding(s), expected ${c.correlations}`;
  }
  return true;
}
