import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Read-only access to files on disk. Evidence is never written to: files are opened O_RDONLY, and with
 * O_NOATIME where the OS allows it (Linux, file owner or CAP_FOWNER), so reading does not even move the
 * access time. Nothing here calls utimes/chmod or opens for writing.
 */

/** Size of each read from disk: large reads cost less CPU per byte; parsers slice them for their own batching. */
export const READ_CHUNK = 1024 * 1024;

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

/** Streams a whole file as Buffers (fresh buffer per chunk, so consumers may keep references). */
export async function* readFileChunks(path: string, chunk = READ_CHUNK): AsyncGenerator<Buffer> {
  const fh = await openReadOnly(path);
  try {
    let pos = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunk);
      const { bytesRead } = await fh.read(buf, 0, chunk, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      yield bytesRead === chunk ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Reads up to `max` bytes from the start of a file. */
export async function readFileHead(path: string, max = HEAD_BYTES): Promise<Buffer> {
  const fh = await openReadOnly(path);
  try {
    const buf = Buffer.alloc(max);
    let got = 0;
    while (got < max) {
      const { bytesRead } = await fh.read(buf, got, max - got, got);
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
