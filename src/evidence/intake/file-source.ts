import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Read-only access to files on disk. Evidence is never written to: files are opened O_RDONLY, and with
 * O_NOATIME where the OS allows it (Linux, file owner or CAP_FOWNER), so reading does not even move the
 * access time. Nothing here calls utimes/chmod or opens for writing.
 */

/**
 * Size of each read from disk. 256 KiB fits a core's L2 cache: the parser then reads bytes the kernel has just
 * copied while they are still cached. 1 MiB reads did not (measured: IIS parse 0.32-0.34 s -> 0.29-0.30 s CPU
 * per 50 MB; Exchange tree scan about 5-10% less). Parsers slice them further for their own batching.
 */
export const READ_CHUNK = 256 * 1024;

/** Bytes read for format detection. */
export const HEAD_BYTES = 64 * 1024;

const NOATIME = (constants as Record<string, number | undefined>).O_NOATIME ?? 0;
let noatimeAllowed = NOATIME !== 0;

/** Opens a file read-only, without touching its atime when permitted. */
export async function openReadOnly(path: string): Promise<FileHandle> {
  if (noatimeAllowed) {
    try {
      return await fsp.open(path, constants.O_RDONLY | NOATIME);
    } catch (err) {
      // EPERM: not the owner; EINVAL: filesystem without O_NOATIME. Plain read-only still never writes.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EINVAL') throw err;
      if (code === 'EINVAL') noatimeAllowed = false;
    }
  }
  return fsp.open(path, constants.O_RDONLY);
}

/**
 * Streams a whole file as Buffers (fresh buffer per chunk, so consumers may keep references). `sizeHint` (the
 * size from `stat`) sizes the buffers: a 40 KB log gets a 40 KB buffer, not 1 MiB. Thousands of small logs
 * otherwise churn 2 MiB of external memory each (the read plus the EOF probe), which drives V8 into frequent
 * full GCs (measured: GC was 18% of an HttpProxy scan). A file that grew past its hint is still read whole.
 */
export async function* readFileChunks(path: string, chunk = READ_CHUNK, sizeHint = -1): AsyncGenerator<Buffer> {
  const fh = await openReadOnly(path);
  /** One read: its bytes (null at EOF), and whether they are known to be the file's last. */
  type Read = { buf: Buffer | null; last: boolean };
  let pending: Promise<Read> | null = null;
  try {
    const readAt = async (at: number): Promise<Read> => {
      const left = sizeHint - at;
      // +1 so a file of exactly the hinted size ends with a short read; at the hint, a 1-byte probe for EOF.
      const want = sizeHint < 0 || left < 0 ? chunk : Math.min(chunk, left + 1);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, at);
      if (bytesRead === 0) return { buf: null, last: true };
      // A short read that ends exactly at the stat size is the end (the file did not grow: we asked for one
      // byte more). Saves the EOF probe, one thread-pool round trip per file: thousands in an Exchange tree.
      const last = bytesRead < want && at + bytesRead === sizeHint;
      return { buf: bytesRead === want ? buf : buf.subarray(0, bytesRead), last };
    };
    let pos = 0;
    pending = readAt(0);
    for (;;) {
      const r = await pending!;
      pending = null;
      if (r.buf === null) break;
      pos += r.buf.length;
      // Read ahead: the next read runs in the thread pool while the consumer parses this one (on a warm page
      // cache the wait for each read was 13% of an IIS parse). What ends the loop is this read's own `last`,
      // never the state of the read in flight.
      if (!r.last) pending = readAt(pos);
      yield r.buf;
      if (r.last) break;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it land before closing the handle.
    if (pending !== null) await pending.catch(() => null);
    await fh.close();
  }
}

/**
 * The content of a file already read whole (its head was all of it): yields that buffer, no I/O. Most logs in
 * an Exchange tree are under 64 KiB, and opening each a second time cost four thread-pool round trips.
 */
// The AsyncIterable contract of EvidenceSource.open() is kept although nothing here awaits.
// eslint-disable-next-line @typescript-eslint/require-await
export async function* bufferChunks(content: Buffer): AsyncGenerator<Buffer> {
  if (content.length > 0) yield content;
}

/** Reads up to `max` bytes from the start of a file. */
export async function readFileHead(path: string, max = HEAD_BYTES, sizeHint = -1): Promise<Buffer> {
  const fh = await openReadOnly(path);
  try {
    // Sized by the hint (+1 to see growth) and not zero-filled: only the bytes read are returned.
    const buf = Buffer.allocUnsafe(sizeHint < 0 ? max : Math.min(max, sizeHint + 1));
    const cap = buf.length;
    let got = 0;
    while (got < cap) {
      const { bytesRead } = await fh.read(buf, got, cap - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** Reads up to `max` bytes from the start of a chunk stream, then stops the stream. */
export async function headOf(stream: AsyncIterable<Buffer>, max = HEAD_BYTES): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  for await (const c of stream) {
    parts.push(c);
    got += c.length;
    if (got >= max) break;
  }
  const all = Buffer.concat(parts);
  return all.length > max ? all.subarray(0, max) : all;
}
