import { join } from 'node:path';
import { LEVELS } from '../../model/index.js';
import type { Case, CountStats, Level } from '../../model/index.js';
import { formatBytes, isoTime } from '../format.js';
import { terminalSafe, truncateStart } from './sanitize.js';
import { textTable } from './table.js';

/** Options of the terminal summary. */
export interface SummaryOptions {
  /** The case folder written, if any. */
  outDir?: string;
  /** ANSI colours for levels (only when writing to a TTY). */
  color?: boolean;
  /** How many findings to list by name. */
  topFindings?: number;
}

const LEVEL_COLOUR: Record<Level, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  informational: '\u001b[2m',
};

function range(s: { first: number | null; last: number | null }): string {
  if (s.first === null) return '—';
  return `${isoTime(s.first).slice(0, 19)}Z → ${isoTime(s.last).slice(0, 19)}Z`;
}

function countRows(map: Partial<Record<string, CountStats>>): string[][] {
  return Object.entries(map)
    .filter((e): e is [string, CountStats] => e[1] !== undefined)
    .sort((a, b) => b[1].events - a[1].events || a[0].localeCompare(b[0]))
    .map(([k, s]) => [k, String(s.files), s.events.toLocaleString('en-US'), formatBytes(s.bytes), range(s)]);
}

/**
 * The end-of-scan summary for the terminal: files per format, events per source, findings per
 * level (the top ones by name), issues, and where the case is. Evidence-derived text is made
 * terminal-safe here.
 */
export function renderSummary(c: Case, opts: SummaryOptions = {}): string {
  const paint = (level: Level, text: string): string => (opts.color ? `${LEVEL_COLOUR[level]}${text}\u001b[0m` : text);
  const s = c.stats;
  const out: string[] = [];
  out.push(
    `Kahu ${c.tool.version}: ${s.files} file(s), ${formatBytes(s.bytes)}, ${s.events.toLocaleString('en-US')} event(s) in ${(s.durationMs / 1000).toFixed(s.durationMs < 10_000 ? 2 : 1)} s`,
  );
  if (s.first !== null) out.push(`Events span ${range(s)}`);
  out.push('');
  out.push(textTable(['format', 'files', 'events', 'size', 'time range'], countRows(s.byFormat), ['left', 'right', 'right', 'right']));
  out.push('');
  out.push(textTable(['source', 'files', 'events', 'size', 'time range'], countRows(s.bySource), ['left', 'right', 'right', 'right']));
  out.push('');
  const levels = [...LEVELS].reverse();
  out.push(`Findings: ${c.findings.length}  ` + levels.map((l) => paint(l, `${l} ${s.byLevel[l] ?? 0}`)).join('  '));
  // One line per rule, worst first: "this rule fired N times", not N lines.
  const byRule = new Map<string, { level: Level; title: string; findings: number; events: number; first: number | null; path: string | null }>();
  for (const f of c.findings) {
    const key = `${f.engine}\u0000${f.rule.id}`;
    const r = byRule.get(key) ?? { level: f.level, title: f.rule.title, findings: 0, events: 0, first: null, path: null };
    r.findings++;
    r.events += f.eventCount;
    if (LEVELS.indexOf(f.level) > LEVELS.indexOf(r.level)) r.level = f.level;
    if (f.first !== null && (r.first === null || f.first < r.first)) r.first = f.first;
    r.path ??= f.events[0]?.prov.path ?? null;
    byRule.set(key, r);
  }
  const top = [...byRule.values()]
    .sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || (a.first ?? Infinity) - (b.first ?? Infinity))
    .slice(0, opts.topFindings ?? 10);
  for (const r of top) {
    const when = r.first !== null ? ` from ${isoTime(r.first).slice(0, 19)}Z` : '';
    out.push(`  ${paint(r.level, r.level.padEnd(13))} ${terminalSafe(r.title)}: ${r.findings} finding(s), ${r.events} event(s)${when}`);
  }
  if (byRule.size > top.length) out.push(`  … and ${byRule.size - top.length} more rule(s) in the report`);
  if (c.verdicts?.length) {
    // Lead with what happened; the CVEs with nothing to say are counted on one line.
    const shown = c.verdicts.filter((v) => v.status === 'exploited' || v.status === 'attempted');
    const rest = c.verdicts.filter((v) => !shown.includes(v));
    out.push('');
    if (shown.length) out.push(textTable(['cve', 'chain', 'verdict'], shown.map((v) => [terminalSafe(v.cve), terminalSafe(v.chain), v.status])));
    if (rest.length) {
      const by = (st: string) => rest.filter((v) => v.status === st).length;
      out.push(`CVE verdicts for ${shown.length ? 'the other ' : ''}${rest.length} CVE(s): ${by('no-evidence')} no evidence of exploitation, ${by('cannot-tell')} cannot tell from this evidence`);
    }
  }
  if (c.attribution?.hypotheses[0]) {
    const a = c.attribution;
    const h = a.hypotheses[0]!;
    const pc = (p: number): string => `${(p * 100).toFixed(0)}%`;
    out.push('');
    out.push(`Attribution (leading hypothesis): ${terminalSafe(h.actor.name)}, ${terminalSafe(h.words)} (${pc(h.probability)})`);
    // Sponsor roll-up first (the question readers ask), then the next hypotheses and the "not in ATT&CK" outcome.
    const sp = a.sponsors[0];
    if (sp) out.push(`  sponsor state: ${terminalSafe(sp.name)}, ${terminalSafe(sp.words)} (${pc(sp.probability)})`);
    const rest = a.hypotheses.slice(1, 3).map((x) => `${terminalSafe(x.actor.name)} ${pc(x.probability)}`);
    out.push(`  ${rest.length ? `then: ${rest.join(', ')}; ` : ''}not an ATT&CK group: ${pc(a.unknown)}`);
  }
  const errors = c.issues.filter((i) => i.severity === 'error').length;
  const warnings = c.issues.filter((i) => i.severity === 'warning').length;
  out.push('');
  const notes = c.issues.length - errors - warnings;
  out.push(
    `Issues: ${c.issues.length} (${errors} error(s), ${warnings} warning(s), ${notes} note(s))${s.unreadable ? `; ${s.unreadable} file(s) unreadable` : ''}`,
  );
  for (const i of c.issues.filter((x) => x.severity === 'error').slice(0, 5)) {
    const where = i.location?.path ? `${truncateStart(terminalSafe(i.location.path), 50)}: ` : '';
    out.push(`  ${where}${terminalSafe(i.message).slice(0, 160)}`);
  }
  if (opts.outDir !== undefined) {
    out.push('');
    out.push(`Report: ${terminalSafe(join(opts.outDir, 'report.html'))}  (case.json, findings.jsonl, timeline.csv beside it)`);
  }
  return `${out.join('\n')}\n`;
}
