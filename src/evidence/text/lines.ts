/**
 * Byte-level line splitting for text logs. Works on Buffers (memchr through `indexOf`), keeps only the
 * unfinished tail of a chunk between calls, and reports each line as a byte range so parsers decode
 * only what they need. Memory stays bounded: a "line" longer than `maxLine` bytes (a run of NULs from
 * a crash-preallocated IIS log, a binary file misnamed `.log`) is reported once and skipped.
 */

/** A line handed to a parser: `buf[start, end)` without the line break (and without a trailing CR). */
export type LineHandler = (buf: Buffer, start: number, end: number, line: number, offset: number) => void;

/** Why a line was skipped by the splitter itself. */
export interface OversizeLine {
  line: number;
  offset: number;
  length: number;
}

const LF = 0x0a;

function isBomPrefix(b: Buffer): boolean {
  return (b.length < 1 || b[0] === 0xef) && (b.length < 2 || b[1] === 0xbb);
}
const CR = 0x0d;

/** Default cap on one line: 4 MiB is far above any real IIS/Exchange record. */
export const DEFAULT_MAX_LINE = 4 * 1024 * 1024;

/**
 * Splits a byte stream into lines. Call `push` with each chunk and `end` once; `onLine` runs synchronously
 * for every complete line. Handles LF and CRLF, a UTF-8 BOM at offset 0, and a last line without a break
 * (`end` returns whether there was one, so a parser can call it truncated).
 */
export class LineSplitter {
  /** Unfinished tail of the previous chunk(s). */
  private carry: Buffer | null = null;
  /** Further pieces of an unfinished line (joined once the line ends: no quadratic copying). */
  private more: Buffer[] = [];
  private moreBytes = 0;
  /** Absolute byte offset of the first byte of `carry` (or of the next chunk when no carry). */
  private base = 0;
  /** 1-based number of the next line to emit. */
  private lineNo = 1;
  /** Inside a line longer than the cap: skip bytes until the next LF. */
  private skipping: OversizeLine | null = null;
  private first = true;
  private head: Buffer | null = null;

  constructor(
    private readonly onLine: LineHandler,
    private readonly onOversize: (o: OversizeLine) => void = () => {},
    private readonly maxLine: number = DEFAULT_MAX_LINE,
  ) {}

  /** Bytes consumed so far. */
  get bytes(): number {
    return this.base + (this.carry?.length ?? 0) + this.moreBytes;
  }

  /** Offset of the first byte not yet emitted as a line (the start of the pending last line). */
  get pending(): number {
    return this.base;
  }

  /** Feeds one chunk. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    let pos = 0;
    if (this.first) {
      // The BOM may arrive split over tiny chunks: wait for 3 bytes before deciding.
      if (this.head) buf = Buffer.concat([this.head, buf]);
      if (buf.length < 3 && isBomPrefix(buf)) {
        this.head = Buffer.from(buf);
        return;
      }
      this.head = null;
      this.first = false;
      // UTF-8 BOM (EF BB BF) at the very start: not part of the first line.
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        pos = 3;
        this.base = 3;
      }
    }
    if (this.skipping) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        this.skipping.length += buf.length - pos;
        this.base += buf.length - pos;
        return;
      }
      this.skipping.length += nl - pos;
      this.onOversize(this.skipping);
      this.skipping = null;
      this.lineNo++;
      this.base += nl + 1 - pos;
      pos = nl + 1;
    } else if (this.carry) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        const pending = this.carry.length + this.moreBytes + buf.length - pos;
        if (pending > this.maxLine) {
          this.skipping = { line: this.lineNo, offset: this.base, length: pending };
          this.base += pending;
          this.carry = null;
          this.more = [];
          this.moreBytes = 0;
        } else {
          this.more.push(Buffer.from(buf.subarray(pos)));
          this.moreBytes += buf.length - pos;
        }
        return;
      }
      const joined = Buffer.concat([this.carry, ...this.more, buf.subarray(pos, nl)]);
      this.carry = null;
      this.more = [];
      this.moreBytes = 0;
      this.emit(joined, 0, joined.length);
      this.base += joined.length + 1;
      pos = nl + 1;
    }
    const len = buf.length;
    const handler = this.onLine;
    // Offsets of `buf` relative to the file: chunkBase + i.
    const chunkBase = this.base - pos;
    while (pos < len) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) break;
      let end = nl;
      if (end > pos && buf[end - 1] === CR) end--;
      handler(buf, pos, end, this.lineNo++, chunkBase + pos);
      pos = nl + 1;
    }
    this.base = chunkBase + pos;
    if (pos < len) {
      if (len - pos > this.maxLine) {
        this.skipping = { line: this.lineNo, offset: this.base, length: len - pos };
        this.base += len - pos;
      } else {
        // Copy: the caller may reuse its chunk buffer.
        this.carry = Buffer.from(buf.subarray(pos));
      }
    }
  }

  /** Flushes the last line. Returns true when the input did not end with a line break (the last line may be cut), false when it did or when the tail was an over-long line (reported on its own). */
  end(): boolean {
    if (this.head) {
      // Fewer than 3 bytes in the whole input, all a BOM prefix: they are content.
      const h = this.head;
      this.head = null;
      this.first = false;
      this.carry = h;
    }
    if (this.skipping) {
      // Already reported as over-long; not a cut record.
      this.onOversize(this.skipping);
      this.skipping = null;
      return false;
    }
    if (this.carry && this.carry.length + this.moreBytes > 0) {
      const c = this.more.length > 0 ? Buffer.concat([this.carry, ...this.more]) : this.carry;
      this.carry = null;
      this.more = [];
      this.moreBytes = 0;
      this.emit(c, 0, c.length);
      this.base += c.length;
      return true;
    }
    return false;
  }

  /** Number of lines seen so far (the last emitted line's number). */
  get lines(): number {
    return this.lineNo - 1;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    this.onLine(buf, start, e, this.lineNo++, this.base);
  }
}
