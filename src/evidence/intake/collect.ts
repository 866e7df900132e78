import type { Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { IssueSink } from '../../core/index.js';
import type { EvidenceFormat } from '../../model/index.js';
import type { MagicType } from '../files/magic.js';
import type { EvidenceParser, EvidenceSource } from '../types.js';
import { detectFormat } from './detect.js';
import { bufferChunks, HEAD_BYTES, headOf, readFileChunks, readFileHead } from './file-source.js';
import { gunzipStream, gzipInnerName, gzipSizeHint } from './gzip.js';
import { DEFAULT_ZIP_LIMITS, probeZip, walkZip, type ZipBudget, type ZipInput, type ZipItem, type ZipLimits } from './zip.js';

/** One input after intake: a readable source plus what intake learned. */
export interface EvidenceEntry extends EvidenceSource {
  /** Modification time, ISO UTC; null for zip entries without one. */
  mtime: string | null;
  /** Last access / inode change / birth time, ISO UTC (files on disk only; null elsewhere or when the OS has none). */
  atime: string | null;
  ctime: string | null;
  birthtime: string | null;
  /** From content detection; `zip`/`gzip` only for the compressed file itself (its content follows as its own entries). */
  format: EvidenceFormat;
  /** The parser for `format`, null when unrecognised (or for an archive). */
  parser: EvidenceParser | null;
  /** Why unrecognised / unreadable / refused. */
  reason?: string;
  /** File type sniffed from the first bytes. */
  magic: MagicType;
  /** False when nothing can be read (refused zip entry, permission denied, special file): `open()` yields nothing. */
  readable: boolean;
  /** Evidence id of the archive this entry is inside. */
  parent?: string;
}

/** Options of `collectEvidence`. */
export interface CollectOptions {
  zipLimits?: Partial<ZipLimits>;
}

/** Extensions whose content is a ZIP container but is a document, not an evidence bundle: inventoried, not expanded. */
const DOCUMENT_ZIPS = new Set(['.docx', '.xlsx', '.pptx', '.docm', '.xlsm', '.pptm', '.jar', '.war', '.apk', '.nupkg', '.vsix', '.odt', '.ods', '.odp', '.epub', '.xpi', '.msix', '.appx']);

function iso(d: Date | undefined): string | null {
  if (!d) return null;
  const t = d.getTime();
  // Linux reports birthtime 0 when the filesystem does not record it.
  return Number.isNaN(t) || t <= 0 ? null : d.toISOString();
}

async function* nothing(): AsyncGenerator<Buffer> {}

/** Files up to this size are read whole with their head (one open, one read), larger ones streamed. */
const WHOLE_FILE_MAX = 1024 * 1024;
/** Folder entries prepared (stat, small files read) ahead of the one being parsed. */
const PREFETCH = 8;

/** The head of a file: the whole file when it is small (see WHOLE_FILE_MAX), else its first HEAD_BYTES. */
function readHead(path: string, size: number): Promise<Buffer> {
  return readFileHead(path, size < WHOLE_FILE_MAX ? WHOLE_FILE_MAX : HEAD_BYTES, size);
}

/** A folder entry stat-ed ahead, with its head read ahead when it is a small regular file. */
interface Prepared {
  st?: Stats;
  err?: Error;
  head?: Promise<Buffer>;
}

const DONE: Promise<Prepared> = Promise.resolve({});

/** Stats a path (through a link when `follow`) and, for a small regular file, starts reading it. */
async function prepare(p: string, follow: boolean): Promise<Prepared> {
  try {
    const st = follow ? await fsp.stat(p) : await fsp.lstat(p);
    if (!st.isFile() || st.size >= WHOLE_FILE_MAX) return { st };
    const head = readHead(p, st.size);
    // Rejections are handled where the head is awaited (fromFile); this only keeps Node from calling them unhandled.
    head.catch(() => undefined);
    return { st, head };
  } catch (err) {
    return { err: err as Error };
  }
}

/** Byte-order comparison (stable across locales, unlike localeCompare). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Walks files, folders (recursively) and `.zip` archives (entries streamed in place, never extracted), detects
 * each file's format by content, and yields entries in a stable order: arguments in the order given, folder
 * contents sorted by name, archive entries in central-directory order right after their archive. Ids are
 * `e0001`, `e0002`... in that order; an archive's entries are `<archive id>.<record index>` (`e0003.12`).
 * Never throws for bad input: unreadable files, refused zip entries, special files become Issues AND entries
 * with format `unrecognised` and a reason. Symbolic links inside folders are listed, not followed.
 */
export async function* collectEvidence(
  paths: string[],
  issues: IssueSink,
  opts: CollectOptions = {},
): AsyncGenerator<EvidenceEntry> {
  const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...opts.zipLimits };
  let counter = 0;
  const nextId = (): string => `e${String(++counter).padStart(4, '0')}`;
  /** dev:ino of every file already listed: a file given twice (or hard-linked) is read once. */
  const seen = new Map<string, string>();

  const unreadable = (id: string, path: string, reason: string, st?: Stats, magic: MagicType = 'empty'): EvidenceEntry => ({
    id,
    path,
    size: st?.size ?? 0,
    mtime: iso(st?.mtime),
    atime: iso(st?.atime),
    ctime: iso(st?.ctime),
    birthtime: iso(st?.birthtime),
    format: 'unrecognised',
    parser: null,
    reason,
    magic,
    readable: false,
    open: nothing,
  });

  async function* fromFile(path: string, st: Stats, prefetched?: Promise<Buffer>): AsyncGenerator<EvidenceEntry> {
    const key = `${st.dev}:${st.ino}`;
    const dup = seen.get(key);
    if (dup !== undefined) {
      issues.report({ code: 'usage', severity: 'info', message: `same file as ${dup}: read once`, location: { path } });
      return;
    }
    const id = nextId();
    seen.set(key, id);
    let head: Buffer;
    try {
      head = await (prefetched ?? readHead(path, st.size));
    } catch (err) {
      const reason = `cannot read: ${(err as Error).message}`;
      issues.report({ code: 'io', severity: 'error', message: reason, location: { path } });
      yield unreadable(id, path, reason, st);
      return;
    }
    const name = basename(path);
    const whole = head.length === st.size && st.size < WHOLE_FILE_MAX;
    const det = detectFormat(head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head, name);
    const base = {
      id,
      path,
      size: st.size,
      mtime: iso(st.mtime),
      atime: iso(st.atime),
      ctime: iso(st.ctime),
      birthtime: iso(st.birthtime),
      magic: det.magic,
      readable: true,
      // A small file was read whole with its head (to EOF: the read asked for one byte more than the stat size).
      open: whole ? () => bufferChunks(head) : () => readFileChunks(path, undefined, st.size),
    };
    if (det.format === 'zip' && !DOCUMENT_ZIPS.has(extname(name).toLowerCase())) {
      yield* fromZip(path, path, base, false);
      return;
    }
    if (det.format === 'zip') {
      yield { ...base, format: 'unrecognised', parser: null, reason: 'ZIP-based document (Office/Java package): inventoried, not expanded' };
      return;
    }
    if (det.magic === 'gzip') {
      yield* fromGzip(path, head, base);
      return;
    }
    yield { ...base, format: det.format, parser: det.parser, ...(det.reason !== undefined ? { reason: det.reason } : {}) };
    if (det.reason !== undefined && det.magic !== 'empty') {
      issues.report({ code: 'unrecognised-format', severity: 'info', message: det.reason, location: { path } });
    }
  }

  /**
   * An archive and its entries. `input` is the archive's path on disk, or its bytes for an archive inside an
   * archive (`nested`), whose own archives are then not expanded: one level, so memory stays bounded by
   * `maxNestedBytes` and a zip quine cannot recurse.
   */
  async function* fromZip(
    input: ZipInput,
    path: string,
    archive: Omit<EvidenceEntry, 'format' | 'parser'>,
    nested: boolean,
    budget: ZipBudget = { used: 0 },
  ): AsyncGenerator<EvidenceEntry> {
    try {
      await probeZip(input);
    } catch (err) {
      const reason = `corrupt ZIP archive: ${(err as Error).message}`;
      issues.report({ code: 'zip-refused', severity: 'error', message: reason, location: { path } });
      yield { ...archive, format: 'unrecognised', parser: null, reason };
      return;
    }
    yield { ...archive, format: 'zip', parser: null };
    try {
      for await (const item of walkZip(input, path, issues, limits, budget)) {
        const id = `${archive.id}.${item.index}`;
        const shown = `${path}!/${item.name}`;
        const common = { id, path: shown, size: item.size, mtime: item.mtime, atime: null, ctime: null, birthtime: null, parent: archive.id };
        if (item.refused !== undefined) {
          yield { ...common, format: 'unrecognised', parser: null, reason: item.refused, magic: 'empty', readable: false, open: nothing };
          continue;
        }
        let head: Buffer;
        try {
          head = await headOf(item.open());
        } catch (err) {
          const reason = `cannot read zip entry: ${(err as Error).message}`;
          issues.report({ code: 'zip-refused', severity: 'error', message: reason, location: { path: shown } });
          yield { ...common, format: 'unrecognised', parser: null, reason, magic: 'empty', readable: false, open: nothing };
          continue;
        }
        const det = detectFormat(head, basename(item.name));
        // A head shorter than HEAD_BYTES that matches the declared size is the whole entry, read to its end (where
        // yauzl checks the size): serve it from memory instead of a second local-header read and inflate. Triage
        // collections are mostly small files.
        const whole = head.length === item.size && head.length < HEAD_BYTES;
        const entry = { ...common, magic: det.magic, readable: true, open: whole ? () => bufferChunks(head) : () => item.open() };
        if (det.magic === 'gzip') {
          // A compressed log inside a zip (collections of rotated logs): decompressed as a stream too.
          yield* fromGzip(null, head, entry, budget);
          continue;
        }
        if (det.format === 'zip') {
          yield* fromInnerZip(item, shown, entry, nested, budget);
          continue;
        }
        yield { ...entry, format: det.format, parser: det.parser, ...(det.reason !== undefined ? { reason: det.reason } : {}) };
        if (det.reason !== undefined && det.magic !== 'empty') {
          issues.report({ code: 'unrecognised-format', severity: 'info', message: det.reason, location: { path: shown } });
        }
      }
    } catch (err) {
      issues.report({ code: 'zip-refused', severity: 'error', message: `zip archive unreadable: ${(err as Error).message}`, location: { path } });
    }
  }

  /**
   * A zip found inside a zip: expanded from memory when it is the first level and fits `maxNestedBytes`, else
   * listed with a warning (its files are neither parsed nor YARA-scanned; only its own bytes are).
   */
  async function* fromInnerZip(
    item: ZipItem,
    shown: string,
    entry: Omit<EvidenceEntry, 'format' | 'parser'>,
    nested: boolean,
    budget: ZipBudget,
  ): AsyncGenerator<EvidenceEntry> {
    let reason: string | null = null;
    if (DOCUMENT_ZIPS.has(extname(item.name).toLowerCase())) {
      yield { ...entry, format: 'unrecognised', parser: null, reason: 'ZIP-based document (Office/Java package): inventoried, not expanded' };
      return;
    }
    if (nested) reason = 'ZIP archive two archives deep: not expanded (archives inside archives are read one level deep)';
    else if (item.size > limits.maxNestedBytes) reason = `ZIP archive inside an archive: ${item.size} bytes exceeds the ${limits.maxNestedBytes}-byte limit for expanding it in memory`;
    let bytes: Buffer | null = null;
    if (reason === null) {
      try {
        // The entry's own open() serves a small archive from the head already read; one byte past the limit tells
        // an archive that grew beyond its declared size.
        bytes = await headOf(entry.open(), limits.maxNestedBytes + 1);
        if (bytes.length > limits.maxNestedBytes) throw new Error(`more than ${limits.maxNestedBytes} bytes`);
      } catch (err) {
        reason = `ZIP archive inside an archive: unreadable: ${(err as Error).message}`;
      }
    }
    if (bytes === null) {
      // A warning, not info: the files inside are neither parsed nor YARA-scanned (only the archive's own bytes are).
      const why = `${reason ?? 'not expanded'}; its files are neither parsed nor YARA-scanned (extract it to scan its content)`;
      issues.report({ code: 'unrecognised-format', severity: 'warning', message: why, location: { path: shown } });
      yield { ...entry, format: 'unrecognised', parser: null, reason: why };
      return;
    }
    const content = bytes;
    // Its entries draw on the outer archive's budget of uncompressed bytes.
    yield* fromZip(content, shown, { ...entry, size: content.length, open: () => bufferChunks(content) }, true, budget);
  }

  /** A gzip file (on disk, or inside a zip: `diskPath` null) and its content as entry `<id>.1`. */
  async function* fromGzip(
    diskPath: string | null,
    head: Buffer,
    container: Omit<EvidenceEntry, 'format' | 'parser'>,
    budget?: ZipBudget,
  ): AsyncGenerator<EvidenceEntry> {
    yield { ...container, format: 'gzip', parser: null };
    const innerName = gzipInnerName(basename(container.path), head);
    const shown = `${container.path}!/${innerName}`;
    const id = `${container.id}.1`;
    let size = 0;
    try {
      // ISIZE needs random access: read it on disk; inside a zip the size stays unknown (0) until read.
      if (diskPath !== null) size = await gzipSizeHint(diskPath, container.size);
    } catch {
      size = 0;
    }
    // Inside a zip, the decompressed bytes draw on the archive's budget: each byte once, however often the content
    // is read (the head, then the whole).
    let charged = 0;
    let over = false;
    const within = (total: number): boolean => {
      if (!budget) return true;
      if (total > charged && !over) {
        budget.used += total - charged;
        charged = total;
        over = budget.used > limits.maxTotalBytes;
      }
      return !over;
    };
    const open = (): AsyncIterable<Buffer> => gunzipStream(container.open(), container.size, limits, within);
    const common = { id, path: shown, size, mtime: container.mtime, atime: null, ctime: null, birthtime: null, parent: container.id };
    let inner: Buffer;
    try {
      inner = await headOf(open());
    } catch (err) {
      const reason = `cannot decompress: ${(err as Error).message}`;
      issues.report({ code: 'io', severity: 'error', message: reason, location: { path: shown } });
      yield { ...common, format: 'unrecognised', parser: null, reason, magic: 'empty', readable: false, open: nothing };
      return;
    }
    const det = detectFormat(inner, innerName);
    const entry = { ...common, magic: det.magic, readable: true, open };
    if (det.format === 'zip' || det.magic === 'gzip') {
      const reason = 'archive inside a gzip file: not expanded, its files are neither parsed nor YARA-scanned (archives are read one level deep)';
      issues.report({ code: 'unrecognised-format', severity: 'warning', message: reason, location: { path: shown } });
      yield { ...entry, format: 'unrecognised', parser: null, reason };
      return;
    }
    yield { ...entry, format: det.format, parser: det.parser, ...(det.reason !== undefined ? { reason: det.reason } : {}) };
    if (det.reason !== undefined && det.magic !== 'empty') {
      issues.report({ code: 'unrecognised-format', severity: 'info', message: det.reason, location: { path: shown } });
    }
  }

  async function* fromDir(dir: string): AsyncGenerator<EvidenceEntry> {
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).sort(byName);
    } catch (err) {
      issues.report({ code: 'io', severity: 'error', message: `cannot list folder: ${(err as Error).message}`, location: { path: dir } });
      return;
    }
    // The next few entries are stat-ed, and small files read, while the current one is parsed: an Exchange tree
    // is thousands of small logs, and waiting for each one's lstat/open/read/close in turn left the parser idle
    // (measured: 30% of a 1 GB Exchange scan).
    const ahead: Array<Promise<Prepared>> = [];
    for (let i = 0; i < Math.min(PREFETCH, names.length); i++) ahead.push(prepare(join(dir, names[i]!), false));
    for (let i = 0; i < names.length; i++) {
      const r = await ahead[i]!;
      ahead[i] = DONE;
      if (i + PREFETCH < names.length) ahead.push(prepare(join(dir, names[i + PREFETCH]!), false));
      yield* fromPrepared(join(dir, names[i]!), r, false);
    }
  }

  /** One path: a folder is walked, a file read, anything else listed. `follow`: stat through a link. */
  async function* fromPath(p: string, follow: boolean): AsyncGenerator<EvidenceEntry> {
    yield* fromPrepared(p, await prepare(p, follow), follow);
  }

  async function* fromPrepared(p: string, r: Prepared, follow: boolean): AsyncGenerator<EvidenceEntry> {
    if (r.st === undefined) {
      const reason = `${follow ? 'cannot open' : 'cannot stat'}: ${r.err?.message ?? 'unknown error'}`;
      issues.report({ code: 'io', severity: 'error', message: reason, location: { path: p } });
      yield unreadable(nextId(), p, reason);
      return;
    }
    if (r.st.isDirectory()) yield* fromDir(p);
    else if (r.st.isFile()) yield* fromFile(p, r.st, r.head);
    else yield* special(p, r.st);
  }

  async function* special(p: string, st: Stats): AsyncGenerator<EvidenceEntry> {
    let reason: string;
    if (st.isSymbolicLink()) {
      let target = '?';
      try {
        target = await fsp.readlink(p);
      } catch {
        /* keep '?' */
      }
      reason = `symbolic link to ${JSON.stringify(target)}: not followed`;
    } else {
      // FIFOs, sockets and devices: opening one could block or read forever.
      reason = 'not a regular file (device, FIFO or socket): not read';
    }
    issues.report({ code: 'unrecognised-format', severity: 'info', message: reason, location: { path: p } });
    yield unreadable(nextId(), p, reason, st);
  }

  // Arguments are followed (the user named them); links met inside folders are not.
  for (const p of paths) yield* fromPath(p, true);
}
