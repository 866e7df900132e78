import type { IssueSink } from '../core/index.js';
import type { KahuEvent } from './event.schema.js';
import type { Finding } from './finding.schema.js';

/**
 * A detector sees every event batch of a scan, in file order, and returns findings.
 * Sigma (engine/), YARA (yara/) and artifact checks implement it; case/ runs them.
 */
export interface Detector {
  readonly name: string;
  /** Called with each batch of events; may return findings at once. */
  onEvents(events: readonly KahuEvent[], issues: IssueSink): Finding[];
  /** Called once after the last batch (correlations flush here). */
  finish(issues: IssueSink): Finding[];
}
