// EVTX file header (libyal EVTX §2 "File header"; MS-EVEN6 does not describe the file container).
// 4096-byte block; the first 128 bytes are the header proper, CRC32-protected over bytes 0..120.
import { crc32 } from 'node:zlib';

/** `ElfFile\0`, the file signature at offset 0. */
export const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
/** Size of the file header block before the first chunk. */
export const FILE_HEADER_BLOCK = 4096;

/** The fields of the file header that matter for reading and for reporting. */
export interface EvtxFileHeader {
  /** Offset 8: number of the first chunk (the oldest, in a wrapped log). */
  firstChunk: number;
  /** Offset 16: number of the last chunk. */
  lastChunk: number;
  /** Offset 24: identifier the next record will get. */
  nextRecordId: number;
  /** Offset 32: header size (128). */
  headerSize: number;
  /** Offsets 36/38: minor and major format version (3.1, 3.2). */
  minorVersion: number;
  majorVersion: number;
  /** Offset 40: size of the header block (4096). */
  blockSize: number;
  /** Offset 42: number of chunks the header claims. Not trusted: chunks are scanned to EOF. */
  chunkCount: number;
  /** Offset 120: flags; 0x1 dirty (not closed cleanly), 0x2 full. */
  flags: number;
  /** Offset 124 vs CRC32 of bytes 0..120. */
  crcOk: boolean;
}

/** True when `buf` starts with the file signature. */
export function isFileHeader(buf: Buffer, at = 0): boolean {
  return buf.length >= at + 8 && buf.compare(FILE_MAGIC, 0, 8, at, at + 8) === 0;
}

/** Parses the file header at the start of `buf` (needs 128 bytes and the signature), else null. */
export function parseFileHeader(buf: Buffer): EvtxFileHeader | null {
  if (buf.length < 128 || !isFileHeader(buf)) return null;
  const u64 = (o: number): number => buf.readUInt32LE(o) + buf.readUInt32LE(o + 4) * 4294967296;
  return {
    firstChunk: u64(8),
    lastChunk: u64(16),
    nextRecordId: u64(24),
    headerSize: buf.readUInt32LE(32),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    blockSize: buf.readUInt16LE(40),
    chunkCount: buf.readUInt16LE(42),
    flags: buf.readUInt32LE(120),
    crcOk: crc32(buf.subarray(0, 120)) === buf.readUInt32LE(124),
  };
}
