// Shared set-up for the Exchange pack suites: the rule pack, YARA and artifact detectors, as `kahu scan` runs them.
import { join } from 'node:path';
import { IssueCollector } from '../../src/core/index.js';
import { createSigmaDetector, loadRules, type SigmaDetector } from '../../src/engine/index.js';
import type { Detector, FieldValue, Finding, KahuEvent, SourceType } from '../../src/model/index.js';
import { artifactDetector } from '../../src/verdict/index.js';
import { yaraDetectors } from '../../src/yara/index.js';

/** The pack's rule folders. */
export const PACK_DIRS = [join(import.meta.dirname, '..', '..', 'content', 'rules', 'exchange'), join(import.meta.dirname, '..', '..', 'content', 'rules', 'windows')];

let sigma: SigmaDetector | undefined;

/** A Sigma detector over the Exchange pack (rules load without issues, or this throws). */
export async function packSigma(): Promise<SigmaDetector> {
  if (sigma) return sigma;
  const iss = new IssueCollector();
  const rs = await loadRules(PACK_DIRS, iss);
  if (iss.all().length > 0) throw new Error(`pack issues: ${JSON.stringify(iss.all())}`);
  sigma = createSigmaDetector(rs);
  return sigma;
}

/** All detectors of the pack: Sigma, YARA, artifacts. Fresh per scan (the artifact detector keeps state). */
export async function packDetectors(): Promise<Detector[]> {
  const iss = new IssueCollector();
  const rs = await loadRules(PACK_DIRS, iss);
  return [createSigmaDetector(rs), ...yaraDetectors({ ruleDirs: [], builtinRules: true }, iss), artifactDetector()];
}

/** One event for rule tests, built by us. */
export function event(source: SourceType, fields: Record<string, FieldValue>, line = 1): KahuEvent {
  return { time: Date.parse('2021-03-02T02:37:00Z'), host: 'EXCH01', source, fields, prov: { evidenceId: 'test', path: 'test.log', locator: { line } } };
}

/** Titles of the pack's Sigma findings for one event. */
export async function matchTitles(e: KahuEvent): Promise<string[]> {
  const d = await packSigma();
  const iss = new IssueCollector();
  const out: Finding[] = [...d.onEvents([e], iss), ...d.finish(iss)];
  return out.map((f) => f.rule.title).sort();
}
