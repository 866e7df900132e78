// One 64 KiB EVTX chunk being filled (libyal EVTX §"Chunk"): a 512-byte header, event records from offset
// 512, then zeroed free space. The header holds (chunk offsets):
//   0 "ElfChnk\0" | 8 first / 16 last event record number | 24 first / 32 last event record id |
//   40 header size 128 | 44 offset of the last record | 48 free space offset | 52 CRC32 of bytes 512..free |
//   120 flags | 124 CRC32 of bytes 0..120 and 128..512 | 128 common string offsets (64 x u32) |
//   384 template pointers (32 x u32).
// Records (libyal §"Event record"): "**\0\0", u32 size, u64 record id, u64 FILETIME written, BinXML, u32 size.
// The two tables are hash tables with chaining, newest entry first, as Windows fills them: a name sits in
// bucket `NameHash % 64` and links to the previous name of that bucket through its first u32; a template
// definition sits in bucket `hash65599(GUID as 8 u16) % 32` and links through its first u32 (observed on
// ../shared/data/evtx: 507 of 522 definitions in 80 EVTX-ATTACK-SAMPLES files; the rest are in filtered
// exports). Readers do not need the tables (names and templates are reached by offset) but tools that walk
// them (python-evtx's chunk.strings()/templates()) do.
import { crc32 } from 'node:zlib';
import { ChunkCursor, ChunkFull, writeEventBody, type ChunkTables, type InstanceValue, type Template } from './binxml.js';
import { filetimeTicks } from './values.js';

/** Chunk size (libyal §"Chunk"). */
export const CHUNK_SIZE = 0x10000;
/** Chunk header size; records start here. */
export const CHUNK_HEADER_SIZE = 512;

/** Bucket of a template definition in the chunk's 32-entry template table. */
export function templateBucket(guid: Buffer): number {
  let h = 0;
  for (let i = 0; i < 16; i += 2) h = (Math.imul(h, 65599) + guid.readUInt16LE(i)) >>> 0;
  return h % 32;
}

/** A record that does not fit even in an empty chunk (Windows cannot store it either). */
export class RecordTooLarge extends Error {
  constructor(readonly recordId: bigint) {
    super(`event record ${recordId} does not fit in one 64 KiB chunk`);
    this.name = 'RecordTooLarge';
  }
}

/** Fills one chunk with records; `seal()` writes the header and its CRCs. */
export class ChunkBuilder implements ChunkTables {
  readonly buf = Buffer.alloc(CHUNK_SIZE);
  private pos = CHUNK_HEADER_SIZE;
  private lastRecordAt = 0;
  private firstId: bigint | null = null;
  private lastId = 0n;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<string, number>();
  // Additions of the record being written, undone if it does not fit.
  private pendingNames: string[] = [];
  private pendingTemplates: string[] = [];
  private readonly stringTable = new Uint32Array(64);
  private readonly templateTable = new Uint32Array(32);

  /** Number of records in the chunk. */
  get count(): number {
    return this.firstId === null ? 0 : Number(this.lastId - this.firstId) + 1;
  }

  nameAt(name: string): number | undefined {
    return this.names.get(name);
  }
  addName(name: string, hash: number, offset: number): number {
    const bucket = hash % 64;
    const next = this.stringTable[bucket]!;
    this.stringTable[bucket] = offset;
    this.names.set(name, offset);
    this.pendingNames.push(name);
    return next;
  }
  templateAt(t: Template): number | undefined {
    return this.templates.get(t.key);
  }
  addTemplate(t: Template, offset: number): number {
    const bucket = templateBucket(t.guid);
    const next = this.templateTable[bucket]!;
    this.templateTable[bucket] = offset;
    this.templates.set(t.key, offset);
    this.pendingTemplates.push(t.key);
    return next;
  }

  /**
   * Appends a record (id, written time, the event as a template instance). Returns false, with the chunk
   * unchanged, when it does not fit; throws RecordTooLarge when it would not fit in an empty chunk either, and
   * rethrows (chunk unchanged) when a value cannot be encoded.
   */
  add(id: bigint, writtenMs: number, template: Template, values: readonly InstanceValue[]): boolean {
    const strings = this.stringTable.slice();
    const temps = this.templateTable.slice();
    this.pendingNames = [];
    this.pendingTemplates = [];
    const start = this.pos;
    const c = new ChunkCursor(this.buf, start, CHUNK_SIZE);
    try {
      c.u32(0x00002a2a); // "**\0\0"
      const sizeAt = c.u32(0);
      c.u64(id);
      c.u64(filetimeTicks(writtenMs));
      writeEventBody(c, this, template, values);
      const size = c.pos + 4 - start;
      c.u32(size);
      this.buf.writeUInt32LE(size, sizeAt);
    } catch (err) {
      // Roll back whatever failed (no room, or a value that cannot be encoded): forget the names and templates
      // this record added, restore the tables, clear its bytes. The chunk is as it was before the call.
      for (const n of this.pendingNames) this.names.delete(n);
      for (const k of this.pendingTemplates) this.templates.delete(k);
      this.stringTable.set(strings);
      this.templateTable.set(temps);
      this.buf.fill(0, start);
      if (!(err instanceof ChunkFull)) throw err;
      if (this.count === 0) throw new RecordTooLarge(id);
      return false;
    }
    this.pos = c.pos;
    this.lastRecordAt = start;
    this.firstId ??= id;
    this.lastId = id;
    return true;
  }

  /** Writes the header (record ranges, free space offset, tables, both CRC32s) and returns the 64 KiB chunk. */
  seal(): Buffer {
    const b = this.buf;
    b.write('ElfChnk\0', 0, 'latin1');
    const first = this.firstId ?? 0n;
    // A fresh log numbers records from 1 with no gaps, so the record numbers equal the record ids.
    b.writeBigUInt64LE(first, 8);
    b.writeBigUInt64LE(this.lastId, 16);
    b.writeBigUInt64LE(first, 24);
    b.writeBigUInt64LE(this.lastId, 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordAt, 44);
    b.writeUInt32LE(this.pos, 48);
    b.writeUInt32LE(crc32(b.subarray(CHUNK_HEADER_SIZE, this.pos)), 52);
    b.writeUInt32LE(0, 120);
    for (let i = 0; i < 64; i++) b.writeUInt32LE(this.stringTable[i]!, 128 + i * 4);
    for (let i = 0; i < 32; i++) b.writeUInt32LE(this.templateTable[i]!, 384 + i * 4);
    const head = crc32(Buffer.concat([b.subarray(0, 120), b.subarray(128, CHUNK_HEADER_SIZE)]));
    b.writeUInt32LE(head, 124);
    return b;
  }
}
