import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { KahuError } from '../../core/index.js';
import { openReadOnly } from './file-source.js';
import type { ZipLimits } from './zip.js';

/**
 * gzip-compressed evidence (`u_ex210303.log.gz`, rotated HttpProxy logs) read through in one pass, never
 * decompressed to disk. RFC 1952: member header `1F 8B 08 FLG MTIME(4) XFL OS`, optional FEXTRA (0x04),
 * FNAME (0x08, the original name, NUL-terminated, ISO 8859-1), ...; trailer `CRC32 ISIZE` (uncompressed
 * size mod 2^32). Concatenated members are read as one stream, as gunzip does.
 */

/** The original file name stored in a gzip header (FNAME), base name only; null when absent or unusable. */
export function gzipOriginalName(head: Buffer): string | null {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b) return null;
  const flg = head[3]!;
  if ((flg & 0x08) === 0) return null;
  let p = 10;
  if (flg & 0x04) {
    if (p + 2 > head.length) return null;
    p += 2 + head.readUInt16LE(p);
  }
  const end = head.indexOf(0, p);
  if (end < 0 || end - p > 255) return null;
  const name = basename(head.toString('latin1', p, end).replaceAll('\\', '/'));
  return name === '' || name === '.' || name === '..' || /[\u0000-\u001f]/.test(name) ? null : name;
}

/** Name shown for the decompressed content: the header's name, else the file name without `.gz`. */
export function gzipInnerName(fileName: string, head: Buffer): string {
  return gzipOriginalName(head) ?? (/\.(gz|gzip)$/i.test(fileName) ? fileName.replace(/\.(gz|gzip)$/i, '') : `${fileName}.out`);
}

/** ISIZE of the last member (RFC 1952 §2.3.1): the uncompressed size mod 2^32, as a size hint. */
export async function gzipSizeHint(path: string, fileSize: number): Promise<number> {
  if (fileSize < 18) return 0;
  const fh = await openReadOnly(path);
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, fileSize - 4);
    return b.readUInt32LE(0);
  } finally {
    await fh.close();
  }
}

/**
 * Streams the decompressed content. Bomb guard: more than `maxEntryBytes`, or more than `ratioMinBytes` at a
 * ratio over `maxRatio` to the compressed size, stops the stream with an error (the parser reports it). `within`,
 * when given, is told the bytes decompressed so far and says whether they still fit a larger budget (a gzip
 * inside a zip draws on the archive's, see ZipBudget).
 */
export async function* gunzipStream(
  compressed: AsyncIterable<Buffer>,
  compressedSize: number,
  limits: ZipLimits,
  within: (total: number) => boolean = () => true,
): AsyncGenerator<Buffer> {
  const input = Readable.from(compressed);
  const gunzip = createGunzip();
  const out = input.pipe(gunzip);
  input.on('error', (err) => gunzip.destroy(err));
  let total = 0;
  const refuse = (why: string): KahuError => new KahuError('zip-refused', `gzip ${why} (bomb guard); stopped after ${total} bytes`, { location: { offset: total } });
  try {
    for await (const chunk of out) {
      const c = chunk as Buffer;
      total += c.length;
      if (total > limits.maxEntryBytes) throw refuse(`content exceeds the ${limits.maxEntryBytes}-byte limit`);
      if (total > limits.ratioMinBytes && total / Math.max(1, compressedSize) > limits.maxRatio) throw refuse(`compression ratio over ${limits.maxRatio}:1`);
      if (!within(total)) throw refuse(`content would take the archive total over ${limits.maxTotalBytes} bytes`);
      yield c;
    }
  } catch (err) {
    if (err instanceof KahuError) throw err;
    throw new KahuError('io', `gzip data unreadable after ${total} bytes: ${(err as Error).message}`, { cause: err, location: { offset: total } });
  } finally {
    gunzip.destroy();
    input.destroy();
  }
}
