// report/: pure renderers of a Case (strings and line streams); case/ does the file I/O.
export { renderCaseJson } from './case-json.js';
export { renderHtml } from './html/render.js';
export type { HtmlOptions } from './html/render.js';
export { escapeHtml } from './html/escape.js';
export { renderFindingsJsonl } from './tabular/findings-jsonl.js';
export { renderTimelineCsv, TIMELINE_COLUMNS } from './tabular/timeline-csv.js';
export { csvCell, csvRow } from './tabular/csv.js';
export { renderSummary } from './terminal/summary.js';
export type { SummaryOptions } from './terminal/summary.js';
export { terminalSafe, truncateStart } from './terminal/sanitize.js';
export { textTable } from './terminal/table.js';
export { formatBytes, isoTime, locatorText, valueText } from './format.js';

/** The files of a case folder, by role. */
export const CASE_FILES = {
  case: 'case.json',
  findings: 'findings.jsonl',
  timeline: 'timeline.csv',
  report: 'report.html',
} as const;
