// Streaming EVTX reader: file header, then 64 KiB chunks to the end of the stream. Memory stays bounded
// (one chunk plus the stream's read-ahead) whatever the file size, and the source may be a file or a zip
// entry (anything with `open(): AsyncIterable<Buffer>`). The header's chunk count and dirty flag are only
// reported, never trusted: every 64 KiB block after the header is tried as a chunk.
import { open, stat } from 'node:fs/promises';
import type { IssueSink } from '../../core/index.js';
import { CHUNK_SIZE, isChunk, readChunk, type EvtxRecord } from './chunk.js';
import { FILE_HEADER_BLOCK, isFileHeader, parseFileHeader } from './file-header.js';
import { renderJson } from './render-json.js';

/** Anything that can be read as a byte stream (an EvidenceSource fits). */
export interface ByteSource {
  readonly path: string;
  open(): AsyncIterable<Buffer>;
}

/** Options of the EVTX reader. */
export interface EvtxReadOptions {
  /** Recover valid records from chunk slack (after the free-space offset). Default true. */
  slack?: boolean;
  /** Filled while reading: what was found (lets callers tell "damaged" from "not EVTX at all"). */
  stats?: EvtxStats;
}

/** What a read found. */
export interface EvtxStats {
  /** A valid file header signature was seen. */
  header: boolean;
  /** Chunks with a chunk signature. */
  chunks: number;
  /** Records read (including those recovered from slack). */
  records: number;
  /** Records recovered from chunk slack. */
  slackRecords: number;
  /** Bytes read from the source. */
  bytes: number;
}

/** A fresh, empty stats object. */
export function newEvtxStats(): EvtxStats {
  return { header: false, chunks: 0, records: 0, slackRecords: 0, bytes: 0 };
}

const ZERO_BLOCK = Buffer.alloc(CHUNK_SIZE);

/** True when every byte is zero (native compare; unused pre-allocated chunks are all zero). */
function isZero(b: Buffer): boolean {
  for (let o = 0; o < b.length; o += CHUNK_SIZE) {
    const n = Math.min(CHUNK_SIZE, b.length - o);
    if (b.compare(ZERO_BLOCK, 0, n, o, o + n) !== 0) return false;
  }
  return true;
}

/** Collects stream buffers and hands out fixed-size blocks, copying only when a block spans buffers. */
class BlockQueue {
  private parts: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(b: Buffer): void {
    if (b.length) {
      this.parts.push(b);
      this.size += b.length;
    }
  }

  take(n: number): Buffer {
    n = Math.min(n, this.size);
    const first = this.parts[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let o = 0;
      while (o < n) {
        const p = this.parts[0]!;
        const k = Math.min(p.length, n - o);
        p.copy(out, o, 0, k);
        o += k;
        if (k === p.length) this.parts.shift();
        else this.parts[0] = p.subarray(k);
      }
    }
    this.size -= n;
    return out;
  }
}

/**
 * Reads an EVTX byte stream chunk by chunk, yielding the records of each chunk as one batch. Never throws
 * for bad input: damage goes to `issues` with its offset, chunk and record. Stream (I/O) errors propagate.
 */
export async function* readEvtx(src: ByteSource, issues: IssueSink, opts: EvtxReadOptions = {}): AsyncGenerator<EvtxRecord[]> {
  const path = src.path;
  const q = new BlockQueue();
  let pos = 0; // file offset of the next unread byte
  let index = 0;
  let state: 'start' | 'chunks' = 'start';
  let headerChunks = -1;
  let chunksSeen = 0;
  let records = 0;
  const chunkOpts = { path, issues, slack: opts.slack !== false };
  const stats = opts.stats ?? newEvtxStats();

  const handleStart = (block: Buffer): void => {
    if (isFileHeader(block)) {
      stats.header = true;
      const h = parseFileHeader(block);
      if (h === null) return; // shorter than the 128-byte header: reported as truncated by the caller
      if (!h.crcOk) issues.report({ code: 'evtx-corrupt', severity: 'warning', message: 'file header CRC32 mismatch', location: { path, offset: 124 } });
      if (h.flags & 1) issues.report({ code: 'evtx-corrupt', severity: 'info', message: 'file is marked dirty (not closed cleanly); all chunks are scanned', location: { path, offset: 120 } });
      if (h.majorVersion !== 3) issues.report({ code: 'evtx-corrupt', severity: 'warning', message: `unexpected format version ${h.majorVersion}.${h.minorVersion}`, location: { path, offset: 36 } });
      headerChunks = h.chunkCount;
    } else {
      issues.report({ code: 'evtx-corrupt', severity: 'warning', message: 'no EVTX file header signature; scanning for chunks', location: { path, offset: 0 } });
    }
  };

  const handleChunk = (block: Buffer, at: number): EvtxRecord[] => {
    const i = index++;
    if (isChunk(block)) {
      chunksSeen++;
      stats.chunks++;
      let recs: EvtxRecord[];
      try {
        recs = readChunk(block, i, at, chunkOpts);
      } catch (err) {
        // readChunk handles damage itself; this only guards against a bug taking the whole file down.
        issues.report({ code: 'internal', severity: 'error', message: `chunk could not be read: ${(err as Error).message}`, location: { path, offset: at, chunk: i } });
        return [];
      }
      records += recs.length;
      stats.records += recs.length;
      let slack = 0;
      for (const r of recs) if (r.slack) slack++;
      if (slack) {
        stats.slackRecords += slack;
        issues.report({ code: 'evtx-corrupt', severity: 'info', message: `${slack} record(s) recovered from chunk slack (after the free-space offset)`, location: { path, offset: at, chunk: i } });
      }
      return recs;
    }
    if (!isZero(block)) {
      issues.report({ code: 'evtx-corrupt', severity: 'error', message: 'block has no chunk signature; its records cannot be located', location: { path, offset: at, chunk: i } });
    }
    return [];
  };

  for await (const piece of src.open()) {
    stats.bytes += piece.length;
    q.push(piece);
    for (;;) {
      if (state === 'start') {
        if (q.length < FILE_HEADER_BLOCK) break;
        const head = q.take(FILE_HEADER_BLOCK);
        if (isChunk(head)) {
          // A bare chunk (carved or exported without its file header): it starts at offset 0.
          issues.report({ code: 'evtx-corrupt', severity: 'warning', message: 'no EVTX file header; the data starts with a chunk', location: { path, offset: 0 } });
          const rest = q.take(CHUNK_SIZE - FILE_HEADER_BLOCK);
          const recs = handleChunk(Buffer.concat([head, rest]), 0);
          pos = head.length + rest.length;
          state = 'chunks';
          if (recs.length) yield recs;
          continue;
        }
        handleStart(head);
        pos = FILE_HEADER_BLOCK;
        state = 'chunks';
        continue;
      }
      if (q.length < CHUNK_SIZE) break;
      const at = pos;
      const block = q.take(CHUNK_SIZE);
      pos += CHUNK_SIZE;
      const recs = handleChunk(block, at);
      if (recs.length) yield recs;
    }
  }
  // End of stream: a short header or a truncated last chunk.
  if (state === 'start') {
    const head = q.take(q.length);
    if (isChunk(head)) {
      const recs = handleChunk(head, 0);
      if (recs.length) yield recs;
    } else if (isFileHeader(head)) {
      handleStart(head);
      issues.report({ code: 'truncated', severity: head.length < 128 ? 'error' : 'info', message: `file ends after ${head.length} bytes, inside the file header block`, location: { path, offset: head.length } });
    } else {
      issues.report({ code: 'evtx-corrupt', severity: 'error', message: `not an EVTX file (${head.length} bytes, no signature)`, location: { path, offset: 0 } });
    }
  } else if (q.length > 0) {
    const at = pos;
    const block = q.take(q.length);
    if (isChunk(block)) {
      const recs = handleChunk(block, at);
      if (recs.length) yield recs;
    } else if (!isZero(block)) {
      issues.report({ code: 'truncated', severity: 'warning', message: `${block.length} trailing byte(s) after the last whole chunk are not a chunk`, location: { path, offset: at } });
    }
  }
  if (headerChunks >= 0 && chunksSeen > headerChunks) {
    issues.report({ code: 'evtx-corrupt', severity: 'info', message: `file header lists ${headerChunks} chunk(s); ${chunksSeen} found by scanning (${records} record(s) read)`, location: { path, offset: 42 } });
  }
}

/**
 * A file on disk as a ByteSource (opened read-only). Reads the 4 KiB header block and then whole 64 KiB
 * chunks, so each chunk arrives in one buffer and is never copied.
 */
export function fileSource(path: string): ByteSource {
  return {
    path,
    open: async function* (): AsyncGenerator<Buffer> {
      const fh = await open(path, 'r');
      try {
        let size = FILE_HEADER_BLOCK;
        for (;;) {
          const buf = Buffer.allocUnsafe(size);
          let got = 0;
          while (got < size) {
            const { bytesRead } = await fh.read(buf, got, size - got, null);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          if (got > 0) yield got === size ? buf : buf.subarray(0, got);
          if (got < size) return;
          size = CHUNK_SIZE;
        }
      } finally {
        await fh.close();
      }
    },
  };
}

/** Reads every record of an EVTX file on disk (convenience for tools and the Sigma regression runner). */
export async function readEvtxFileRecords(path: string, issues: IssueSink, opts: EvtxReadOptions = {}): Promise<EvtxRecord[]> {
  await stat(path);
  const out: EvtxRecord[] = [];
  for await (const batch of readEvtx(fileSource(path), issues, opts)) for (const r of batch) out.push(r);
  return out;
}

/**
 * Every record of an EVTX file on disk as its evtx_dump JSON object (`{ Event: {...} }`), in file order:
 * what the Sigma regression runner needs to treat `.evtx` samples like their `.json` twins.
 */
export async function readEvtxFileJson(path: string, issues: IssueSink, opts: EvtxReadOptions = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const batch of readEvtx(fileSource(path), issues, opts)) for (const r of batch) out.push(renderJson(r.nodes));
  return out;
}
