/**
 * A streaming splitter for JSON documents that hold many records: concatenated (pretty-printed) objects,
 * or one top-level array of objects (RFC 8259 §2 grammar: only strings can hide braces, and a string
 * cannot contain a raw line break, which gives a resynchronisation point after damage). Memory is bounded
 * by the largest single record (`maxRecord`), never by the file.
 */

/** One complete record: its bytes and where it started. */
export interface JsonRecordSpan {
  bytes: Buffer;
  /** 1-based line of the record's first byte. */
  line: number;
  /** Byte offset of the record's first byte. */
  offset: number;
}

/** A stretch of input that is not a record (garbage between records, a damaged record). */
export interface JsonSplitProblem {
  line: number;
  offset: number;
  message: string;
}

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const QUOTE = 0x22;
const BSLASH = 0x5c;
const LF = 0x0a;
const COMMA = 0x2c;

/** Bytes that matter inside a string (1), and inside a record outside strings (1): everything else is skipped. */
const IN_STRING = new Uint8Array(256);
const IN_RECORD = new Uint8Array(256);
for (const c of [QUOTE, BSLASH, LF]) IN_STRING[c] = 1;
for (const c of [QUOTE, LBRACE, RBRACE, LBRACK, RBRACK, LF]) IN_RECORD[c] = 1;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Feeds bytes, emits records (objects at depth 0, or at depth 1 inside a top-level array).
 * Garbage between records is reported once per stretch; a raw line break inside a string means the record
 * was damaged (cut line, binary junk): it is dropped and scanning restarts on the next line.
 */
export class JsonObjectSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth of records: 0 for concatenated objects, 1 inside a top-level array. */
  private recordDepth = 0;
  private arrayOpen = false;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private recStart = -1;
  private recLine = 0;
  private recOffset = 0;
  private line = 1;
  private offset = 0;
  private garbage: JsonSplitProblem | null = null;
  private oversize = false;
  private first = true;

  constructor(
    private readonly onRecord: (r: JsonRecordSpan) => void,
    private readonly onProblem: (p: JsonSplitProblem) => void,
    private readonly maxRecord = 64 * 1024 * 1024,
  ) {}

  /** Feeds one chunk. */
  push(chunk: Buffer): void {
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        i = 3;
        this.offset = 3;
      }
    }
    const base = this.offset - i;
    let segStart = this.recStart >= 0 || this.depth > this.recordDepth ? i : -1;
    const n = chunk.length;
    for (; i < n; i++) {
      // Runs of bytes that change nothing are skipped by a table lookup per byte: inside a string only a quote,
      // a backslash or a line break matter, inside a record also brackets and braces (most of a record's bytes
      // are neither; the state tests below ran on each of them and made the splitter a third of JSON parsing).
      if (this.inString) {
        if (!this.escape) while (i < n && IN_STRING[chunk[i]!] === 0) i++;
      } else if (this.depth > this.recordDepth) {
        while (i < n && IN_RECORD[chunk[i]!] === 0) i++;
      }
      if (i === n) break;
      const c = chunk[i]!;
      if (c === LF) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
        else if (c === LF) {
          this.problem(this.recLine, this.recOffset, 'line break inside a JSON string: record damaged, skipped');
          this.reset();
          segStart = -1;
        }
        continue;
      }
      if (this.depth > this.recordDepth) {
        if (c === QUOTE) this.inString = true;
        else if (c === LBRACE || c === LBRACK) this.depth++;
        else if (c === RBRACE || c === RBRACK) {
          this.depth--;
          if (this.depth === this.recordDepth) {
            this.take(chunk, segStart, i + 1);
            this.finish();
            segStart = -1;
          }
        }
        continue;
      }
      // Between records.
      if (isSpace(c)) continue;
      if (c === LBRACE) {
        this.flushGarbage();
        this.depth++;
        this.recStart = base + i;
        this.recLine = this.line;
        this.recOffset = base + i;
        segStart = i;
        continue;
      }
      if (c === LBRACK && this.recordDepth === 0 && !this.arrayOpen) {
        this.flushGarbage();
        this.arrayOpen = true;
        this.recordDepth = 1;
        this.depth = 1;
        continue;
      }
      if (this.arrayOpen && c === COMMA) continue;
      if (this.arrayOpen && c === RBRACK) {
        this.arrayOpen = false;
        this.recordDepth = 0;
        this.depth = 0;
        continue;
      }
      if (this.garbage === null) this.garbage = { line: this.line, offset: base + i, message: '' };
    }
    if (segStart >= 0 && this.depth > this.recordDepth) this.take(chunk, segStart, n);
    this.offset = base + n;
  }

  /** Ends the input: an unfinished record is reported as truncated. */
  end(): void {
    this.flushGarbage();
    if (this.depth > this.recordDepth || this.inString) {
      this.problem(this.recLine, this.recOffset, 'input ends inside a JSON record: truncated, skipped');
      this.reset();
    }
  }

  private take(chunk: Buffer, from: number, to: number): void {
    if (this.oversize) return;
    if (this.partBytes + (to - from) > this.maxRecord) {
      this.oversize = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    // Copy only when the record spans chunks; the usual one-chunk record is a view.
    this.parts.push(chunk.subarray(from, to));
    this.partBytes += to - from;
  }

  private finish(): void {
    if (this.oversize) {
      this.problem(this.recLine, this.recOffset, `JSON record larger than ${this.maxRecord} bytes: skipped`);
    } else {
      const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
      this.onRecord({ bytes, line: this.recLine, offset: this.recOffset });
    }
    this.parts = [];
    this.partBytes = 0;
    this.oversize = false;
    this.recStart = -1;
  }

  private reset(): void {
    this.depth = this.recordDepth;
    this.inString = false;
    this.escape = false;
    this.parts = [];
    this.partBytes = 0;
    this.oversize = false;
    this.recStart = -1;
  }

  private flushGarbage(): void {
    if (this.garbage) {
      this.problem(this.garbage.line, this.garbage.offset, 'text between JSON records that is not JSON: skipped');
      this.garbage = null;
    }
  }

  private problem(line: number, offset: number, message: string): void {
    this.onProblem({ line, offset, message });
  }
}
