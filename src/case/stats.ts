import type { CaseStats, CountStats, EvidenceFormat, Finding, KahuEvent, Level, SourceType } from '../model/index.js';

/** Widens [first, last] to include `t` (ignores null and non-finite times). */
export function widen(range: { first: number | null; last: number | null }, t: number | null | undefined): void {
  if (t === null || t === undefined || !Number.isFinite(t)) return;
  if (range.first === null || t < range.first) range.first = t;
  if (range.last === null || t > range.last) range.last = t;
}

function emptyCount(): CountStats {
  return { files: 0, events: 0, bytes: 0, first: null, last: null };
}

/** Per-file counters while a file is parsed. */
export interface FileTally {
  events: number;
  first: number | null;
  last: number | null;
  /** Events per source type in this file (a file normally has one). */
  bySource: Map<SourceType, number>;
}

/** A fresh per-file tally. */
export function newFileTally(): FileTally {
  return { events: 0, first: null, last: null, bySource: new Map() };
}

/** Adds a parsed batch to a file's tally. Constant memory: counts and ranges only. */
export function tallyBatch(tally: FileTally, batch: readonly KahuEvent[]): void {
  // Per event this runs for every event of a scan: keep it to compares, and touch the Map once per run of one
  // source (a file normally has one) instead of a get + set per event.
  let first = tally.first;
  let last = tally.last;
  let source: SourceType | null = null;
  let run = 0;
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]!;
    const t = e.time;
    if (t !== null && t !== undefined && Number.isFinite(t)) {
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    }
    if (e.source !== source) {
      if (source !== null) tally.bySource.set(source, (tally.bySource.get(source) ?? 0) + run);
      source = e.source;
      run = 0;
    }
    run++;
  }
  if (source !== null) tally.bySource.set(source, (tally.bySource.get(source) ?? 0) + run);
  tally.events += batch.length;
  tally.first = first;
  tally.last = last;
}

/** Running totals of a scan; `snapshot()` gives the case's `stats`. */
export class StatsAccumulator {
  private files = 0;
  private bytes = 0;
  private events = 0;
  private unreadable = 0;
  private readonly range = { first: null as number | null, last: null as number | null };
  private readonly bySource = new Map<SourceType, CountStats>();
  private readonly byFormat = new Map<EvidenceFormat, CountStats>();

  /** Records one finished file. */
  addFile(format: EvidenceFormat, size: number, tally: FileTally, readable: boolean): void {
    this.files++;
    this.bytes += size;
    this.events += tally.events;
    if (!readable) this.unreadable++;
    widen(this.range, tally.first);
    widen(this.range, tally.last);
    const f = this.byFormat.get(format) ?? emptyCount();
    f.files++;
    f.bytes += size;
    f.events += tally.events;
    widen(f, tally.first);
    widen(f, tally.last);
    this.byFormat.set(format, f);
    for (const [source, n] of tally.bySource) {
      const s = this.bySource.get(source) ?? emptyCount();
      s.files++;
      s.bytes += size;
      s.events += n;
      // A file's range is attributed to each of its sources; files mixing sources are rare.
      widen(s, tally.first);
      widen(s, tally.last);
      this.bySource.set(source, s);
    }
  }

  /** Records the file-inventory event of one file (source `file`), kept apart from parsed events. */
  addInventory(size: number, mtime: number | null): void {
    const s = this.bySource.get('file') ?? emptyCount();
    s.files++;
    s.events++;
    s.bytes += size;
    widen(s, mtime);
    this.bySource.set('file', s);
  }

  /** The totals so far, with findings per level. */
  snapshot(findings: readonly Finding[], durationMs: number): CaseStats {
    const byLevel: Partial<Record<Level, number>> = {};
    for (const f of findings) byLevel[f.level] = (byLevel[f.level] ?? 0) + 1;
    return {
      files: this.files,
      bytes: this.bytes,
      events: this.events,
      unreadable: this.unreadable,
      first: this.range.first,
      last: this.range.last,
      bySource: Object.fromEntries(this.bySource),
      byFormat: Object.fromEntries(this.byFormat),
      byLevel,
      durationMs,
    };
  }
}
