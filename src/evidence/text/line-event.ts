import type { FieldValue, KahuEvent, Provenance, RawRecord, SourceType } from '../../model/index.js';

/**
 * Lazy events for text logs (IIS W3C, Exchange CSV). A parser reads what every consumer needs at once — the
 * record's bounds, its value count (so bad records are still reported at parse time), its time and host — and
 * leaves the values in the read buffer. `fields` is built on first access, `field(name)` decodes one value, and
 * `raw` lets a rule index rule the record out from its bytes. Most records of a server's logs match no rule and
 * are never decoded: decoding every value of every record was most of a scan's cost (ADR 0009).
 *
 * Once `fields` is built the read buffer is released, so an event kept for later (a correlation window, a
 * finding) holds its values, not the 64–256 KiB read it came from.
 */

/** How a log's records become fields: one per header block (`#Fields` of IIS, the CSV header of Exchange). */
export interface LineLayout {
  /** Builds all fields of the record `buf[start, end)`. */
  build(buf: Buffer, start: number, end: number, ascii: boolean): Record<string, FieldValue>;
  /** One field's value from the record, or undefined when the layout has no such field. */
  valueAt(buf: Buffer, start: number, end: number, ascii: boolean, name: string): FieldValue | undefined;
}

/** The file a record came from (shared by all its events). */
export interface LineSource {
  readonly id: string;
  readonly path: string;
  /** See {@link RawRecord.extra}. */
  readonly extra: string;
}

/** A text-log record as a {@link KahuEvent}, decoded on demand. */
export class LineEvent implements RawRecord {
  private f: Record<string, FieldValue> | null = null;
  private p: Provenance | null = null;
  /** The read buffer; null once `fields` is built. */
  private b: Buffer | null;

  constructor(
    readonly time: number | null,
    readonly host: string | null,
    readonly source: SourceType,
    private readonly src: LineSource,
    private readonly layout: LineLayout,
    buf: Buffer,
    readonly start: number,
    readonly end: number,
    /** Whether the record's bytes are all ASCII (then latin1 decoding is exact and faster). */
    readonly ascii: boolean,
    private readonly line: number,
    private readonly offset: number,
  ) {
    this.b = buf;
  }

  /** The record's read buffer (see {@link RawRecord}); only valid while `raw` is not null. */
  get buf(): Buffer {
    return this.b!;
  }

  /** See {@link RawRecord.extra}. */
  get extra(): string {
    return this.src.extra;
  }

  /** The record's bytes, until `fields` has been built. */
  get raw(): RawRecord | null {
    return this.b === null ? null : this;
  }

  /** Provenance, made on first use (most events are never reported). */
  get prov(): Provenance {
    return (this.p ??= { evidenceId: this.src.id, path: this.src.path, locator: { line: this.line, offset: this.offset } });
  }

  /** All fields, built on first access; the read buffer is released then. */
  get fields(): Record<string, FieldValue> {
    if (this.f === null) {
      this.f = this.layout.build(this.b!, this.start, this.end, this.ascii);
      this.b = null;
    }
    return this.f;
  }

  /** One field's value, without building the others. */
  field(name: string): FieldValue | undefined {
    if (this.f !== null) return this.f[name];
    return this.layout.valueAt(this.b!, this.start, this.end, this.ascii, name);
  }

  /** The plain event (what `JSON.stringify` and structured copies should see). */
  toJSON(): KahuEvent {
    return { time: this.time, host: this.host, source: this.source, fields: this.fields, prov: this.prov };
  }
}

/** Internal Buffer methods that skip `toString`'s argument checks (stable in Node since v0.x). */
interface FastBuffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** `buf[start, end)` as text: latin1 when the bytes are known to be ASCII (exact, and twice as fast), else UTF-8. */
export function decodeRecord(buf: Buffer, start: number, end: number, ascii: boolean): string {
  const fb = buf as unknown as FastBuffer;
  return ascii ? fb.latin1Slice(start, end) : fb.utf8Slice(start, end);
}

/**
 * A one-slot cache for a value that repeats on every line (the server name of a log): the bytes are compared in
 * place and the previous string is reused, so the common case allocates nothing.
 */
export class RepeatedText {
  private bytes: Buffer | null = null;
  private text = '';

  constructor(private readonly decode: (v: string) => string = (v) => v) {}

  /** The (decoded) text of `buf[a, b)`. */
  at(buf: Buffer, a: number, b: number, ascii: boolean): string {
    const last = this.bytes;
    if (last !== null && last.length === b - a) {
      let i = 0;
      while (i < last.length && last[i] === buf[a + i]) i++;
      if (i === last.length) return this.text;
    }
    this.bytes = Buffer.from(buf.subarray(a, b));
    this.text = this.decode(decodeRecord(buf, a, b, ascii));
    return this.text;
  }
}
