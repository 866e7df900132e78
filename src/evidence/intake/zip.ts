import { close as fsClose, constants, fstatSync, open as fsOpen, read as fsRead, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { KahuError, type IssueSink } from '../../core/index.js';

/**
 * Zip archives read in place: entries are streamed from the archive with yauzl (random access through the
 * central directory, APPNOTE.TXT §4.3.12), never extracted to disk. Guards against hostile archives:
 * path traversal (`..`, absolute paths, drive letters), encryption, zip bombs (declared-size ratio and
 * totals; yauzl's `validateEntrySizes` makes the declared size binding while inflating), entry counts.
 */

/**
 * Uncompressed bytes accepted so far under one archive on disk. An archive inside an archive draws on its parent's
 * budget, so `maxTotalBytes` bounds everything one archive expands to, however its content is nested.
 */
export interface ZipBudget {
  used: number;
}

/** Limits applied to every archive. */
export interface ZipLimits {
  /** Most entries read from one archive; the rest are reported and skipped. */
  maxEntries: number;
  /** Most uncompressed bytes accepted from one archive (sum of entries, entries of archives inside it included). */
  maxTotalBytes: number;
  /** Largest single entry accepted (uncompressed). */
  maxEntryBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries bigger than `ratioMinBytes`. */
  maxRatio: number;
  /** Entries up to this size are never refused for their ratio (small text compresses well). */
  ratioMinBytes: number;
  /**
   * Largest archive inside an archive that is expanded (one level deep). It is inflated into memory, since its
   * central directory sits at its end and an inflated stream has no random access; larger ones are reported.
   */
  maxNestedBytes: number;
}

/** Defaults: generous for real evidence (multi-GB IIS logs compress ~20:1), hostile to bombs. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1_000_000,
  maxTotalBytes: 64 * 1024 ** 3,
  maxEntryBytes: 32 * 1024 ** 3,
  maxRatio: 200,
  ratioMinBytes: 10 * 1024 * 1024,
  maxNestedBytes: 256 * 1024 * 1024,
};

/** One entry of an archive as the walker saw it. */
export interface ZipItem {
  /** 1-based index of the entry's record in the central directory (stable for a given archive). */
  index: number;
  /** Inner path with `/` separators, as decoded from the archive. */
  name: string;
  /** Declared uncompressed size. */
  size: number;
  /** Modification time, ISO UTC (extended-timestamp field, else the DOS time read as UTC); null if absent. */
  mtime: string | null;
  /** Why the entry is refused; absent when it may be read. */
  refused?: string;
  /** Opens the entry's content (inflated). Callable more than once. */
  open(): AsyncIterable<Buffer>;
}

const NOATIME = (constants as Record<string, number | undefined>).O_NOATIME ?? 0;

/** Opens a raw read-only fd (O_NOATIME when allowed) for yauzl.fromFd. */
function openFd(path: string): Promise<number> {
  const tryOpen = (flags: number): Promise<number> =>
    new Promise((resolve, reject) => fsOpen(path, flags, (err, fd) => (err ? reject(err) : resolve(fd))));
  if (NOATIME === 0) return tryOpen(constants.O_RDONLY);
  return tryOpen(constants.O_RDONLY | NOATIME).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EPERM' || err.code === 'EINVAL') return tryOpen(constants.O_RDONLY);
    throw err;
  });
}

/**
 * The size an archive should have according to its end-of-central-directory record (APPNOTE.TXT §4.3.16:
 * EOCD offset + 22 + comment length). Real archives differ: bytes appended after the record (two OTRF
 * Security-Datasets zips end with a stray newline) or a comment cut short. `unzip` accepts both; yauzl
 * refuses. Kahu reads the archive at its declared size (zero bytes past the real end).
 */
function declaredZipSize(fd: number, size: number): number {
  const tailLen = Math.min(size, 22 + 0xffff + 64);
  const tail = Buffer.alloc(tailLen);
  readSync(fd, tail, 0, tailLen, size - tailLen);
  return declaredSizeFromTail(tail, size);
}

/** `declaredZipSize` over the last bytes of an archive of `size` bytes (at most 22 + 65535 + 64 of them). */
function declaredSizeFromTail(tail: Buffer, size: number): number {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== 0x06054b50) continue;
    return size - tail.length + i + 22 + tail.readUInt16LE(i + 20);
  }
  return size;
}

/** yauzl reader over an fd that reads zero bytes past the real end (see `declaredZipSize`). */
class PaddedFdReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    private readonly realSize: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const { fd, realSize } = this;
    async function* range(): AsyncGenerator<Buffer> {
      let pos = start;
      const stop = Math.min(end, realSize);
      while (pos < stop) {
        const len = Math.min(64 * 1024, stop - pos);
        const buf = Buffer.allocUnsafe(len);
        const n = await new Promise<number>((resolve, reject) => fsRead(fd, buf, 0, len, pos, (err, got) => (err ? reject(err) : resolve(got))));
        if (n === 0) break;
        pos += n;
        yield buf.subarray(0, n);
      }
      if (end > pos) yield Buffer.alloc(end - pos);
    }
    return Readable.from(range(), { objectMode: false });
  }

  override close(callback: (err: Error | null) => void): void {
    fsClose(this.fd, (err) => callback(err));
  }
}

/**
 * Where an archive's bytes are: a path on disk (read in place through a read-only fd), or memory, for an
 * archive found inside another archive (inflating it is the only way to reach its central directory).
 */
export type ZipInput = string | Buffer;

const YAUZL_OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };

/** Opens an archive for reading entries one at a time. Strings are decoded by us (see `entryName`). */
export async function openZip(input: ZipInput): Promise<ZipFile> {
  if (typeof input !== 'string') return openZipBuffer(input);
  const path = input;
  const fd = await openFd(path);
  const opts = YAUZL_OPTIONS;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zf?: ZipFile): void => {
      if (err || !zf) {
        // yauzl's reader owns the fd only on success.
        fsClose(fd, () => reject(err ?? new Error('zip open failed')));
        return;
      }
      resolve(zf);
    };
    let size: number;
    let declared: number;
    try {
      size = fstatSync(fd).size;
      declared = declaredZipSize(fd, size);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (declared !== size) yauzl.fromRandomAccessReader(new PaddedFdReader(fd, size), declared, opts, done);
    else yauzl.fromFd(fd, opts, done);
  });
}

/** An archive held in memory, read at its declared size like one on disk (see `declaredZipSize`). */
function openZipBuffer(buf: Buffer): Promise<ZipFile> {
  const declared = declaredSizeFromTail(buf.subarray(Math.max(0, buf.length - (22 + 0xffff + 64))), buf.length);
  const view = declared <= buf.length ? buf.subarray(0, declared) : Buffer.concat([buf, Buffer.alloc(declared - buf.length)]);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(view, YAUZL_OPTIONS, (err, zf) => (err || !zf ? reject(err ?? new Error('zip open failed')) : resolve(zf)));
  });
}

/** Opens an archive and reads its first central-directory record: throws when either is corrupt. */
export async function probeZip(input: ZipInput): Promise<void> {
  const zf = await openZip(input);
  try {
    if (zf.entryCount > 0) await nextEntry(zf);
  } finally {
    zf.close();
  }
}

/** Reads the next central-directory record, or null at the end. Errors (corrupt directory) reject. */
function nextEntry(zf: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: Entry): void => {
      cleanup();
      resolve(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      zf.off('entry', onEntry);
      zf.off('end', onEnd);
      zf.off('error', onError);
    };
    zf.on('entry', onEntry);
    zf.on('end', onEnd);
    zf.on('error', onError);
    zf.readEntry();
  });
}

/**
 * Decodes an entry name: Info-ZIP Unicode Path extra field (0x7075) if valid, else UTF-8 when general-purpose
 * bit 11 is set, else CP437 (APPNOTE.TXT appendix D). Backslashes become `/` (archives made on Windows).
 */
export function entryName(e: Entry): string {
  const raw = e.fileNameRaw ?? (e.fileName as unknown as Buffer);
  return yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
}

/** Why a name is unsafe to treat as a path inside the archive, or null. */
export function unsafeName(name: string): string | null {
  if (name.includes('\0')) return 'NUL byte in entry name';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter in entry name';
  if (name.startsWith('/')) return 'absolute path in entry name';
  if (name.split('/').includes('..')) return '".." segment in entry name';
  return null;
}

function entryMtime(e: Entry): string | null {
  try {
    if (e.lastModFileDate === 0 && e.lastModFileTime === 0) return null;
    const d = e.getLastModDate({ timezone: 'UTC' });
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  } catch {
    return null;
  }
}

/** Streams one entry. Uses `shared` while it is open (the walker's handle), else opens the archive anew. */
async function* streamEntry(archive: ZipInput, entry: Entry, shared: () => ZipFile | null): AsyncGenerator<Buffer> {
  let zf = shared();
  let own = false;
  if (zf === null || !zf.isOpen) {
    zf = await openZip(archive);
    own = true;
  }
  let got = 0;
  try {
    const stream = await zf.openReadStreamPromise(entry);
    for await (const chunk of stream) {
      got += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (err) {
    // yauzl's errors (bad local header, inflate error, content longer than declared) as located Kahu errors.
    throw new KahuError('io', `zip entry unreadable after ${got} bytes: ${(err as Error).message}`, { cause: err, location: { offset: got } });
  } finally {
    if (own) zf.close();
  }
}

/**
 * Walks an archive's central directory, applying the guards. Every refused entry is both reported to
 * `issues` (code `zip-refused`, with the entry name) and yielded with `refused` set, so the case lists it.
 * A corrupt directory ends the walk with an issue; entries already yielded stay valid.
 */
export async function* walkZip(
  archive: ZipInput,
  display: string,
  issues: IssueSink,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  budget: ZipBudget = { used: 0 },
): AsyncGenerator<ZipItem> {
  let zf: ZipFile | null = await openZip(archive);
  const shared = (): ZipFile | null => zf;
  let index = 0;
  const refuse = (name: string, why: string): void => {
    issues.report({
      code: 'zip-refused',
      severity: 'warning',
      message: `zip entry refused: ${why}: ${JSON.stringify(name)}`,
      location: { path: `${display}!/${name}` },
    });
  };
  try {
    for (;;) {
      let e: Entry | null;
      try {
        e = await nextEntry(zf);
      } catch (err) {
        issues.report({
          code: 'zip-refused',
          severity: 'error',
          message: `zip archive unreadable after ${index} entries: ${(err as Error).message}`,
          location: { path: display },
        });
        return;
      }
      if (e === null) return;
      index++;
      const entry = e;
      let name: string;
      try {
        name = entryName(entry);
      } catch {
        name = `#${index}`;
      }
      if (name.endsWith('/')) continue; // directory record
      const item: ZipItem = {
        index,
        name,
        size: entry.uncompressedSize,
        mtime: entryMtime(entry),
        open: () => streamEntry(archive, entry, shared),
      };
      const refusal = checkEntry(entry, name, index, budget.used, limits);
      if (refusal !== null) {
        refuse(name, refusal);
        yield { ...item, refused: refusal, open: emptyStream };
        if (refusal.startsWith('more than')) return;
        continue;
      }
      budget.used += entry.uncompressedSize;
      yield item;
    }
  } finally {
    zf.close();
    zf = null;
  }
}

function checkEntry(e: Entry, name: string, index: number, total: number, l: ZipLimits): string | null {
  const unsafe = unsafeName(name);
  if (unsafe) return unsafe;
  if (index > l.maxEntries) return `more than ${l.maxEntries} entries in the archive (the rest is not read)`;
  if (e.isEncrypted()) return 'encrypted entry (no password support)';
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
    return `unsupported compression method ${e.compressionMethod} (only stored and deflate)`;
  }
  if (e.uncompressedSize > l.maxEntryBytes) return `entry of ${e.uncompressedSize} bytes exceeds the ${l.maxEntryBytes}-byte limit`;
  const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
  if (e.uncompressedSize > l.ratioMinBytes && ratio > l.maxRatio) {
    return `compression ratio ${Math.round(ratio)}:1 exceeds ${l.maxRatio}:1 (zip bomb guard)`;
  }
  if (total + e.uncompressedSize > l.maxTotalBytes) return `archive total (archives inside it included) would exceed ${l.maxTotalBytes} bytes`;
  return null;
}

/** The content of a refused entry: nothing is read from it. */
async function* emptyStream(): AsyncGenerator<Buffer> {}
