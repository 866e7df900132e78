import { isAscii } from 'node:buffer';
import type { IssueSink } from '../../core/index.js';
import type { FieldValue, KahuEvent } from '../../model/index.js';
import { excerpt } from '../text/excerpt.js';
import { decodeRecord, LineEvent, RepeatedText, type LineLayout, type LineSource } from '../text/line-event.js';
import { LineSplitter } from '../text/lines.js';
import type { EvidenceParser, EvidenceSource } from '../types.js';
import { ALIASES, eventFieldName, fieldKind, type FieldKind } from './fields.js';

/**
 * IIS / HTTP.sys W3C extended log parser (W3C Working Draft WD-logfile-960323; IIS's dialect): directive
 * lines start with `#` (`#Software`, `#Version`, `#Date`, `#Fields`), data lines are space-separated values
 * in the order of the latest `#Fields`, `-` means "no value", times are UTC. The field set may change at any
 * `#Fields` line (IIS writes a new header block when logging settings change or the service restarts).
 */

/** Events per yielded batch (a batch can exceed this by one read chunk's worth of lines). */
const BATCH = 1000;
/** Bytes handed to the line splitter at a time. */
const SLICE = 64 * 1024;

/** One `#Fields` header block, compiled once and reused for every data line under it. */
interface Block {
  names: string[];
  /** How each column's text becomes a value. */
  kinds: FieldKind[];
  n: number;
  dateIdx: number;
  timeIdx: number;
  hostIdx: number;
  /** `#Date` of the block, used for the day when the fields carry only `time`. */
  headerDay: number | null;
  /** Builds the fields object of one data line from its text and the start offsets of its values. */
  build: (
    s: string,
    o: Int32Array,
    day: string,
    int: (s: string, a: number, b: number) => FieldValue,
    ext: (s: string, a: number, b: number, intern: Interner) => string,
    interners: Interner[],
    plus: (v: string) => string,
  ) => Record<string, FieldValue>;
  /** One string cache per interned column. */
  interners: Interner[];
}

const DIGIT0 = 48;

/** Returns the (decoded) value of `s[a, b)`, reusing the string made for an equal earlier value. */
export type Interner = (s: string, a: number, b: number) => string;

/**
 * Columns whose values repeat from line to line (server address, method, stem, user, client address, user
 * agent...). Their strings are interned through a small direct-mapped cache: a hit costs one in-place
 * comparison and allocates nothing, which removes most of the per-line garbage (and, for `+`-decoded
 * columns, the decoding). Unique-per-line columns (time, query, cookie) are not worth it.
 */
const INTERNED = new Set(['s-ip', 'cs-method', 'cs-uri-stem', 'cs-username', 'c-ip', 'cs-user-agent', 'cs-referer', 's-sitename', 's-computername', 'cs-host', 'cs-version']);

/** A direct-mapped string cache of `size` slots (power of two), keyed by length and three characters. */
export function makeInterner(decode: ((v: string) => string) | null, size = 64): Interner {
  // Empty slots hold null, never a string a value could equal.
  const raws: Array<string | null> = new Array<string | null>(size).fill(null);
  const vals: string[] = new Array<string>(size).fill('');
  const mask = size - 1;
  return (s, a, b) => {
    const len = b - a;
    const h = (len * 31 + s.charCodeAt(a) * 7 + s.charCodeAt(b - 1) * 3 + s.charCodeAt(a + (len >> 1))) & mask;
    const r = raws[h];
    if (r !== undefined && r !== null && r.length === len && s.startsWith(r, a)) return vals[h]!;
    const raw = s.slice(a, b);
    const v = decode === null ? raw : decode(raw);
    raws[h] = raw;
    vals[h] = v;
    return v;
  };
}

/** Decodes IIS's `+`-for-space. */
function plusToSpace(v: string): string {
  return v.indexOf('+') < 0 ? v : v.replaceAll('+', ' ');
}

/** `s[a, b)` as a number when it is an unsigned decimal; anything else stays text (never guessed). */
function intAt(s: string, a: number, b: number): FieldValue {
  if (b - a > 15 || b <= a) return s.slice(a, b);
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return s.slice(a, b);
    v = v * 10 + d;
  }
  return v;
}

/** The extension of the URI stem `s[a, b)` (`/a/b.aspx` → `aspx`), '' when none; Sigma's `c-uri-extension`. */
function extensionAt(s: string, a: number, b: number, intern: Interner): string {
  for (let i = b - 1; i >= a; i--) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */) return '';
    if (c === 46 /* . */) return i === b - 1 ? '' : intern(s, i + 1, b);
  }
  return '';
}

/** A property key for generated code: always a quoted string literal, computed for `__proto__`. */
function key(name: string): string {
  const q = JSON.stringify(name);
  return name === '__proto__' ? `[${q}]` : q;
}

/**
 * Compiles a `#Fields:` directive. The per-line builder is generated code: one object literal with the
 * block's field names, so every event of the block gets the same hidden class and no per-field dispatch
 * runs (this is what makes the parser several times faster than a loop over names). Field names come from
 * the file (attacker-controlled) and enter the code only as JSON string literals.
 */
export function compileFields(spec: string, headerDay: number | null): Block {
  const w3c = spec.split(/[ \t]+/).filter((s) => s.length > 0);
  const cacheKey = w3c.join(' ');
  let c = compiled.get(cacheKey);
  if (c === undefined) {
    c = generateBuilder(w3c);
    // Bounded: field lists come from evidence, and a hostile file could write a new one on every line.
    if (compiled.size >= 64) compiled.clear();
    compiled.set(cacheKey, c);
  }
  const names = c.names;
  return {
    names,
    kinds: c.kinds,
    n: names.length,
    dateIdx: names.indexOf('date'),
    timeIdx: names.indexOf('time'),
    hostIdx: names.indexOf('s-computername'),
    headerDay,
    build: c.build,
    // Fresh caches per block: what one file's values were never leaks into another's.
    interners: c.interners.map(([decode, size]) => makeInterner(decode, size)),
  };
}

/** A generated builder and what each block using it needs: the names and the interners' shapes. */
interface CompiledFields {
  names: string[];
  kinds: FieldKind[];
  build: Block['build'];
  interners: Array<[((v: string) => string) | null, number]>;
}

/**
 * Builders already generated, by field list. Thousands of files share a handful of field lists; compiling each
 * file's builder anew cost a `new Function` per file and, worse, left every builder cold (interpreted) for its
 * first few thousand lines, and gave each file's events their own hidden class (so downstream inline caches
 * went megamorphic). Measured on a 100 MB Exchange tree.
 */
const compiled = new Map<string, CompiledFields>();

function generateBuilder(w3c: string[]): CompiledFields {
  const names = w3c.map(eventFieldName);
  const kinds = names.map((n, i) => fieldKind(n, w3c[i]!));
  const lines: string[] = ['"use strict";'];
  const interners: CompiledFields['interners'] = [];
  for (let i = 0; i < names.length; i++) {
    lines.push(`const a${i} = o[${i}], b${i} = o[${i + 1}] - 1;`);
    if (INTERNED.has(names[i]!) && (kinds[i] === 'text' || kinds[i] === 'plus')) {
      interners.push([kinds[i] === 'plus' ? plusToSpace : null, 64]);
      lines.push(`const v${i} = (b${i} - a${i} === 1 && s.charCodeAt(a${i}) === 45) ? null : I[${interners.length - 1}](s, a${i}, b${i});`);
      continue;
    }
    const dash = `(b${i} - a${i} === 1 && s.charCodeAt(a${i}) === 45)`;
    switch (kinds[i]!) {
      case 'int':
        // Digits are read in place: no substring unless the value is not a number.
        lines.push(`const v${i} = ${dash} ? null : int(s, a${i}, b${i});`);
        break;
      case 'date':
        // The caller has just compared this value with its cached day string: reuse that string.
        lines.push(`const v${i} = ${dash} ? null : day;`);
        break;
      case 'plus':
        lines.push(`const v${i} = ${dash} ? null : plus(s.slice(a${i}, b${i}));`);
        break;
      case 'time':
        // Consecutive lines mostly share their second: a one-slot cache.
        interners.push([null, 1]);
        lines.push(`const v${i} = ${dash} ? null : I[${interners.length - 1}](s, a${i}, b${i});`);
        break;
      case 'text':
        lines.push(`const v${i} = ${dash} ? null : s.slice(a${i}, b${i});`);
        break;
    }
  }
  const props = names.map((n, i) => `${key(n)}: v${i}`);
  // Later duplicates of a name win, as with a loop; Sigma proxy-taxonomy aliases (docs/formats/iis.md).
  const stem = names.lastIndexOf('cs-uri-stem');
  const query = names.lastIndexOf('cs-uri-query');
  const ua = names.lastIndexOf('cs-user-agent');
  if (stem >= 0 || query >= 0) {
    const st = stem >= 0 ? `v${stem}` : 'null';
    const qu = query >= 0 ? `v${query}` : 'null';
    lines.push(`const uri = ${qu} === null ? ${st} : (${st} === null ? '' : ${st}) + '?' + ${qu};`);
    props.push(`${key(ALIASES[0])}: uri`, `${key(ALIASES[1])}: uri`, `${key(ALIASES[2])}: ${st}`, `${key(ALIASES[3])}: ${qu}`);
    interners.push([null, 16]);
    props.push(`${key(ALIASES[5])}: ${st} === null ? null : ext(s, a${stem}, b${stem}, I[${interners.length - 1}])`);
  }
  if (ua >= 0) props.push(`${key(ALIASES[4])}: v${ua}`);
  lines.push(`return { ${props.join(', ')} };`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const build = new Function('s', 'o', 'day', 'int', 'ext', 'I', 'plus', lines.join('\n')) as Block['build'];
  return { names, kinds, build, interners };
}

const SP = 32;
const DASH = 45;

/** `YYYY-MM-DD` at `buf[a, b)` as the number yyyymmdd (a cache key; `dayOf` gives its epoch), or -1. */
function ymdAt(buf: Buffer, a: number, b: number): number {
  if (b - a !== 10 || buf[a + 4] !== DASH || buf[a + 7] !== DASH) return -1;
  const y = digitsAtB(buf, a, 4);
  const mo = digitsAtB(buf, a + 5, 2);
  const d = digitsAtB(buf, a + 8, 2);
  return y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 ? -1 : y * 10000 + mo * 100 + d;
}

/** Epoch ms of 00:00 UTC of a yyyymmdd number from `ymdAt`. */
function dayOf(ymd: number): number {
  return Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100);
}

/** `buf[a, a+count)` as a decimal number, or -1 when a byte is not a digit. */
function digitsAtB(buf: Buffer, a: number, count: number): number {
  let v = 0;
  for (let i = a; i < a + count; i++) {
    const d = buf[i]! - DIGIT0;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `HH:MM:SS` (optionally `.fff`) at `buf[a, b)` → ms since midnight, or -1. */
function timeOfDayAt(buf: Buffer, a: number, b: number): number {
  const len = b - a;
  if (len < 8 || buf[a + 2] !== 58 || buf[a + 5] !== 58) return -1;
  const h = digitsAtB(buf, a, 2);
  const mi = digitsAtB(buf, a + 3, 2);
  const se = digitsAtB(buf, a + 6, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return -1;
  let ms = 0;
  if (len > 8) {
    if (buf[a + 8] !== 46 || len === 9) return -1;
    const digits = Math.min(3, len - 9);
    const f = digitsAtB(buf, a + 9, digits);
    if (f < 0) return -1;
    ms = digits === 1 ? f * 100 : digits === 2 ? f * 10 : f;
  }
  return ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

/**
 * Splits a data line's text at its spaces into `o` (value start offsets, `o[n] = length + 1`). Returns the text
 * without the one trailing space some shippers add, or null when the value count is not `n`.
 */
function splitLine(text0: string, n: number, o: Int32Array): string | null {
  let text = text0;
  let k = 0;
  let q = 0;
  o[k++] = 0;
  while (k <= n) {
    const sp = text.indexOf(' ', q);
    if (sp < 0) break;
    o[k++] = sp + 1;
    q = sp + 1;
  }
  if (k === n + 1 && o[n] === text.length) {
    k = n;
    text = text.slice(0, -1);
  }
  if (k !== n) return null;
  o[k] = text.length + 1;
  return text;
}

/** The fields of one `#Fields` block as a {@link LineLayout}: how a lazy event of the block decodes itself. */
class IisLayout implements LineLayout {
  private readonly offs: Int32Array;
  /** Event field name → column (the last column of a name wins, as in the builder). */
  private readonly column = new Map<string, number>();

  constructor(private readonly block: Block) {
    this.offs = new Int32Array(block.n + 2);
    block.names.forEach((name, i) => this.column.set(name, i));
  }

  build(buf: Buffer, start: number, end: number, ascii: boolean): Record<string, FieldValue> {
    const b = this.block;
    const o = this.offs;
    // The parser checked the value count; a record that still fails (cannot happen for bytes it validated)
    // yields no fields rather than misaligned ones.
    const text = splitLine(decodeRecord(buf, start, end, ascii), b.n, o);
    if (text === null) return {};
    const day = b.dateIdx >= 0 ? text.slice(o[b.dateIdx], o[b.dateIdx + 1]! - 1) : '';
    return b.build(text, o, day, intAt, extensionAt, b.interners, plusToSpace);
  }

  valueAt(buf: Buffer, start: number, end: number, ascii: boolean, name: string): FieldValue | undefined {
    const i = this.column.get(name);
    // Derived names (c-uri and the other aliases) come from the builder.
    if (i === undefined) return (ALIASES as readonly string[]).includes(name) ? this.build(buf, start, end, ascii)[name] : undefined;
    let a = start;
    for (let k = 0; k < i; k++) {
      const sp = buf.indexOf(SP, a);
      if (sp < 0 || sp >= end) return undefined;
      a = sp + 1;
    }
    let b = buf.indexOf(SP, a);
    if (b < 0 || b > end) b = end;
    if (b - a === 1 && buf[a] === DASH) return null;
    const v = decodeRecord(buf, a, b, ascii);
    switch (this.block.kinds[i]!) {
      case 'int':
        return intAt(v, 0, v.length);
      case 'plus':
        return plusToSpace(v);
      case 'date':
      case 'time':
      case 'text':
        return v;
    }
  }
}

/** Parser state for one file: the current header block and the outcome of each line. */
export class IisLineParser {
  block: Block | null = null;
  private layout: IisLayout | null = null;
  headerDay: number | null = null;
  events: KahuEvent[] = [];
  /** Data lines seen before any `#Fields` line (reported once, with the first line number). */
  private orphanLines = 0;
  /** The last date seen (as yyyymmdd) and its epoch ms: consecutive lines nearly always share their day. */
  private lastYmd = -1;
  private lastDay = -1;
  /** Host names repeat on every line. */
  private readonly hosts = new RepeatedText(plusToSpace);
  private lastBuf: Buffer | null = null;
  private lastAscii = false;
  private readonly src: LineSource;
  /** Start offsets of the values of the current line (see onLine). */
  private offs = new Int32Array(64);
  /** The current chunk as 32-bit words from its first aligned byte, and that byte's index. */
  private u32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private wbase = 0;

  constructor(
    src: { id: string; path: string },
    private readonly issues: IssueSink,
  ) {
    this.src = { id: src.id, path: src.path, extra: '' };
  }

  /**
   * Handles one line given as bytes. A data line is checked (value count, date and time) and becomes a lazy
   * event: its values stay in the read buffer until something reads them.
   */
  readonly onLine = (buf: Buffer, start: number, end: number, line: number, offset: number): void => {
    if (end === start) {
      if (this.block !== null) this.blank(line, offset);
      return;
    }
    if (buf !== this.lastBuf) {
      // One SIMD pass per read chunk: pure-ASCII chunks decode as latin1 (2x faster than UTF-8).
      this.lastBuf = buf;
      this.lastAscii = isAscii(buf);
      // A word view of the chunk from its first 4-byte-aligned byte (`wbase` is that byte's index in `buf`).
      this.wbase = (4 - (buf.byteOffset & 3)) & 3;
      this.u32 = new Uint32Array(buf.buffer, buf.byteOffset + this.wbase, Math.max(0, (buf.length - this.wbase) >> 2));
    }
    const ascii = this.lastAscii;
    if (buf[start] === 35 /* # */) {
      this.directive(decodeRecord(buf, start, end, ascii));
      return;
    }
    const block = this.block;
    if (block === null) {
      this.orphan(decodeRecord(buf, start, end, ascii), line, offset);
      return;
    }
    // Value starts: o[k] is the offset of value k (o[n] = one past the end + 1). A plain store per space keeps
    // the loop tight; the columns the parser reads now are picked out afterwards.
    const n = block.n;
    let o = this.offs;
    if (o.length < n + 8) o = this.offs = new Int32Array(n + 8);
    o[0] = start;
    let k = 1;
    // Four bytes at a time where the buffer allows (a word without a space byte is skipped with one test: the
    // zero-byte test of `word ^ 0x20202020`); bytes one by one at the unaligned ends.
    const u32 = this.u32;
    const wbase = this.wbase;
    let i = start;
    for (; i < end && ((i - wbase) & 3) !== 0; i++) if (buf[i] === SP) o[k++] = i + 1;
    const wend = (end - wbase) >> 2;
    // Up to n + 1 values are located: one more than declared tells a trailing space from an extra value.
    for (let w = (i - wbase) >> 2; w < wend && k <= n + 1; w++) {
      const x = u32[w]! ^ 0x20202020;
      if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
      const bi = wbase + (w << 2);
      if (buf[bi] === SP) o[k++] = bi + 1;
      if (buf[bi + 1] === SP) o[k++] = bi + 2;
      if (buf[bi + 2] === SP) o[k++] = bi + 3;
      if (buf[bi + 3] === SP) o[k++] = bi + 4;
    }
    for (i = Math.max(i, wbase + 4 * wend); i < end && k <= n + 1; i++) if (buf[i] === SP) o[k++] = i + 1;
    let e = end;
    // One trailing space (some log shippers add it) is not an extra empty value.
    if (k === n + 1 && buf[end - 1] === SP) {
      k = n;
      e = end - 1;
    }
    if (k !== n) {
      const text = decodeRecord(buf, start, end, ascii);
      // A whitespace-only line (hand-edited samples have them) carries no record.
      if (text.trim() === '') this.blank(line, offset);
      else this.badLine(text, line, offset, `${k > n ? `more than ${n}` : String(k)} values where #Fields declares ${n}`);
      return;
    }
    o[n] = e + 1;
    const di = block.dateIdx;
    const ti = block.timeIdx;
    const hi = block.hostIdx;
    const dA = di >= 0 ? o[di]! : -1;
    const dB = di >= 0 ? o[di + 1]! - 1 : -1;
    const tA = ti >= 0 ? o[ti]! : -1;
    const tB = ti >= 0 ? o[ti + 1]! - 1 : -1;
    let time: number | null = null;
    if (ti >= 0) {
      let day = block.headerDay ?? -1;
      if (di >= 0) {
        // Consecutive lines nearly always share their day: its epoch is computed when the date changes.
        const ymd = ymdAt(buf, dA, dB);
        if (ymd !== this.lastYmd) {
          this.lastYmd = ymd;
          this.lastDay = ymd < 0 ? -1 : dayOf(ymd);
        }
        day = this.lastDay;
      }
      const tod = timeOfDayAt(buf, tA, tB);
      if (tod < 0 || day < 0) {
        this.badLine(decodeRecord(buf, start, end, ascii), line, offset, 'date/time not in W3C form (YYYY-MM-DD HH:MM:SS)');
        return;
      }
      time = day + tod;
    }
    const host = hi >= 0 ? this.hostAt(buf, o[hi]!, o[hi + 1]! - 1, ascii) : null;
    this.events.push(new LineEvent(time, host, 'webserver.iis', this.src, this.layout!, buf, start, e, ascii, line, offset));
  };

  /** The host value at `buf[a, b)` (`-` = none), reusing the previous line's string when the bytes are equal. */
  private hostAt(buf: Buffer, a: number, b: number, ascii: boolean): string | null {
    return b - a === 1 && buf[a] === DASH ? null : this.hosts.at(buf, a, b, ascii);
  }

  /** A data line before any `#Fields` (the field order is unknown). */
  private orphan(text: string, line: number, offset: number): void {
    if (text.trim() === '') return;
    if (this.orphanLines++ === 0) {
      this.issues.report({
        code: 'bad-record',
        severity: 'warning',
        message: 'data line before any #Fields header: skipped (the field order is unknown)',
        location: { path: this.src.path, line, offset },
      });
    }
  }

  /** A blank line among records (hand-edited samples have them): no record, noted so counts add up. */
  private blank(line: number, offset: number): void {
    this.issues.report({
      code: 'bad-record',
      severity: 'info',
      message: 'blank line in the data section: no record',
      location: { path: this.src.path, line, offset },
    });
  }

  /** A data line the parser cannot read: reported with a short, control-free excerpt. */
  private badLine(text: string, line: number, offset: number, why: string): void {
    this.issues.report({
      code: 'bad-record',
      severity: 'warning',
      message: `unreadable IIS log line (${why}): ${excerpt(text)}`,
      location: { path: this.src.path, line, offset },
    });
  }

  private directive(text: string): void {
    if (text.startsWith('#Fields:')) {
      this.block = compileFields(text.slice(8).trim(), this.headerDay);
      this.layout = new IisLayout(this.block);
    } else if (text.startsWith('#Date:')) {
      // `#Date: 2019-09-03 10:04:35` – the block's start; the day is used when the data has `time` only.
      const ymd = ymdAt(Buffer.from(text.slice(6).trim().slice(0, 10), 'latin1'), 0, 10);
      this.headerDay = ymd < 0 ? null : dayOf(ymd);
    }
    // `#Software` starts a new header block, but the previous #Fields stays in force until the block's own
    // #Fields arrives: a block cut after `#Software` (crash while writing the header) must not orphan the
    // rest of the file. A changed field set is caught by the value count of each line.
    // Other directives (#Version, #Remark, #Start-Date, #End-Date) and free comments carry no records.
  }
}


/** Reads one IIS W3C log, yielding batches of events. Never throws for bad input. */
export async function* parseIisLog(src: EvidenceSource, issues: IssueSink): AsyncIterable<KahuEvent[]> {
  const p = new IisLineParser(src, issues);
  const splitter = new LineSplitter(p.onLine, (o) =>
    issues.report({
      code: 'bad-record',
      severity: 'warning',
      message: `line of ${o.length} bytes without a line break (binary data or NUL padding): skipped`,
      location: { path: src.path, line: o.line, offset: o.offset },
    }),
  );
  try {
    for await (const chunk of src.open()) {
      // Parse big reads in slices and hand over batches between them: a batch stays small enough to die
      // young (scavenged, never promoted), which is most of the difference in GC time.
      for (let i = 0; i < chunk.length; i += SLICE) {
        splitter.push(i === 0 && chunk.length <= SLICE ? chunk : chunk.subarray(i, i + SLICE));
        if (p.events.length >= BATCH) {
          yield p.events;
          p.events = [];
        }
      }
    }
  } catch (err) {
    issues.report({
      code: 'io',
      severity: 'error',
      message: `read failed after ${splitter.bytes} bytes: ${(err as Error).message}`,
      location: { path: src.path, offset: splitter.bytes },
    });
  }
  const cutLine = splitter.lines + 1;
  const cutOffset = splitter.pending;
  const n = p.events.length;
  if (splitter.end()) {
    // IIS ends every record with CRLF, so a last line without one was cut (copied while IIS wrote it, carved,
    // truncated transfer). Its final value may be short (status `20` for `200`), so it does not become an event.
    p.events.length = Math.min(p.events.length, n);
    issues.report({
      code: 'truncated',
      severity: 'warning',
      message: 'last line has no line break: the file was cut there; the partial record was not used',
      location: { path: src.path, line: cutLine, offset: cutOffset },
    });
  }
  if (p.events.length > 0) yield p.events;
}

/** Detection: a W3C directive at the start, with `#Fields:` in the head. */
export function detectIis(head: Buffer, _name: string): number {
  let s = head.toString('latin1', 0, Math.min(head.length, 8192));
  if (s.charCodeAt(0) === 0xef && s.charCodeAt(1) === 0xbb && s.charCodeAt(2) === 0xbf) s = s.slice(3);
  if (!s.startsWith('#')) return 0;
  const fields = /^#Fields:[ \t]*([^\r\n]*)/m.exec(s);
  if (!fields) return /^#Software: Microsoft Internet Information Services/m.test(s) ? 0.5 : 0;
  const spec = fields[1]!;
  // Exchange logs also use `#Fields:` but separate names with commas.
  if (spec.includes(',')) return 0;
  const hasW3c = /(^| )(date|time|cs-method|cs-uri-stem|c-ip|sc-status)( |$)/.test(spec);
  if (!hasW3c) return 0;
  return /^#Software: Microsoft (Internet Information Services|HTTP)/m.test(s) ? 1 : 0.9;
}

/** The IIS W3C parser as registered in the evidence registry. */
export const iisParser: EvidenceParser = {
  format: 'iis-w3c',
  detect: detectIis,
  parse: parseIisLog,
};
