import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One line to place in a log file at time `t`; `planted` names the ground-truth item it carries. */
export interface LogRecord {
  file: string;
  t: number;
  /** The line, or a function of its final 1-based line number (event record ids follow the file order). */
  text: string | ((line: number) => string);
  header: () => string[];
  planted?: PlantedRef;
}

/** What the ground truth says about one planted line or file. */
export interface PlantedRef {
  step: string;
  title: string;
  cves: string[];
  techniques: string[];
}

/** One planted item with where it ended up. `line` is the 1-based line in `file`, null for whole files. */
export interface PlantedItem extends PlantedRef {
  file: string;
  line: number | null;
}

/**
 * Collects records per file for one time slice, then writes them sorted by time, appending to files that earlier
 * slices began (headers once per file). Keeps only the current slice in memory, so volume is bounded by the slice.
 */
export class SliceSink {
  private slice: LogRecord[] = [];
  private readonly lines = new Map<string, number>();
  private seq = 0;
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
      let n = this.lines.get(file);
      const out: string[] = [];
      if (n === undefined) {
        const first = recs[0];
        const head = first ? first.header() : [];
        out.push(...head);
        n = head.length;
        mkdirSync(dirname(join(this.root, file)), { recursive: true });
      }
      for (const r of recs) {
        n++;
        out.push(typeof r.text === 'string' ? r.text : r.text(n));
        if (r.planted) this.planted.push({ ...r.planted, file, line: n });
      }
      this.lines.set(file, n);
      // Exchange and IIS write CRLF; JSON lines exports use LF.
      const eol = file.endsWith('.jsonl') ? '\n' : '\r\n';
      const text = `${out.join(eol)}${eol}`;
      this.bytes += Buffer.byteLength(text);
      appendFileSync(join(this.root, file), text);
    }
    this.seq++;
  }

  /** Files written so far with their line counts. */
  files(): Map<string, number> {
    return new Map(this.lines);
  }
}
