import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer for tests (APPNOTE.TXT 6.3.x: §4.3.7 local file header, §4.3.12 central directory
 * header, §4.3.16 end of central directory record). It writes exactly what a test asks for, including what a
 * well-behaved archiver never would: `..` and absolute names, encryption flags without encryption, lying
 * sizes, a broken central directory. No zip64, no data descriptors.
 */
export interface ZipEntrySpec {
  /** Entry name; a Buffer is written as raw bytes (for CP437 or invalid names). */
  name: string | Buffer;
  data: Buffer | string;
  /** 0 = stored, 8 = deflate (default). */
  method?: 0 | 8;
  /** General-purpose flags (bit 0 = encrypted, bit 11 = UTF-8 name). */
  flags?: number;
  /** Override the declared uncompressed size (the real data is still written). */
  declaredSize?: number;
  /** DOS date/time (default 2021-03-03 07:43:16). */
  dosDate?: number;
  dosTime?: number;
}

/** Builds a zip archive. `corruptCentralDirectory` overwrites the first central header's signature. */
export function buildZip(entries: ZipEntrySpec[], opts: { corruptCentralDirectory?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosDate = ((2021 - 1980) << 9) | (3 << 5) | 3;
  const dosTime = (7 << 11) | (43 << 5) | (16 >> 1);
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const flags = e.flags ?? (typeof e.name === 'string' && /[^\x00-\x7f]/.test(e.name) ? 0x800 : 0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(e.dosTime ?? dosTime, 10);
    lh.writeUInt16LE(e.dosDate ?? dosDate, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(e.dosTime ?? dosTime, 12);
    ch.writeUInt16LE(e.dosDate ?? dosDate, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  if (opts.corruptCentralDirectory && cd.length >= 4) cd.writeUInt32LE(0xdeadbeef, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
