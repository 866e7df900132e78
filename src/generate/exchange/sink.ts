import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openEvtxFile, type EvtxWriter, type WinEvent } from '../evtx/index.js';

/** One line to place in a text log (or JSON-lines export) at time `t`; `planted` names the ground-truth item it carries. */
export interface TextLogRecord {
  file: string;
  t: number;
  /** The line, or a function of its final 1-based line number (event record ids follow the file order). */
  text: string | ((line: number) => string);
  header: () => string[];
  planted?: PlantedRef;
}

/** One Windows event to append to an `.evtx` log at time `t` (its record id is its place in the file). */
export interface EventLogRecord {
  file: string;
  t: number;
  event: WinEvent;
  planted?: PlantedRef;
}

/** A record for the sink: a text line or an EVTX event. */
export type LogRecord = TextLogRecord | EventLogRecord;

/** What the ground truth says about one planted line or file. */
export interface PlantedRef {
  step: string;
  title: string;
  cves: string[];
  techniques: string[];
}

/**
 * One planted item with where it ended up: `line` is the 1-based line in a text log or JSON-lines file,
 * `record` the EventRecordID in an `.evtx` log; both null for whole files (web shells, dumps, archives).
 */
export interface PlantedItem extends PlantedRef {
  file: string;
  line: number | null;
  record: number | null;
}

function isEvent(r: LogRecord): r is EventLogRecord {
  return 'event' in r;
}

/**
 * Collects records per file for one time slice, then writes them sorted by time, appending to files that earlier
 * slices began (headers once per file). Keeps only the current slice in memory, so volume is bounded by the slice;
 * `.evtx` logs stay open across slices with one 64 KiB chunk in memory each, until `close()`.
 */
export class SliceSink {
  private slice: LogRecord[] = [];
  private readonly lines = new Map<string, number>();
  private readonly evtx = new Map<string, EvtxWriter>();
  readonly planted: PlantedItem[] = [];
  bytes = 0;

  constructor(readonly root: string) {}

  add(r: LogRecord): void {
    this.slice.push(r);
  }

  /** Writes the slice. Records are ordered by time, then by insertion (stable sort). */
  flush(): void {
    const byFile = new Map<string, LogRecord[]>();
    for (const r of this.slice) {
      let a = byFile.get(r.file);
      if (!a) byFile.set(r.file, (a = []));
      a.push(r);
    }
    this.slice = [];
    for (const [file, recs] of byFile) {
      recs.sort((a, b) => a.t - b.t);
      if (file.endsWith('.evtx')) this.flushEvents(file, recs);
      else this.flushText(file, recs);
    }
  }

  private flushEvents(file: string, recs: LogRecord[]): void {
    let w = this.evtx.get(file);
    if (!w) {
      mkdirSync(dirname(join(this.root, file)), { recursive: true });
      this.evtx.set(file, (w = openEvtxFile(join(this.root, file))));
    }
    for (const r of recs) {
      if (!isEvent(r)) throw new Error(`text line sent to the EVTX log ${file}`);
      const id = Number(w.append(r.event));
      if (r.planted) this.planted.push({ ...r.planted, file, line: null, record: id });
    }
    this.lines.set(file, Number(w.nextRecordId) - 1);
  }

  private flushText(file: string, recs: LogRecord[]): void {
    let n = this.lines.get(file);
    const out: string[] = [];
    if (n === undefined) {
      const first = recs[0];
      const head = first && !isEvent(first) ? first.header() : [];
      out.push(...head);
      n = head.length;
      mkdirSync(dirname(join(this.root, file)), { recursive: true });
    }
    for (const r of recs) {
      if (isEvent(r)) throw new Error(`EVTX event sent to the text log ${file}`);
      n++;
      out.push(typeof r.text === 'string' ? r.text : r.text(n));
      if (r.planted) this.planted.push({ ...r.planted, file, line: n, record: null });
    }
    this.lines.set(file, n);
    // Exchange and IIS write CRLF; JSON lines exports use LF.
    const eol = file.endsWith('.jsonl') ? '\n' : '\r\n';
    const text = `${out.join(eol)}${eol}`;
    this.bytes += Buffer.byteLength(text);
    appendFileSync(join(this.root, file), text);
  }

  /** Closes the `.evtx` logs (last chunk, file header) and counts their bytes. Call once, after the last flush. */
  close(): void {
    for (const [file, w] of this.evtx) {
      w.close();
      this.bytes += statSync(join(this.root, file)).size;
    }
    this.evtx.clear();
  }

  /** Files written so far with their line counts (record counts for `.evtx` logs). */
  files(): Map<string, number> {
    return new Map(this.lines);
  }
}
