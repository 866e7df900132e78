// Event record (libyal EVTX §4 "Event record"; MS-EVEN6 §2.2.11 for its BinXML payload):
//   0  u32 signature 0x00002a2a ("**\0\0")
//   4  u32 size of the whole record, including this header and the trailing size copy
//   8  u64 event record identifier
//  16  u64 written time (FILETIME)
//  24  BinXML event data (size - 28 bytes)
//  size-4  u32 copy of the size
import { fileTimeToString } from './values.js';

/** Record header size before the BinXML data. */
export const RECORD_HEADER = 24;
/** Smallest possible record: header, an empty fragment, trailing size copy. */
export const MIN_RECORD = 28;
/** `**\0\0` as it appears in the file. */
export const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);

/**
 * Size of a structurally valid record at `off` of `buf` (signature, size within `limit`, trailing copy
 * equal to the size), else 0. This check is what lets the reader resynchronise after damage.
 */
export function validRecordSize(buf: Buffer, off: number, limit: number): number {
  if (off + MIN_RECORD > limit) return 0;
  if (buf[off] !== 0x2a || buf[off + 1] !== 0x2a || buf[off + 2] !== 0 || buf[off + 3] !== 0) return 0;
  const size = buf.readUInt32LE(off + 4);
  if (size < MIN_RECORD || size > limit - off) return 0;
  if (buf.readUInt32LE(off + size - 4) !== size) return 0;
  return size;
}

/** Record identifier (u64 at +8) as a number (exact below 2^53, which every real log is). */
export function recordId(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + 8) + buf.readUInt32LE(off + 12) * 4294967296;
}

/** Written time (FILETIME at +16) as RFC 3339 UTC, or null. */
export function recordWritten(buf: Buffer, off: number): string | null {
  return fileTimeToString(buf.readUInt32LE(off + 16), buf.readUInt32LE(off + 20));
}
