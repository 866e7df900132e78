// A small EVTX writer for tests: builds file headers, chunks (with valid CRCs), records, template
// definitions and instances from a JS description, so edge cases and damage can be made byte-exact
// without copying any real log into the repo. Layout facts: libyal EVTX format notes, MS-EVEN6 §2.2.
import { crc32 } from 'node:zlib';

/** A substitution placeholder in a template. */
export interface TSub {
  sub: number;
  type: number;
  optional?: boolean;
}
/** Attribute value in a template: literal text or a substitution. */
export type TAttr = string | TSub;
/** A template node. */
export type TNode = { el: string; attrs?: Record<string, TAttr>; children?: TNode[] } | { text: string } | TSub;

/** A substitution value: type code and raw bytes (or a nested fragment for type 0x21). */
export interface TValue {
  type: number;
  bytes?: Buffer;
  nested?: { template: TemplateSpec; values: TValue[] };
}

/** A template: an id (GUID's first 4 bytes) and its root node. */
export interface TemplateSpec {
  id: number;
  root: TNode;
}

/** Value encoders for the common types (MS-EVEN6 §2.2.12 value types). */
export const val = {
  null: (): TValue => ({ type: 0x00, bytes: Buffer.alloc(0) }),
  str: (s: string): TValue => ({ type: 0x01, bytes: Buffer.from(`${s}\0`, 'utf16le') }),
  ansi: (s: string): TValue => ({ type: 0x02, bytes: Buffer.from(`${s}\0`, 'latin1') }),
  i8: (n: number): TValue => ({ type: 0x03, bytes: Buffer.from([n & 0xff]) }),
  u8: (n: number): TValue => ({ type: 0x04, bytes: Buffer.from([n]) }),
  i16: (n: number): TValue => le(0x05, 2, (b) => b.writeInt16LE(n)),
  u16: (n: number): TValue => le(0x06, 2, (b) => b.writeUInt16LE(n)),
  i32: (n: number): TValue => le(0x07, 4, (b) => b.writeInt32LE(n)),
  u32: (n: number): TValue => le(0x08, 4, (b) => b.writeUInt32LE(n)),
  i64: (n: bigint): TValue => le(0x09, 8, (b) => b.writeBigInt64LE(n)),
  u64: (n: bigint): TValue => le(0x0a, 8, (b) => b.writeBigUInt64LE(n)),
  f32: (n: number): TValue => le(0x0b, 4, (b) => b.writeFloatLE(n)),
  f64: (n: number): TValue => le(0x0c, 8, (b) => b.writeDoubleLE(n)),
  bool: (v: boolean): TValue => le(0x0d, 4, (b) => b.writeUInt32LE(v ? 1 : 0)),
  bin: (b: Buffer): TValue => ({ type: 0x0e, bytes: b }),
  guid: (s: string): TValue => ({ type: 0x0f, bytes: guidBytes(s) }),
  sizet: (n: bigint): TValue => le(0x10, 8, (b) => b.writeBigUInt64LE(n)),
  filetime: (iso: string, extraTicks = 0): TValue => le(0x11, 8, (b) => b.writeBigUInt64LE(isoToFiletime(iso) + BigInt(extraTicks))),
  systime: (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): TValue =>
    le(0x12, 16, (b) => [y, mo, 0, d, h, mi, s, ms].forEach((v, i) => b.writeUInt16LE(v, i * 2))),
  sid: (s: string): TValue => ({ type: 0x13, bytes: sidBytes(s) }),
  hex32: (n: number): TValue => le(0x14, 4, (b) => b.writeUInt32LE(n)),
  hex64: (n: bigint): TValue => le(0x15, 8, (b) => b.writeBigUInt64LE(n)),
  strArray: (xs: string[]): TValue => ({ type: 0x81, bytes: Buffer.from(xs.map((x) => `${x}\0`).join(''), 'utf16le') }),
  u32Array: (xs: number[]): TValue => {
    const b = Buffer.alloc(xs.length * 4);
    xs.forEach((x, i) => b.writeUInt32LE(x, i * 4));
    return { type: 0x88, bytes: b };
  },
  binxml: (template: TemplateSpec, values: TValue[]): TValue => ({ type: 0x21, nested: { template, values } }),
  raw: (type: number, bytes: Buffer): TValue => ({ type, bytes }),
};

function le(type: number, n: number, f: (b: Buffer) => void): TValue {
  const b = Buffer.alloc(n);
  f(b);
  return { type, bytes: b };
}

/** ISO time → FILETIME ticks. */
export function isoToFiletime(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 10000n + 116444736000000000n;
}

function guidBytes(s: string): Buffer {
  const h = s.replace(/[{}-]/g, '');
  const b = Buffer.from(h, 'hex');
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

function sidBytes(s: string): Buffer {
  const parts = s.split('-').slice(1).map(Number);
  const [rev, auth, ...subs] = parts as [number, number, ...number[]];
  const b = Buffer.alloc(8 + subs.length * 4);
  b[0] = rev;
  b[1] = subs.length;
  b.writeUIntBE(auth, 2, 6);
  subs.forEach((x, i) => b.writeUInt32LE(x, 8 + i * 4));
  return b;
}

/** Writes BinXML at known chunk offsets (names are stored inline, as the format allows). */
class Bx {
  parts: Buffer[] = [];
  len = 0;
  constructor(
    readonly base: number,
    readonly dependencyIds: boolean,
  ) {}
  get pos(): number {
    return this.base + this.len;
  }
  push(b: Buffer): void {
    this.parts.push(b);
    this.len += b.length;
  }
  u8(n: number): void {
    this.push(Buffer.from([n]));
  }
  u16(n: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    this.push(b);
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    this.push(b);
  }
  name(s: string): void {
    this.u32(this.pos + 4);
    this.u32(0);
    this.u16(0);
    this.u16(s.length);
    this.push(Buffer.from(s, 'utf16le'));
    this.u16(0);
  }
  node(n: TNode): void {
    if ('text' in n) {
      this.u8(0x05);
      this.u8(0x01);
      this.u16(n.text.length);
      this.push(Buffer.from(n.text, 'utf16le'));
    } else if ('sub' in n) {
      this.u8(n.optional ? 0x0e : 0x0d);
      this.u16(n.sub);
      this.u8(n.type);
    } else {
      // Built separately so the element and attribute-list sizes can be filled in afterwards.
      const e = new Bx(this.pos, this.dependencyIds);
      const attrs = Object.entries(n.attrs ?? {});
      e.u8(attrs.length ? 0x41 : 0x01);
      if (this.dependencyIds) e.u16(0xffff);
      const sizeAt = e.len;
      e.u32(0);
      e.name(n.el);
      if (attrs.length) {
        const listAt = e.len;
        e.u32(0);
        attrs.forEach(([k, v], i) => {
          e.u8(i < attrs.length - 1 ? 0x46 : 0x06);
          e.name(k);
          e.node(typeof v === 'string' ? { text: v } : v);
        });
        e.patch(listAt, e.len - listAt - 4);
      }
      const kids = n.children ?? [];
      if (kids.length === 0) e.u8(0x03);
      else {
        e.u8(0x02);
        for (const k of kids) e.node(k);
        e.u8(0x04);
      }
      e.patch(sizeAt, e.len - sizeAt - 4);
      this.push(e.bytes());
    }
  }
  patch(at: number, v: number): void {
    const b = this.bytes();
    b.writeUInt32LE(v, at);
    this.parts = [b];
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Builds one 64 KiB chunk record by record. */
export class ChunkWriter {
  readonly buf = Buffer.alloc(65536);
  pos = 512;
  firstId = -1;
  lastId = -1;
  lastRecordOffset = 0;
  private templates = new Map<number, number>();

  /** Appends a record whose event is `template` instantiated with `values`; returns its chunk offset. */
  addRecord(id: number, template: TemplateSpec, values: TValue[], written = '2024-01-02T03:04:05Z'): number {
    const start = this.pos;
    const bx = new Bx(start + 24, true);
    bx.push(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
    this.instance(bx, template, values);
    bx.u8(0x00);
    const data = bx.bytes();
    const size = 24 + data.length + 4;
    if (start + size > this.buf.length) throw new Error('chunk full');
    this.buf.writeUInt32LE(0x2a2a, start);
    this.buf.writeUInt32LE(size, start + 4);
    this.buf.writeBigUInt64LE(BigInt(id), start + 8);
    this.buf.writeBigUInt64LE(isoToFiletime(written), start + 16);
    data.copy(this.buf, start + 24);
    this.buf.writeUInt32LE(size, start + size - 4);
    this.pos = start + size;
    if (this.firstId < 0) this.firstId = id;
    this.lastId = id;
    this.lastRecordOffset = start;
    return start;
  }

  /** Free bytes left. */
  get free(): number {
    return this.buf.length - this.pos;
  }

  private instance(bx: Bx, t: TemplateSpec, values: TValue[]): void {
    bx.u8(0x0c);
    bx.u8(0x01);
    bx.u32(t.id);
    const known = this.templates.get(t.id);
    if (known !== undefined) bx.u32(known);
    else {
      const defOff = bx.pos + 4;
      bx.u32(defOff);
      this.templates.set(t.id, defOff);
      const body = new Bx(defOff + 24, true);
      body.push(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
      body.node(t.root);
      body.u8(0x00);
      const b = body.bytes();
      bx.u32(0); // next template
      const guid = Buffer.alloc(16, 0x11);
      guid.writeUInt32LE(t.id);
      bx.push(guid);
      bx.u32(b.length);
      bx.push(b);
    }
    bx.u32(values.length);
    // Encode values first (nested fragments need their final offsets, hence two passes).
    const descAt = bx.pos;
    let at = descAt + values.length * 4;
    const encoded: Buffer[] = [];
    for (const v of values) {
      let bytes = v.bytes ?? Buffer.alloc(0);
      if (v.nested) {
        const probe = this.nested(at, v.nested.template, v.nested.values, new Map(this.templates));
        bytes = this.nested(at, v.nested.template, v.nested.values, this.templates);
        if (probe.length !== bytes.length) throw new Error('nested size changed');
      }
      encoded.push(bytes);
      at += bytes.length;
    }
    values.forEach((v, i) => {
      bx.u16(encoded[i]!.length);
      bx.u8(v.type);
      bx.u8(0);
    });
    for (const b of encoded) bx.push(b);
  }

  private nested(base: number, t: TemplateSpec, values: TValue[], templates: Map<number, number>): Buffer {
    const saved = this.templates;
    this.templates = templates;
    const bx = new Bx(base, false);
    bx.push(Buffer.from([0x0f, 0x01, 0x01, 0x00]));
    this.instance(bx, t, values);
    bx.u8(0x00);
    this.templates = saved;
    return bx.bytes();
  }

  /** The finished chunk with header fields and both CRCs. */
  finish(opts: { freeSpace?: number } = {}): Buffer {
    const b = this.buf;
    b.write('ElfChnk\0', 0, 'latin1');
    b.writeBigUInt64LE(BigInt(Math.max(this.firstId, 0)), 8);
    b.writeBigUInt64LE(BigInt(Math.max(this.lastId, 0)), 16);
    b.writeBigUInt64LE(BigInt(Math.max(this.firstId, 0)), 24);
    b.writeBigUInt64LE(BigInt(Math.max(this.lastId, 0)), 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordOffset, 44);
    const free = opts.freeSpace ?? this.pos;
    b.writeUInt32LE(free, 48);
    b.writeUInt32LE(crc32(b.subarray(512, this.pos)), 52);
    b.writeUInt32LE(crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))), 124);
    return Buffer.from(b);
  }
}

/** A file header for `chunks` chunks (CRC valid). */
export function fileHeader(chunks: number, flags = 0): Buffer {
  const b = Buffer.alloc(4096);
  b.write('ElfFile\0', 0, 'latin1');
  b.writeBigUInt64LE(0n, 8);
  b.writeBigUInt64LE(BigInt(Math.max(chunks - 1, 0)), 16);
  b.writeUInt32LE(128, 32);
  b.writeUInt16LE(1, 36);
  b.writeUInt16LE(3, 38);
  b.writeUInt16LE(4096, 40);
  b.writeUInt16LE(chunks, 42);
  b.writeUInt32LE(flags, 120);
  b.writeUInt32LE(crc32(b.subarray(0, 120)), 124);
  return b;
}

/** A whole file: header + chunks. */
export function evtxFile(chunks: Buffer[], flags = 0): Buffer {
  return Buffer.concat([fileHeader(chunks.length, flags), ...chunks]);
}

/** The usual Windows event shape: System with typed values, then EventData with named Data elements. */
export const SYSTEM_TEMPLATE: TemplateSpec = {
  id: 0x5eed0001,
  root: {
    el: 'Event',
    attrs: { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    children: [
      {
        el: 'System',
        children: [
          { el: 'Provider', attrs: { Name: { sub: 0, type: 0x01 }, Guid: { sub: 1, type: 0x0f, optional: true } } },
          { el: 'EventID', attrs: { Qualifiers: { sub: 2, type: 0x06, optional: true } }, children: [{ sub: 3, type: 0x06 }] },
          { el: 'Level', children: [{ sub: 4, type: 0x04 }] },
          { el: 'Keywords', children: [{ sub: 5, type: 0x15 }] },
          { el: 'TimeCreated', attrs: { SystemTime: { sub: 6, type: 0x11 } } },
          { el: 'EventRecordID', children: [{ sub: 7, type: 0x0a }] },
          { el: 'Correlation', attrs: { ActivityID: { sub: 8, type: 0x0f, optional: true } } },
          { el: 'Channel', children: [{ sub: 9, type: 0x01 }] },
          { el: 'Computer', children: [{ sub: 10, type: 0x01 }] },
          { el: 'Security', attrs: { UserID: { sub: 11, type: 0x13, optional: true } } },
        ],
      },
      {
        el: 'EventData',
        children: [
          { el: 'Data', attrs: { Name: 'CommandLine' }, children: [{ sub: 12, type: 0x01 }] },
          { el: 'Data', attrs: { Name: 'ProcessId' }, children: [{ sub: 13, type: 0x08 }] },
        ],
      },
    ],
  },
};

/** Values for SYSTEM_TEMPLATE. */
export function systemValues(id: number, cmd = `cmd.exe /c echo ${id}`): TValue[] {
  return [
    val.str('Microsoft-Windows-Sysmon'),
    val.guid('5770385F-C22A-43E0-BF4C-06F5698FFBD9'),
    val.null(),
    val.u16(1),
    val.u8(4),
    val.hex64(0x8000000000000000n),
    val.filetime('2024-01-02T03:04:05.123Z', 4567),
    val.u64(BigInt(id)),
    val.null(),
    val.str('Microsoft-Windows-Sysmon/Operational'),
    val.str('host1'),
    val.sid('S-1-5-18'),
    val.str(cmd),
    val.u32(4242),
  ];
}

/** A clean file of `chunks` chunks with `perChunk` SYSTEM_TEMPLATE records each (ids from 1). */
export function cleanFile(chunks = 2, perChunk = 10): Buffer {
  const out: Buffer[] = [];
  let id = 1;
  for (let c = 0; c < chunks; c++) {
    const w = new ChunkWriter();
    for (let i = 0; i < perChunk; i++, id++) w.addRecord(id, SYSTEM_TEMPLATE, systemValues(id));
    out.push(w.finish());
  }
  return evtxFile(out);
}

/** Chunk-relative offsets of the records of a chunk written by ChunkWriter (walks the size fields). */
export function recordOffsets(chunk: Buffer): number[] {
  const out: number[] = [];
  let p = 512;
  const free = chunk.readUInt32LE(48);
  while (p + 28 <= free && chunk.readUInt32LE(p) === 0x2a2a) {
    out.push(p);
    p += chunk.readUInt32LE(p + 4);
  }
  return out;
}
