// EVTX chunk (libyal EVTX §3 "Chunk"): 64 KiB, a 512-byte header then event records.
//   0    `ElfChnk\0`
//   8    u64 first event record number     16  u64 last event record number
//   24   u64 first event record identifier 32  u64 last event record identifier
//   40   u32 header size (128)             44  u32 last event record data offset
//   48   u32 free space offset             52  u32 CRC32 of the event records data (512..free space)
//   120  u32 flags                         124 u32 CRC32 of header bytes 0..120 and 128..512
//   128  common string offsets (64 x u32)  384 template pointers (32 x u32)
// Names and templates are referenced by chunk-relative offset, so a chunk is self-contained: records are
// read even when the header CRCs or the tables are damaged, each record being validated on its own.
import { crc32 } from 'node:zlib';
import type { Issue, IssueSink } from '../../core/index.js';
import { BinXmlError, ChunkCache, parseFragment, type BxNode } from './binxml.js';
import { RECORD_HEADER, RECORD_MAGIC, recordId, recordWritten, validRecordSize } from './record.js';

/** Chunk size. */
export const CHUNK_SIZE = 65536;
/** Chunk header size; records start here. */
export const CHUNK_HEADER = 512;
/** `ElfChnk\0`. */
export const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');

/** The chunk header fields used for reading and reporting. */
export interface ChunkHeader {
  firstRecordId: number;
  lastRecordId: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  headerCrcOk: boolean;
  dataCrcOk: boolean;
}

/** One event record read from a chunk, with where it was found. Render it with `renderJson(record.nodes)`. */
export interface EvtxRecord {
  /** EventRecordID from the record header. */
  id: number;
  /** Record written time (RFC 3339 UTC) from the record header. */
  written: string | null;
  /** Index of the chunk in the file (0 = the chunk right after the file header). */
  chunk: number;
  /** Byte offset of the record in the file (or zip entry). */
  offset: number;
  /** The record's BinXML tree (usually one template instance). */
  nodes: BxNode[];
  /** True when the record was recovered from the unused space after the chunk's free-space offset. */
  slack: boolean;
}

/** True when `buf` holds the chunk signature at `at`. */
export function isChunk(buf: Buffer, at = 0): boolean {
  return buf.length >= at + 8 && buf.compare(CHUNK_MAGIC, 0, 8, at, at + 8) === 0;
}

const u64 = (buf: Buffer, o: number): number => buf.readUInt32LE(o) + buf.readUInt32LE(o + 4) * 4294967296;

/** Parses a chunk header and checks both CRCs (`buf` must hold at least the 512-byte header). */
export function parseChunkHeader(buf: Buffer): ChunkHeader {
  const free = buf.readUInt32LE(48);
  const headerCrc = crc32(buf.subarray(128, CHUNK_HEADER), crc32(buf.subarray(0, 120)));
  const dataEnd = free >= CHUNK_HEADER && free <= buf.length ? free : -1;
  return {
    firstRecordId: u64(buf, 24),
    lastRecordId: u64(buf, 32),
    lastRecordOffset: buf.readUInt32LE(44),
    freeSpaceOffset: free,
    headerCrcOk: headerCrc === buf.readUInt32LE(124),
    dataCrcOk: dataEnd >= 0 && crc32(buf.subarray(CHUNK_HEADER, dataEnd)) === buf.readUInt32LE(52),
  };
}

/** Where chunk problems are reported and what to read. */
export interface ChunkReadOptions {
  path: string;
  issues: IssueSink;
  /** Also recover valid records from the space after the free-space offset (default true). */
  slack?: boolean;
}

function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Reads every record of one chunk. `buf` is the chunk (64 KiB, or less when the file is truncated),
 * `index` its position in the file, `fileOffset` where it starts. Damage is reported, never thrown:
 * a bad record is skipped, and the reader resynchronises on the next valid record signature.
 */
export function readChunk(buf: Buffer, index: number, fileOffset: number, opts: ChunkReadOptions): EvtxRecord[] {
  const { path, issues } = opts;
  const report = (severity: Issue['severity'], message: string, at: number, record?: number): void => {
    issues.report({
      code: 'evtx-corrupt',
      severity,
      message,
      location: { path, offset: fileOffset + at, chunk: index, ...(record !== undefined ? { record } : {}) },
    });
  };
  const out: EvtxRecord[] = [];
  if (buf.length < CHUNK_HEADER) {
    report('error', `chunk truncated to ${buf.length} bytes, shorter than its header`, 0);
    return out;
  }
  const header = parseChunkHeader(buf);
  if (!header.headerCrcOk) report('warning', 'chunk header CRC32 mismatch; records are validated one by one', 0);
  const truncated = buf.length < CHUNK_SIZE;
  if (truncated) report('warning', `chunk truncated to ${buf.length} of ${CHUNK_SIZE} bytes; reading the records that are complete`, 0);
  const freeOk = header.freeSpaceOffset >= CHUNK_HEADER && header.freeSpaceOffset <= buf.length;
  // In a truncated chunk the free-space offset may lie past the end; the truncation is already reported.
  const freeInRange = header.freeSpaceOffset >= CHUNK_HEADER && header.freeSpaceOffset <= CHUNK_SIZE;
  if (!freeOk && !(truncated && freeInRange)) report('warning', `chunk free-space offset 0x${header.freeSpaceOffset.toString(16)} is invalid; scanning the whole chunk`, 48);
  else if (!header.dataCrcOk && buf.length === CHUNK_SIZE) report('warning', 'chunk records CRC32 mismatch; records are validated one by one', 52);
  const used = freeOk ? header.freeSpaceOffset : buf.length;
  const cache = new ChunkCache(buf);
  const seen = new Set<number>();
  scan(buf, CHUNK_HEADER, used, false);
  if (opts.slack !== false && used < buf.length) scan(buf, used, buf.length, true);
  return out;

  function scan(data: Buffer, from: number, limit: number, slack: boolean): void {
    let p = from;
    while (p + 28 <= limit) {
      const size = validRecordSize(data, p, limit);
      if (size === 0) {
        // Resynchronise: the next "**\0\0" that is followed by a consistent size and size copy.
        let q = p + 1;
        let next = -1;
        for (;;) {
          q = data.indexOf(RECORD_MAGIC, q);
          if (q < 0 || q + 28 > limit) break;
          if (validRecordSize(data, q, limit)) {
            next = q;
            break;
          }
          q++;
        }
        const stop = next < 0 ? limit : next;
        // Inside the used part of the chunk every byte belongs to a record, so a gap is lost data even when
        // it is zeroed; in slack, garbage is normal and not reported.
        if (!slack && (next >= 0 || !allZero(data, p, stop))) {
          report('error', `${stop - p} byte(s) of unreadable record data skipped`, p);
        }
        if (next < 0) return;
        p = next;
        continue;
      }
      const id = recordId(data, p);
      if (slack && seen.has(id)) {
        p += size;
        continue;
      }
      try {
        const nodes = parseFragment(cache, p + RECORD_HEADER, p + size - 4);
        out.push({ id, written: recordWritten(data, p), chunk: index, offset: fileOffset + p, nodes, slack });
        seen.add(id);
      } catch (err) {
        // BinXmlError is the expected failure; anything else (a RangeError from a lying length, or a bug) must
        // not end the file either: one bad record never stops a file.
        if (!slack) {
          const where = err instanceof BinXmlError ? ` at chunk offset 0x${err.offset.toString(16)}` : '';
          const msg = err instanceof BinXmlError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
          report('error', `record ${id}: BinXML unreadable${where}: ${msg}`, p, id);
        }
      }
      p += size;
    }
  }
}
