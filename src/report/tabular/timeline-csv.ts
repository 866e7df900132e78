import type { Case, EvidenceFile, Finding, MatchedEvent } from '../../model/index.js';
import { isoTime, locatorText, valueText } from '../format.js';
import { csvRow } from './csv.js';

/** Timeline columns, fixed so spreadsheet and Timeline Explorer layouts survive Kahu upgrades. */
export const TIMELINE_COLUMNS = [
  'time',
  'kind',
  'level',
  'title',
  'host',
  'evidence_path',
  'locator',
  'details',
  'rule_id',
  'rule_file',
  'attack',
  'cves',
  'finding_id',
  'evidence_id',
] as const;

type Row =
  | { t: number | null; kind: 'finding'; f: Finding; e: MatchedEvent | null }
  | { t: number | null; kind: 'log-first' | 'log-last'; file: EvidenceFile };

function rowCells(r: Row): (string | number | null)[] {
  if (r.kind === 'finding') {
    const { f, e } = r;
    const details = e
      ? Object.entries(e.values)
          .map(([k, v]) => `${k}=${valueText(v)}`)
          .join('; ')
      : f.detail
        ? Object.entries(f.detail)
            .map(([k, v]) => `${k}=${valueText(v)}`)
            .join('; ')
        : '';
    return [
      isoTime(r.t),
      'finding',
      f.level,
      f.rule.title,
      e?.host ?? '',
      e?.prov.path ?? '',
      e ? locatorText(e.prov.locator) : '',
      details,
      f.rule.id,
      `${f.rule.file}:${f.rule.line}`,
      f.attack.join(' '),
      f.cves.join(' '),
      f.id,
      e?.prov.evidenceId ?? '',
    ];
  }
  const { file } = r;
  const what = r.kind === 'log-first' ? 'first event' : 'last event';
  return [
    isoTime(r.t),
    r.kind,
    '',
    `${what} of ${file.format} log (${file.events} events)`,
    '',
    file.path,
    '',
    `sha256=${file.sha256}`,
    '',
    '',
    '',
    '',
    '',
    file.id,
  ];
}

/**
 * `timeline.csv`: every kept event behind a finding, plus the first and last event of each log file
 * (log coverage), in time order; rows without a time come last. Provenance on every row.
 */
export function* renderTimelineCsv(c: Case): Generator<string> {
  const rows: Row[] = [];
  for (const f of c.findings) {
    if (f.events.length === 0) rows.push({ t: f.first, kind: 'finding', f, e: null });
    for (const e of f.events) rows.push({ t: e.time, kind: 'finding', f, e });
  }
  for (const file of c.evidence) {
    if (file.events === 0) continue;
    if (file.first !== null && file.first !== undefined) rows.push({ t: file.first, kind: 'log-first', file });
    if (file.last !== null && file.last !== undefined) rows.push({ t: file.last, kind: 'log-last', file });
  }
  // Stable sort: equal times keep finding order, which keeps a finding's events together.
  rows.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity));
  yield csvRow(TIMELINE_COLUMNS);
  for (const r of rows) yield csvRow(rowCells(r));
}
