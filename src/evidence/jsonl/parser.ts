import type { IssueSink } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import { excerpt } from '../text/excerpt.js';
import { LineSplitter } from '../text/lines.js';
import type { EvidenceParser, EvidenceSource } from '../types.js';
import { windowsEventFromJson } from './normalise.js';
import { JsonObjectSplitter } from './splitter.js';

/**
 * Windows events exported as JSON: JSON lines (one record per line: OTRF, Winlogbeat, Velociraptor, evtx_dump
 * `-o jsonl`), a JSON array of records, or pretty-printed records one after another (evtx_dump `-o json`,
 * SigmaHQ regression data). Which of the two readers runs is decided by the first record: if the file's
 * first line is a whole JSON object, it is read line by line (a damaged line then costs only itself);
 * otherwise a streaming object splitter reads it. Either way memory is bounded by one record.
 */

const BATCH = 500;
const SLICE = 64 * 1024;

/** Looks at the head: JSON text whose first record has Windows event keys. */
export function detectJsonEvents(head: Buffer, _name: string): number {
  let s = head.toString('utf8', 0, Math.min(head.length, 65536));
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const t = s.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return 0;
  // Key names as they appear in the four layouts (quotes included, so values cannot fake them easily).
  const evtx = t.includes('"System"') && (t.includes('"EventID"') || t.includes('"Provider"'));
  const ecs = t.includes('"winlog"') && t.includes('"event_id"');
  const flat = t.includes('"EventID"') && (t.includes('"Channel"') || t.includes('"SourceName"'));
  if (evtx || ecs) return 0.95;
  if (flat) return 0.9;
  return 0;
}

/** The first line of the head when it is one whole JSON object: its parsed value (kept, so it is parsed once). */
function firstLineRecord(first: Buffer): { value: unknown } | null {
  // Only the first line is decoded: the head can be a whole read (256 KiB, or more when the first line is long).
  const nl = first.indexOf(0x0a);
  if (nl < 0) return null;
  let s = first.toString('utf8', 0, nl);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  // Leading blanks as the line reader skips them (space, tab); JSON.parse takes the JSON whitespace after.
  const line = s.replace(/^[ \t]+/, '');
  if (!line.startsWith('{')) return null;
  try {
    return { value: JSON.parse(line) as unknown };
  } catch {
    return null;
  }
}

/** State shared by both readers: turns record text into events, counts what is not a Windows event. */
class RecordSink {
  events: KahuEvent[] = [];
  notWindows = 0;
  firstNotWindows: { line: number; offset: number } | null = null;
  constructor(
    private readonly src: EvidenceSource,
    private readonly issues: IssueSink,
  ) {}

  /** The record's text, or its value when the caller parsed it already (`parsed`). */
  record(text: string, line: number, offset: number, index: number, parsed?: { value: unknown }): void {
    let obj: unknown;
    try {
      obj = parsed ? parsed.value : JSON.parse(text);
    } catch (err) {
      this.issues.report({
        code: 'bad-record',
        severity: 'warning',
        message: `invalid JSON (${(err as Error).message}): ${excerpt(text, 80)}`,
        location: { path: this.src.path, line, offset },
      });
      return;
    }
    const ev = windowsEventFromJson(obj, { evidenceId: this.src.id, path: this.src.path, locator: { line, offset, record: index } });
    if (ev === null) {
      this.notWindows++;
      this.firstNotWindows ??= { line, offset };
      return;
    }
    this.events.push(ev);
  }

  finish(): void {
    if (this.notWindows > 0 && this.firstNotWindows) {
      this.issues.report({
        code: 'bad-record',
        severity: 'warning',
        message: `${this.notWindows} JSON record(s) are not Windows events in a known layout (evtx_dump, OTRF, Winlogbeat/ECS, Velociraptor): skipped`,
        location: { path: this.src.path, ...this.firstNotWindows },
      });
    }
  }
}

/** Parses a JSON events file, yielding batches. Never throws for bad input. */
export async function* parseJsonEvents(src: EvidenceSource, issues: IssueSink): AsyncIterable<KahuEvent[]> {
  const sink = new RecordSink(src, issues);
  let index = 0;
  let lines: LineSplitter | null = null;
  let objects: JsonObjectSplitter | null = null;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const start = (head: Buffer): void => {
    // The first line, parsed to choose the reader, is not parsed a second time as the first record.
    let first = firstLineRecord(head);
    if (first) {
      lines = new LineSplitter(
        (buf, s, e, line, offset) => {
          // Blank lines between records are normal in JSON lines files.
          let a = s;
          while (a < e && (buf[a] === 0x20 || buf[a] === 0x09)) a++;
          if (a === e) return;
          if (line === 1 && first) sink.record('', line, offset, index++, first);
          else sink.record(buf.toString('utf8', a, e), line, offset, index++);
          first = null;
        },
        (o) =>
          issues.report({
            code: 'bad-record',
            severity: 'warning',
            message: `line of ${o.length} bytes: too long for a JSON record, skipped`,
            location: { path: src.path, line: o.line, offset: o.offset },
          }),
        64 * 1024 * 1024,
      );
    } else {
      objects = new JsonObjectSplitter(
        (r) => sink.record(r.bytes.toString('utf8'), r.line, r.offset, index++),
        (p) => issues.report({ code: 'bad-record', severity: 'warning', message: p.message, location: { path: src.path, line: p.line, offset: p.offset } }),
      );
    }
  };
  const feed = (chunk: Buffer): void => {
    if (lines) lines.push(chunk);
    else if (objects) objects.push(chunk);
  };
  try {
    for await (const chunk of src.open()) {
      if (!lines && !objects) {
        // Decide the reader once the first line is complete (or 1 MiB arrived without one: pretty JSON).
        pending.push(chunk);
        pendingBytes += chunk.length;
        const nl = chunk.indexOf(0x0a);
        if (nl < 0 && pendingBytes < 1 << 20) continue;
        const head = Buffer.concat(pending);
        start(head);
        feed(head);
        pending.length = 0;
        if (sink.events.length >= BATCH) {
          yield sink.events;
          sink.events = [];
        }
      } else {
        // Slices keep each batch small enough to be collected young (see iis/parser.ts).
        for (let i = 0; i < chunk.length; i += SLICE) {
          feed(chunk.length <= SLICE ? chunk : chunk.subarray(i, i + SLICE));
          if (sink.events.length >= BATCH) {
            yield sink.events;
            sink.events = [];
          }
        }
      }
    }
  } catch (err) {
    issues.report({ code: 'io', severity: 'error', message: `read failed: ${(err as Error).message}`, location: { path: src.path } });
  }
  if (!lines && !objects && pending.length > 0) {
    const head = Buffer.concat(pending);
    start(head);
    feed(head);
  }
  const l = lines as LineSplitter | null;
  const o = objects as JsonObjectSplitter | null;
  if (l) {
    const cutLine = l.lines + 1;
    const cutOffset = l.pending;
    const before = sink.events.length;
    const issuesBefore = sink.notWindows;
    if (l.end() && sink.events.length === before && sink.notWindows === issuesBefore) {
      // The unterminated last line did not parse: the file was cut inside its last record.
      issues.report({ code: 'truncated', severity: 'warning', message: 'last line is an incomplete JSON record: the file was cut', location: { path: src.path, line: cutLine, offset: cutOffset } });
    }
  }
  if (o) o.end();
  sink.finish();
  if (sink.events.length > 0) yield sink.events;
}

/** The JSON Windows events parser as registered in the evidence registry. */
export const jsonEventsParser: EvidenceParser = {
  format: 'json-events',
  detect: detectJsonEvents,
  parse: parseJsonEvents,
};
