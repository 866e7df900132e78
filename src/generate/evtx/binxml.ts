// BinXML encoding for the EVTX writer (MS-EVEN6 §2.2.12 grammar; libyal EVTX §"Binary XML"): template
// definitions (element trees with literal text and substitution slots) and template instances with their
// typed values, written straight into a chunk buffer, because names and template definitions are addressed
// by chunk-relative offset. Layouts follow what Windows writes (checked on ../shared/data/evtx):
// - element start: token 0x01 (0x41 with attributes), u16 dependency id (0xFFFF = none), u32 data size (bytes
//   after these first 7), u32 name offset; the name follows inline when it is new in the chunk;
// - name: u32 offset of the next name in the same string-table bucket, u16 hash, u16 character count,
//   UTF-16LE characters, NUL;
// - attribute list: u32 size (not counting itself), attributes 0x46 (more follow) / 0x06 (last), each a
//   u32 name offset and one value token;
// - value text: 0x05, type 0x01, u16 character count, UTF-16LE without NUL;
// - substitution: 0x0d normal / 0x0e optional, u16 index, u8 value type;
// - template instance: 0x0c, u8 0x01, u32 template id, u32 definition offset; when the definition is new in
//   the chunk it follows inline: u32 next definition in the same template-table bucket, 16-byte GUID,
//   u32 body size, body (fragment header, element, EOF); then u32 value count, {u16 size, u8 type, u8 0}
//   descriptors and the values back to back.
import { createHash } from 'node:crypto';
import { encodeValue, VALUE_TYPE, type EvtxValue } from './values.js';

const TOK_EOF = 0x00;
const TOK_OPEN_START = 0x01;
const TOK_CLOSE_START = 0x02;
const TOK_CLOSE_EMPTY = 0x03;
const TOK_END_ELEMENT = 0x04;
const TOK_VALUE = 0x05;
const TOK_ATTRIBUTE = 0x06;
const TOK_TEMPLATE_INSTANCE = 0x0c;
const TOK_NORMAL_SUBST = 0x0d;
const TOK_OPTIONAL_SUBST = 0x0e;
const TOK_FRAGMENT_HEADER = 0x0f;
/** The 0x40 bit: "has attributes" on element starts, "more follow" on attributes. */
const MORE = 0x40;

/** A substitution slot of a template: index into the instance's values and the value type it expects. */
export interface TplSub {
  readonly sub: number;
  readonly type: number;
  readonly optional?: boolean;
}
/** Literal text in a template. */
export interface TplText {
  readonly text: string;
}
/** An element of a template. Attribute values are literal text or a substitution. */
export interface TplElement {
  readonly el: string;
  readonly attrs?: readonly (readonly [string, TplText | TplSub])[];
  readonly children?: readonly TplNode[];
}
/** A node of a template body. */
export type TplNode = TplElement | TplText | TplSub;

/** A template: its root element, the GUID Windows keys it by and the id (the GUID's first 32 bits). */
export interface Template {
  readonly root: TplElement;
  readonly guid: Buffer;
  readonly id: number;
  /** Canonical text of the body, the key the chunk's template cache uses. */
  readonly key: string;
}

/** A substitution value, or a nested BinXML fragment (type 0x21) holding another template instance. */
export type InstanceValue = EvtxValue | NestedFragment;
/** A nested BinXML fragment value: one instance of another template. */
export interface NestedFragment {
  readonly template: Template;
  readonly values: readonly InstanceValue[];
}

/**
 * Makes a template. Its GUID is derived from the body (MD5 of the canonical text), so the same shape gets the
 * same GUID in every chunk and every run: deterministic output, and readers that cache templates by GUID
 * (python-evtx, the evtx crate) see one template per shape, as in Windows logs.
 */
export function makeTemplate(root: TplElement): Template {
  const key = JSON.stringify(root);
  const guid = createHash('md5').update(key).digest();
  // Version nibble 4 and the RFC 4122 variant, so the GUID looks like the random GUIDs Windows uses.
  guid[7] = (guid[7]! & 0x0f) | 0x40;
  guid[8] = (guid[8]! & 0x3f) | 0x80;
  return { root, guid, id: guid.readUInt32LE(0), key };
}

/** The chunk bookkeeping the encoder needs: names and templates already present, by chunk offset. */
export interface ChunkTables {
  /** Chunk offset of a name already written in this chunk. */
  nameAt(name: string): number | undefined;
  /** Records a name written at `offset`; returns the offset of the next name in its bucket (0 if none). */
  addName(name: string, hash: number, offset: number): number;
  /** Chunk offset of a template definition already written in this chunk. */
  templateAt(t: Template): number | undefined;
  /** Records a definition written at `offset`; returns the offset of the next definition in its bucket. */
  addTemplate(t: Template, offset: number): number;
}

/** Thrown when an encoding would pass the end of the chunk; the chunk builder rolls the record back. */
export class ChunkFull extends Error {
  constructor() {
    super('chunk full');
    this.name = 'ChunkFull';
  }
}

/** A bounded little-endian writer over the chunk buffer; positions are chunk offsets. */
export class ChunkCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}
  private room(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new ChunkFull();
    this.pos += n;
    return at;
  }
  u8(v: number): number {
    const at = this.room(1);
    this.buf[at] = v;
    return at;
  }
  u16(v: number): number {
    const at = this.room(2);
    this.buf.writeUInt16LE(v, at);
    return at;
  }
  u32(v: number): number {
    const at = this.room(4);
    this.buf.writeUInt32LE(v >>> 0, at);
    return at;
  }
  u64(v: bigint): number {
    const at = this.room(8);
    this.buf.writeBigUInt64LE(v, at);
    return at;
  }
  bytes(b: Buffer): number {
    const at = this.room(b.length);
    b.copy(this.buf, at);
    return at;
  }
  utf16(s: string): number {
    const at = this.room(Buffer.byteLength(s, 'utf16le'));
    this.buf.write(s, at, 'utf16le');
    return at;
  }
}

/**
 * The name hash Windows stores (MS-EVEN6 §2.2.12 NameHash): hash = hash * 65599 + UTF-16 code unit over the
 * name, low 16 bits. Its value modulo 64 selects the chunk's string-table bucket (checked on the corpus: all
 * 3,728 names of 80 EVTX-ATTACK-SAMPLES files sit in bucket `hash % 64`).
 */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** Writes a name reference: the u32 offset, then the name itself inline when it is new in this chunk. */
function writeName(c: ChunkCursor, tables: ChunkTables, name: string): void {
  const known = tables.nameAt(name);
  if (known !== undefined) {
    c.u32(known);
    return;
  }
  if (name.length > 0xffff) throw new RangeError('name longer than 65535 characters');
  const at = c.pos + 4;
  c.u32(at);
  const hash = nameHash(name);
  const next = tables.addName(name, hash, at);
  c.u32(next);
  c.u16(hash);
  c.u16(name.length);
  c.utf16(name);
  c.u16(0);
}

function writeText(c: ChunkCursor, text: string): void {
  // One value-text token holds at most 65535 characters; longer text continues in further tokens (0x45 = more).
  let rest = text;
  do {
    const part = rest.slice(0, 0xffff);
    rest = rest.slice(part.length);
    c.u8(rest.length > 0 ? TOK_VALUE | MORE : TOK_VALUE);
    c.u8(VALUE_TYPE.String);
    c.u16(part.length);
    c.utf16(part);
  } while (rest.length > 0);
}

function writeSub(c: ChunkCursor, s: TplSub): void {
  c.u8(s.optional ? TOK_OPTIONAL_SUBST : TOK_NORMAL_SUBST);
  c.u16(s.sub);
  c.u8(s.type);
}

function writeNode(c: ChunkCursor, tables: ChunkTables, n: TplNode): void {
  if ('el' in n) writeElement(c, tables, n);
  else if ('text' in n) writeText(c, n.text);
  else writeSub(c, n);
}

function writeElement(c: ChunkCursor, tables: ChunkTables, e: TplElement): void {
  const attrs = e.attrs ?? [];
  const children = e.children ?? [];
  c.u8(attrs.length > 0 ? TOK_OPEN_START | MORE : TOK_OPEN_START);
  c.u16(0xffff); // dependency id: not set (what Windows writes for elements that depend on no substitution)
  const sizeAt = c.u32(0);
  writeName(c, tables, e.el);
  if (attrs.length > 0) {
    const listAt = c.u32(0);
    attrs.forEach(([name, value], i) => {
      c.u8(i < attrs.length - 1 ? TOK_ATTRIBUTE | MORE : TOK_ATTRIBUTE);
      writeName(c, tables, name);
      if ('text' in value) writeText(c, value.text);
      else writeSub(c, value);
    });
    c.buf.writeUInt32LE(c.pos - (listAt + 4), listAt);
  }
  if (children.length === 0) c.u8(TOK_CLOSE_EMPTY);
  else {
    c.u8(TOK_CLOSE_START);
    for (const ch of children) writeNode(c, tables, ch);
    c.u8(TOK_END_ELEMENT);
  }
  c.buf.writeUInt32LE(c.pos - (sizeAt + 4), sizeAt);
}

/** Fragment header (MS-EVEN6 §2.2.12 FragmentHeader): token 0x0f, major 1, minor 1, flags 0. */
function writeFragmentHeader(c: ChunkCursor): void {
  c.u8(TOK_FRAGMENT_HEADER);
  c.u8(1);
  c.u8(1);
  c.u8(0);
}

function isNested(v: InstanceValue): v is NestedFragment {
  return typeof v === 'object' && v !== null && 'template' in v;
}

/**
 * Writes a template instance at the cursor: the definition inline when the template is new in this chunk
 * (else a reference to its offset), then the values. Nested fragments (type 0x21) are written in place, so
 * their own template definitions get their true chunk offsets.
 */
export function writeInstance(c: ChunkCursor, tables: ChunkTables, t: Template, values: readonly InstanceValue[]): void {
  c.u8(TOK_TEMPLATE_INSTANCE);
  c.u8(0x01);
  c.u32(t.id);
  const known = tables.templateAt(t);
  if (known !== undefined) c.u32(known);
  else {
    const defAt = c.pos + 4;
    c.u32(defAt);
    const next = tables.addTemplate(t, defAt);
    c.u32(next);
    c.bytes(t.guid);
    const sizeAt = c.u32(0);
    writeFragmentHeader(c);
    writeElement(c, tables, t.root);
    c.u8(TOK_EOF);
    c.buf.writeUInt32LE(c.pos - (sizeAt + 4), sizeAt);
  }
  if (values.length > 0xffff) throw new RangeError('too many substitution values');
  c.u32(values.length);
  const descAt = c.pos;
  for (let i = 0; i < values.length; i++) c.u32(0);
  values.forEach((v, i) => {
    const start = c.pos;
    let type: number;
    if (isNested(v)) {
      type = VALUE_TYPE.BinXml;
      writeFragmentHeader(c);
      writeInstance(c, tables, v.template, v.values);
      c.u8(TOK_EOF);
    } else {
      const enc = encodeValue(v);
      type = enc.type;
      c.bytes(enc.bytes);
    }
    const size = c.pos - start;
    if (size > 0xffff) throw new RangeError(`substitution value ${i} is ${size} bytes; a value holds at most 65535`);
    c.buf.writeUInt16LE(size, descAt + i * 4);
    c.buf[descAt + i * 4 + 2] = type;
    c.buf[descAt + i * 4 + 3] = 0;
  });
}

/** Writes a record's BinXML event: fragment header, the template instance, end of file token. */
export function writeEventBody(c: ChunkCursor, tables: ChunkTables, t: Template, values: readonly InstanceValue[]): void {
  writeFragmentHeader(c);
  writeInstance(c, tables, t, values);
  c.u8(TOK_EOF);
}
