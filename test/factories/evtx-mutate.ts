// Mutations of clean EVTX files for the dirty-file and robustness suites. Each returns a new buffer.
import { crc32 } from 'node:zlib';

/** Chunk start offset in a file with a 4096-byte header. */
export const chunkAt = (i: number): number => 4096 + i * 65536;

/** Copy of `b`. */
export function copy(b: Buffer): Buffer {
  return Buffer.from(b);
}

/** The first `n` bytes. */
export function truncate(b: Buffer, n: number): Buffer {
  return Buffer.from(b.subarray(0, n));
}

/** Zeroes `[from, from + len)`. */
export function zero(b: Buffer, from: number, len: number): Buffer {
  const o = copy(b);
  o.fill(0, from, from + len);
  return o;
}

/** XORs one byte (keeps everything else, so only a CRC can notice when the byte is unused). */
export function flip(b: Buffer, at: number, mask = 0xff): Buffer {
  const o = copy(b);
  o[at] = o[at]! ^ mask;
  return o;
}

/** Writes a little-endian u32. */
export function setU32(b: Buffer, at: number, v: number): Buffer {
  const o = copy(b);
  o.writeUInt32LE(v >>> 0, at);
  return o;
}

/** Writes a little-endian u16. */
export function setU16(b: Buffer, at: number, v: number): Buffer {
  const o = copy(b);
  o.writeUInt16LE(v, at);
  return o;
}

/** Overwrites `[from, from + len)` with bytes from a seeded generator. */
export function randomize(b: Buffer, from: number, len: number, rnd: () => number): Buffer {
  const o = copy(b);
  for (let i = from; i < from + len && i < o.length; i++) o[i] = Math.floor(rnd() * 256);
  return o;
}

/** Recomputes a chunk's header and data CRCs (to isolate a mutation from the CRC checks). */
export function fixChunkCrcs(b: Buffer, chunk: number): Buffer {
  const o = copy(b);
  const c = chunkAt(chunk);
  const free = o.readUInt32LE(c + 48);
  o.writeUInt32LE(crc32(o.subarray(c + 512, c + free)), c + 52);
  o.writeUInt32LE(crc32(o.subarray(c + 128, c + 512), crc32(o.subarray(c, c + 120))), c + 124);
  return o;
}

/** A seeded PRNG (xorshift32), so every mutated file can be rebuilt from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Recomputes the file header CRC (bytes 0..120). */
export function fixFileHeaderCrc(b: Buffer): Buffer {
  const o = copy(b);
  o.writeUInt32LE(crc32(o.subarray(0, 120)), 124);
  return o;
}
