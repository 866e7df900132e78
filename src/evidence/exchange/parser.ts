import type { IssueSink } from '../../core/index.js';
import type { EvidenceFormat, FieldValue, KahuEvent, SourceType } from '../../model/index.js';
import { isAscii } from 'node:buffer';
import { excerpt } from '../text/excerpt.js';
import { decodeRecord, LineEvent, RepeatedText, type LineLayout, type LineSource } from '../text/line-event.js';
import { LineSplitter } from '../text/lines.js';
import { compileRecordBuilder, type RecordBuilder } from '../text/record-builder.js';
import type { EvidenceParser, EvidenceSource } from '../types.js';
import { quoteCount, splitCsv } from './csv.js';

/**
 * Exchange Server's own CSV logs (HttpProxy, ECP Server/Activity, OAB generator, CmdletInfra Rps_Http,
 * Rps/LocalPowerShell cmdlet logs). All share one writer: directives `#Software`, `#Version`, `#Log-type`,
 * `#Date`, `#Fields` (comma-separated names), then RFC 4180 CSV records; newer builds also write the bare
 * field list as the file's first line. Records are read by the header's names, never by position, because
 * columns differ between builds (e.g. `RouteRefresherLatency` exists only in some). See docs/formats/exchange-logs.md.
 */

/** The Exchange log kinds Kahu reads, with their event source type. */
export type ExchangeKind = 'httpproxy' | 'ecp' | 'oab' | 'rps' | 'cmdlet';

const SOURCE: Record<ExchangeKind, SourceType> = {
  httpproxy: 'exchange.httpproxy',
  ecp: 'exchange.ecp',
  oab: 'exchange.oab',
  rps: 'exchange.rps',
  cmdlet: 'exchange.cmdlet',
};

const FORMAT: Record<ExchangeKind, EvidenceFormat> = {
  httpproxy: 'exchange-httpproxy',
  ecp: 'exchange-ecp',
  oab: 'exchange-oab',
  rps: 'exchange-rps',
  cmdlet: 'exchange-cmdlet',
};

/** Which kind a `#Log-type:` value names, or null. */
export function kindOfLogType(logType: string): ExchangeKind | null {
  const t = logType.trim().toLowerCase();
  if (t === 'httpproxy logs' || t.startsWith('httpproxy')) return 'httpproxy';
  if (t.startsWith('ecp ')) return 'ecp';
  if (t.includes('oab')) return 'oab';
  if (t === 'rps http logs' || (t.includes('rps') && t.includes('http'))) return 'rps';
  if (t.includes('cmdlet')) return 'cmdlet';
  return null;
}

/** Which kind a field list belongs to, for files without `#Log-type`. */
export function kindOfFields(names: readonly string[]): ExchangeKind | null {
  const has = (n: string): boolean => names.includes(n);
  if (has('AnchorMailbox') && has('UrlStem')) return 'httpproxy';
  if (has('CommandName') && has('ClientInfo')) return 'rps';
  if (has('Cmdlet') && has('Parameters')) return 'cmdlet';
  if (has('EventData') && has('ServerName') && has('EventId')) return 'ecp';
  return null;
}

/** Columns whose values become numbers when they are unsigned integers (status codes). */
const INT_COLUMNS = new Set(['HttpStatus', 'BackEndStatus', 'SubStatus']);
/** Columns with the record time, in order of preference. */
const TIME_COLUMNS = ['DateTime', 'TimeStamp', 'Timestamp', 'date-time'];
/** Columns with the logging server's name. */
const HOST_COLUMNS = ['ServerHostName', 'ServerName', 'Server'];

const HEADER_LINE = /^[A-Za-z][\w-]*(,[A-Za-z][\w-]*)+$/;

/** Status codes as numbers when they are unsigned integers; other text stays text. */
function statusValue(v: string): FieldValue {
  const n = v.length;
  if (n === 0 || n >= 10) return v;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return v;
    x = x * 10 + d;
  }
  return x;
}

/** Converter per column name (the same function for the same name, so builders can be shared). */
function converterFor(name: string): ((v: string) => FieldValue) | null {
  return INT_COLUMNS.has(name) ? statusValue : null;
}

/**
 * Record builders already generated, by field list. A scan meets thousands of logs with a handful of field
 * lists: compiling one per file cost a `new Function` each and kept every builder cold (interpreted) for the
 * few hundred records of a small log. Bounded, since field lists come from evidence.
 */
const builders = new Map<string, RecordBuilder>();

function builderFor(names: readonly string[]): RecordBuilder {
  const key = names.join('\n');
  let b = builders.get(key);
  if (b === undefined) {
    b = compileRecordBuilder(names, converterFor);
    if (builders.size >= 64) builders.clear();
    builders.set(key, b);
  }
  return b;
}

/** Reads a digit pair at `s[i, i+2)`, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch ms of an Exchange time column. The shape every Exchange writer uses (`2021-03-01T00:00:30.431Z`) is
 * read directly; anything else goes to `Date.parse` (UTC assumed when no zone), as before. The direct path
 * only takes values `Date.parse` reads identically (day <= 28, so no month-length question arises).
 */
export function exchangeTime(v: string): number {
  if (v.length === 24 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && v.charCodeAt(10) === 84 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 && v.charCodeAt(19) === 46 && v.charCodeAt(23) === 90) {
    const y1 = two(v, 0);
    const y2 = two(v, 2);
    const mo = two(v, 5);
    const d = two(v, 8);
    const h = two(v, 11);
    const mi = two(v, 14);
    const se = two(v, 17);
    const ms1 = two(v, 20);
    const ms2 = v.charCodeAt(22) - 48;
    // y1 >= 10: Date.UTC maps years 0-99 to 1900-1999, Date.parse does not.
    if (y1 >= 10 && y2 >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59 && ms1 >= 0 && ms2 >= 0 && ms2 <= 9) {
      return Date.UTC(y1 * 100 + y2, mo - 1, d, h, mi, se, ms1 * 10 + ms2);
    }
  }
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
}

/** The protocol folder of an HttpProxy log path (`.../HttpProxy/Ecp/HttpProxy_2021030105-1.LOG` → `Ecp`). */
export function protocolFromPath(path: string): string | null {
  const parts = path.split(/[\\/]|!\//);
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i - 1]!.toLowerCase() === 'httpproxy') return parts[i]!;
  }
  return null;
}

/** ECP EventData `S:CMD=...;S:URL=...`: the values of the keys named, split at `;<type>:<KEY>=`. */
export function ecpEventDataFields(data: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Split only where a new `T:KEY=` starts, so values with `;` inside (script, URLs) stay whole.
  for (const part of data.split(/;(?=[A-Za-z0-9]{1,4}:[A-Za-z0-9_.[\]-]{1,64}=)/)) {
    const m = /^([A-Za-z0-9]{1,4}):([A-Za-z0-9_.[\]-]{1,64})=([\s\S]*)$/.exec(part);
    if (m) out[m[2]!] = m[3]!;
  }
  return out;
}

const OAB_TEMP = /Download failed and temporary file (.*?) needs to be removed/;

/** Kahu-derived fields (docs/formats/exchange-logs.md): never overwrite a logged column. */
function enrich(kind: ExchangeKind, protocol: string | null, fields: Record<string, FieldValue>, text: string): void {
  switch (kind) {
    case 'httpproxy': {
      if ((fields.Protocol === undefined || fields.Protocol === '') && protocol) fields.Protocol = protocol;
      break;
    }
    case 'ecp': {
      const data = fields.EventData;
      if (typeof data === 'string') {
        const kv = ecpEventDataFields(data);
        if (kv.CMD !== undefined && fields.Cmd === undefined) fields.Cmd = kv.CMD;
        if (kv.URL !== undefined && fields.Url === undefined) fields.Url = kv.URL;
      }
      break;
    }
    case 'oab': {
      const m = OAB_TEMP.exec(text);
      if (m && fields.TemporaryFile === undefined) fields.TemporaryFile = m[1]!;
      break;
    }
    case 'rps':
    case 'cmdlet':
      break;
  }
}

/** Fields each kind derives (see enrich). */
const DERIVED: Record<ExchangeKind, readonly string[]> = { httpproxy: ['Protocol'], ecp: ['Cmd', 'Url'], oab: ['TemporaryFile'], rps: [], cmdlet: [] };

const QUOTE = 34;
const COMMA = 44;

/**
 * Finds the values of the CSV record `buf[start, end)` the way {@link splitCsv} reads its text, writing each
 * value's bounds to `bounds` (`[a, b]` pairs; a quoted value's bounds exclude its quotes and `quoted[k]` is 1).
 * Returns the value count, or -1 when the record is not plain (quoting damaged, more than `max` values): the
 * caller then takes the text path, which reports what is wrong. With `stop`, returns once `stop` values are found.
 */
function csvBounds(buf: Buffer, start: number, end: number, max: number, bounds: Int32Array, quoted: Uint8Array, stop = Infinity): number {
  let k = 0;
  let i = start;
  for (;;) {
    if (k >= stop) return k;
    if (k >= max) return -1;
    if (i < end && buf[i] === QUOTE) {
      let j = i + 1;
      let close = -1;
      while (j < end) {
        if (buf[j] !== QUOTE) {
          j++;
          continue;
        }
        if (j + 1 < end && buf[j + 1] === QUOTE) {
          j += 2;
          continue;
        }
        close = j;
        break;
      }
      // Unclosed, or text between the closing quote and the next comma: damaged quoting.
      if (close < 0 || (close + 1 < end && buf[close + 1] !== COMMA)) return -1;
      bounds[2 * k] = i + 1;
      bounds[2 * k + 1] = close;
      quoted[k++] = 1;
      if (close + 1 >= end) return k;
      i = close + 2;
    } else {
      let j = i;
      while (j < end && buf[j] !== COMMA) j++;
      bounds[2 * k] = i;
      bounds[2 * k + 1] = j;
      quoted[k++] = 0;
      if (j >= end) return k;
      i = j + 1;
    }
  }
}

/** The text of value `k` found by {@link csvBounds} (doubled quotes of a quoted value undone). */
function csvValue(buf: Buffer, bounds: Int32Array, quoted: Uint8Array, k: number, ascii: boolean): string {
  const v = decodeRecord(buf, bounds[2 * k]!, bounds[2 * k + 1]!, ascii);
  return quoted[k] === 1 && v.includes('""') ? v.replaceAll('""', '"') : v;
}

/** One field list of an Exchange log as a {@link LineLayout}: how its lazy events decode themselves. */
class ExchangeLayout implements LineLayout {
  /** Field name → column (the last column of a name wins, as in the builder). */
  private readonly column = new Map<string, number>();
  private readonly bounds: Int32Array;
  private readonly quoted: Uint8Array;
  /** The record whose values `bounds` holds, and how many were located. */
  private lastBuf: Buffer | null = null;
  private lastStart = -1;
  private lastFound = 0;

  constructor(
    private readonly names: readonly string[],
    private readonly builder: RecordBuilder,
    private readonly kind: ExchangeKind,
    private readonly protocol: string | null,
  ) {
    names.forEach((n, i) => this.column.set(n, i));
    this.bounds = new Int32Array(2 * names.length + 2);
    this.quoted = new Uint8Array(names.length + 1);
  }

  build(buf: Buffer, start: number, end: number, ascii: boolean): Record<string, FieldValue> {
    const text = decodeRecord(buf, start, end, ascii);
    const fields = this.builder(splitCsv(text).values);
    enrich(this.kind, this.protocol, fields, text);
    return fields;
  }

  valueAt(buf: Buffer, start: number, end: number, ascii: boolean, name: string): FieldValue | undefined {
    const i = this.column.get(name);
    // Derived fields (Protocol from the folder, ECP Cmd/Url, OAB TemporaryFile) come from the full build.
    if (DERIVED[this.kind].includes(name) && (i === undefined || name === 'Protocol')) return this.build(buf, start, end, ascii)[name];
    if (i === undefined) return undefined;
    // Several values of one record are often read in a row (the four build columns): locate its values once.
    let k = this.lastFound;
    if (buf !== this.lastBuf || start !== this.lastStart || k <= i) {
      k = csvBounds(buf, start, end, this.names.length + 1, this.bounds, this.quoted, Math.max(i + 1, 8));
      this.lastBuf = buf;
      this.lastStart = start;
      this.lastFound = k;
    }
    if (k <= i) return this.build(buf, start, end, ascii)[name];
    const v = csvValue(buf, this.bounds, this.quoted, i, ascii);
    return INT_COLUMNS.has(name) ? statusValue(v) : v;
  }
}

/** Parser state for one Exchange log. */
class ExchangeLogReader {
  events: KahuEvent[] = [];
  private names: string[] | null = null;
  private build: RecordBuilder | null = null;
  private headerText = '';
  private logType: string | null = null;
  private kind: ExchangeKind;
  private readonly protocol: string | null;
  /** A record whose quoted field runs over a line break: its text so far. */
  private open: { text: string; line: number; offset: number; quotes: number } | null = null;
  private orphans = 0;
  private lastBuf: Buffer | null = null;
  private lastAscii = false;
  /** Byte length of the header text (a bare header line repeated in the data is skipped). */
  private headerBytes = -1;
  /** Columns holding the time and the host, in order of preference. */
  private timeCols: number[] = [];
  private hostCols: number[] = [];
  private bounds = new Int32Array(0);
  private quoted = new Uint8Array(0);
  private layout: ExchangeLayout | null = null;
  private lineSource: LineSource | null = null;
  private readonly hosts = new RepeatedText();

  constructor(
    private readonly src: EvidenceSource,
    private readonly issues: IssueSink,
    kind: ExchangeKind,
  ) {
    this.kind = kind;
    this.protocol = protocolFromPath(src.path);
  }

  readonly onLine = (buf: Buffer, start: number, end: number, line: number, offset: number): void => {
    if (buf !== this.lastBuf) {
      // One SIMD pass per read chunk: pure-ASCII chunks decode as latin1 (exact for ASCII, twice as fast).
      this.lastBuf = buf;
      this.lastAscii = isAscii(buf);
    }
    const ascii = this.lastAscii;
    if (this.open) {
      // Inside a quoted field: the line break belongs to the value.
      const text = decodeRecord(buf, start, end, ascii);
      this.open.text += '\n' + text;
      this.open.quotes += quoteCount(text);
      if (this.open.quotes % 2 === 0) {
        const o = this.open;
        this.open = null;
        this.record(o.text, o.line, o.offset);
      } else if (this.open.text.length > 16 * 1024 * 1024) {
        this.bad(this.open.line, this.open.offset, 'unterminated quoted field over 16 MiB: record dropped', this.open.text);
        this.open = null;
      }
      return;
    }
    if (end === start) return;
    if (buf[start] === 35 /* # */) {
      this.directive(decodeRecord(buf, start, end, ascii));
      return;
    }
    if (this.names === null || end - start === this.headerBytes) {
      // Newer builds write the bare field list as the first line (before the directives).
      const text = decodeRecord(buf, start, end, ascii);
      if ((this.names === null || text === this.headerText) && HEADER_LINE.test(text) && TIME_COLUMNS.some((t) => text.includes(t))) {
        if (this.names === null) this.setFields(text);
        return;
      }
    }
    // Quote parity: an odd count leaves a quoted field open, so the record goes on after the line break.
    let q = 0;
    for (let i = buf.indexOf(QUOTE, start); i >= 0 && i < end; i = buf.indexOf(QUOTE, i + 1)) q++;
    if (q % 2 === 1) {
      this.open = { text: decodeRecord(buf, start, end, ascii), line, offset, quotes: q };
      return;
    }
    if (!this.lazy(buf, start, end, ascii, line, offset)) this.record(decodeRecord(buf, start, end, ascii), line, offset);
  };

  /**
   * A well-formed one-line record becomes a lazy event: its values are located (so the count is checked now)
   * and only the time and host are decoded. Returns false for anything else (no header yet, wrong count,
   * damaged quoting, no time), which the text path handles and reports.
   */
  private lazy(buf: Buffer, start: number, end: number, ascii: boolean, line: number, offset: number): boolean {
    const names = this.names;
    if (names === null || this.build === null) return false;
    const n = names.length;
    if (this.bounds.length < 2 * n + 2) {
      this.bounds = new Int32Array(2 * n + 2);
      this.quoted = new Uint8Array(n + 1);
    }
    const k = csvBounds(buf, start, end, n + 1, this.bounds, this.quoted);
    if (k !== n) return false;
    let time = NaN;
    for (const c of this.timeCols) {
      if (this.bounds[2 * c + 1]! === this.bounds[2 * c]!) continue;
      time = exchangeTime(csvValue(buf, this.bounds, this.quoted, c, ascii));
      break;
    }
    if (Number.isNaN(time)) return false;
    let host: string | null = null;
    for (const c of this.hostCols) {
      const a = this.bounds[2 * c]!;
      const b = this.bounds[2 * c + 1]!;
      if (b === a) continue;
      host = this.quoted[c] === 1 ? csvValue(buf, this.bounds, this.quoted, c, ascii) : this.hosts.at(buf, a, b, ascii);
      break;
    }
    this.layout ??= new ExchangeLayout(names, this.build, this.kind, this.protocol);
    this.lineSource ??= { id: this.src.id, path: this.src.path, extra: this.kind === 'httpproxy' && this.protocol ? this.protocol.toLowerCase() : '' };
    this.events.push(new LineEvent(time, host, SOURCE[this.kind], this.lineSource, this.layout, buf, start, end, ascii, line, offset));
    return true;
  }

  /** Flushes a record left open at the end of the file. Returns its location when there was one. */
  end(): { line: number; offset: number } | null {
    if (!this.open) return null;
    const o = this.open;
    this.open = null;
    return { line: o.line, offset: o.offset };
  }

  private directive(text: string): void {
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const key = text.slice(1, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (key === 'fields') this.setFields(value);
    else if (key === 'log-type') {
      this.logType = value;
      const k = kindOfLogType(value);
      if (k) this.kind = k;
      this.layout = null;
      this.lineSource = null;
    }
  }

  private setFields(spec: string): void {
    const names = spec.split(',').map((s) => s.trim());
    this.names = names;
    this.build = builderFor(names);
    this.headerText = spec;
    this.headerBytes = Buffer.byteLength(spec);
    // Preference order of TIME_COLUMNS / HOST_COLUMNS; the last column of a name is the one the builder keeps.
    this.timeCols = TIME_COLUMNS.map((c) => names.lastIndexOf(c)).filter((i) => i >= 0);
    this.hostCols = HOST_COLUMNS.map((c) => names.lastIndexOf(c)).filter((i) => i >= 0);
    this.layout = null;
    this.lineSource = null;
    if (this.logType === null) {
      const k = kindOfFields(names);
      if (k) this.kind = k;
    }
  }

  private record(text: string, line: number, offset: number): void {
    const names = this.names;
    const build = this.build;
    if (names === null || build === null) {
      if (this.orphans++ === 0) {
        this.bad(line, offset, 'record before any #Fields header: skipped (the column names are unknown)', text);
      }
      return;
    }
    const { values, malformed } = splitCsv(text);
    if (values.length !== names.length) {
      // Some builds append trailing empty columns; fewer values than names is a cut or foreign line.
      const extraEmpty = values.length > names.length && values.slice(names.length).every((v) => v === '');
      if (!extraEmpty) {
        this.bad(line, offset, `${values.length} values where #Fields declares ${names.length}`, text);
        return;
      }
    }
    if (malformed) this.bad(line, offset, 'CSV quoting damaged; values kept as read', text, 'info');
    const fields = build(values);
    let time: number | null = null;
    for (const c of TIME_COLUMNS) {
      const v = fields[c];
      if (typeof v === 'string' && v !== '') {
        const t = exchangeTime(v);
        if (!Number.isNaN(t)) time = t;
        break;
      }
    }
    if (time === null) {
      this.bad(line, offset, 'no readable time column (DateTime/TimeStamp): not a record', text);
      return;
    }
    let host: string | null = null;
    for (const c of HOST_COLUMNS) {
      const v = fields[c];
      if (typeof v === 'string' && v !== '') {
        host = v;
        break;
      }
    }
    enrich(this.kind, this.protocol, fields, text);
    this.events.push({
      time,
      host,
      source: SOURCE[this.kind],
      fields,
      prov: { evidenceId: this.src.id, path: this.src.path, locator: { line, offset } },
    });
  }

  private bad(line: number, offset: number, why: string, text: string, severity: 'warning' | 'info' = 'warning'): void {
    this.issues.report({
      code: 'bad-record',
      severity,
      message: `Exchange log record: ${why}: ${excerpt(text, 100)}`,
      location: { path: this.src.path, line, offset },
    });
  }
}

/** Reads the directives and field list from the head. */
function headInfo(head: Buffer): { logType: string | null; fields: string[] | null; software: boolean } {
  let s = head.toString('utf8', 0, Math.min(head.length, 16384));
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const lt = /^#Log-type:[ \t]*([^\r\n]*)/m.exec(s);
  const f = /^#Fields:[ \t]*([^\r\n]*)/m.exec(s);
  let fields = f ? f[1]!.split(',').map((x) => x.trim()) : null;
  if (!fields) {
    const first = s.split(/\r?\n/, 1)[0] ?? '';
    if (HEADER_LINE.test(first)) fields = first.split(',');
  }
  return { logType: lt ? lt[1]!.trim() : null, fields, software: /^#Software: Microsoft Exchange/m.test(s) };
}

let lastHead: Buffer | null = null;
let lastInfo: ReturnType<typeof headInfo> | null = null;

/** Detection score of an Exchange log of `kind`. */
export function detectExchange(kind: ExchangeKind, head: Buffer): number {
  // The five Exchange parsers are asked about the same head one after another: read it once.
  if (head !== lastHead) {
    lastInfo = headInfo(head);
    lastHead = head;
  }
  const info = lastInfo!;
  if (info.fields === null || info.fields.length < 3) return 0;
  const byType = info.logType ? kindOfLogType(info.logType) : null;
  if (byType !== null) return byType === kind ? 1 : 0;
  // No #Log-type: fall back to the field names (and accept it a little less surely).
  return kindOfFields(info.fields) === kind ? (info.software ? 0.95 : 0.85) : 0;
}

/** Parses one Exchange log, yielding batches. Never throws for bad input. */
export async function* parseExchangeLog(kind: ExchangeKind, src: EvidenceSource, issues: IssueSink): AsyncIterable<KahuEvent[]> {
  const r = new ExchangeLogReader(src, issues, kind);
  const splitter = new LineSplitter(r.onLine, (o) =>
    issues.report({
      code: 'bad-record',
      severity: 'warning',
      message: `line of ${o.length} bytes without a line break (binary data): skipped`,
      location: { path: src.path, line: o.line, offset: o.offset },
    }),
  );
  try {
    for await (const chunk of src.open()) {
      // Slices keep each batch small enough to be collected young (see iis/parser.ts).
      for (let i = 0; i < chunk.length; i += 64 * 1024) {
        splitter.push(chunk.length <= 64 * 1024 ? chunk : chunk.subarray(i, i + 64 * 1024));
        if (r.events.length >= 500) {
          yield r.events;
          r.events = [];
        }
      }
    }
  } catch (err) {
    issues.report({ code: 'io', severity: 'error', message: `read failed: ${(err as Error).message}`, location: { path: src.path } });
  }
  const cutLine = splitter.lines + 1;
  const cutOffset = splitter.pending;
  const n = r.events.length;
  const unterminated = splitter.end();
  const open = r.end();
  if (open) {
    issues.report({ code: 'truncated', severity: 'warning', message: 'file ends inside a quoted CSV field: the last record was cut and is not used', location: { path: src.path, ...open } });
  } else if (unterminated) {
    // Exchange ends every record with CRLF: a last line without one was cut while being written or copied.
    r.events.length = Math.min(r.events.length, n);
    issues.report({ code: 'truncated', severity: 'warning', message: 'last line has no line break: the file was cut there; the partial record was not used', location: { path: src.path, line: cutLine, offset: cutOffset } });
  }
  if (r.events.length > 0) yield r.events;
}

function parserFor(kind: ExchangeKind): EvidenceParser {
  return {
    format: FORMAT[kind],
    detect: (head) => detectExchange(kind, head),
    parse: (src, issues) => parseExchangeLog(kind, src, issues),
  };
}

/** HttpProxy logs (every protocol folder). */
export const httpProxyParser: EvidenceParser = parserFor('httpproxy');
/** ECP Server and ECP Activity logs. */
export const ecpParser: EvidenceParser = parserFor('ecp');
/** OAB generator logs. */
export const oabParser: EvidenceParser = parserFor('oab');
/** CmdletInfra Rps_Http logs. */
export const rpsParser: EvidenceParser = parserFor('rps');
/** Cmdlet logs (Rps_Cmdlet, LocalPowerShell Cmdlet). */
export const cmdletParser: EvidenceParser = parserFor('cmdlet');
/** All Exchange log parsers. */
export const exchangeParsers: EvidenceParser[] = [httpProxyParser, ecpParser, oabParser, rpsParser, cmdletParser];
