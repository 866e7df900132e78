// Binary XML (MS-EVEN6 §2.2.12 "BinXml" grammar; libyal EVTX §4 "Binary XML"). Parses tokens into a small
// node tree: template definitions are parsed once per chunk and cached by their chunk offset, records keep
// only their substitution values. Every read is bounds-checked against the chunk buffer; any violation
// throws BinXmlError, which the record layer turns into a located issue.
import { decodeValue, fixedWidth, type EvtxValue } from './values.js';

/** Token codes (MS-EVEN6 §2.2.12; 0x40 bit = "more data" / has attributes). */
const TOK_EOF = 0x00;
const TOK_OPEN_START = 0x01;
const TOK_CLOSE_START = 0x02;
const TOK_CLOSE_EMPTY = 0x03;
const TOK_END_ELEMENT = 0x04;
const TOK_VALUE = 0x05;
const TOK_ATTRIBUTE = 0x06;
const TOK_CDATA = 0x07;
const TOK_CHAR_REF = 0x08;
const TOK_ENTITY_REF = 0x09;
const TOK_PI_TARGET = 0x0a;
const TOK_PI_DATA = 0x0b;
const TOK_TEMPLATE_INSTANCE = 0x0c;
const TOK_NORMAL_SUBST = 0x0d;
const TOK_OPTIONAL_SUBST = 0x0e;
const TOK_FRAGMENT_HEADER = 0x0f;

/** Limits that keep hostile input from costing unbounded work. */
export const LIMITS = {
  /** Element + fragment nesting depth. Real events nest < 10 deep. */
  maxDepth: 64,
  /** Substitution values per template instance. Real templates use < 200. */
  maxValues: 2048,
  /** Nodes created while parsing one template or record. */
  maxNodes: 100_000,
} as const;

/** A parse error inside BinXML, with the chunk-relative offset where it was found. */
export class BinXmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BinXmlError';
  }
}

/** A BinXmlError without a stack trace: damaged chunk slack can raise thousands, and stacks are costly. */
function binXmlError(msg: string, at: number): BinXmlError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const e = new BinXmlError(msg, at);
  Error.stackTraceLimit = limit;
  return e;
}

/** Node kind: element. */
export const N_ELEMENT = 1;
/** Node kind: literal text. */
export const N_TEXT = 2;
/** Node kind: substitution placeholder. */
export const N_SUBST = 3;
/** Node kind: template instance. */
export const N_INSTANCE = 4;

/** An XML element of a template or record. */
export interface ElementNode {
  readonly t: typeof N_ELEMENT;
  readonly name: string;
  readonly attrs: AttrNode[];
  readonly children: BxNode[];
}
/** One attribute; its value is the concatenation of `parts`. */
export interface AttrNode {
  readonly name: string;
  readonly parts: BxNode[];
}
/** Literal character data (value text, CDATA, resolved character and entity references). */
export interface TextNode {
  readonly t: typeof N_TEXT;
  readonly text: string;
}
/** A substitution placeholder: index into the instance's values; optional ones vanish when null. */
export interface SubstNode {
  readonly t: typeof N_SUBST;
  readonly index: number;
  readonly optional: boolean;
}
/** A template instance: the template's nodes rendered with these values. */
export interface InstanceNode {
  readonly t: typeof N_INSTANCE;
  readonly template: TemplateDef;
  readonly values: BxValue[];
}
/** Any BinXML node. */
export type BxNode = ElementNode | TextNode | SubstNode | InstanceNode;

/** A nested BinXML substitution value (type 0x21): a fragment with its own template instances. */
export class Fragment {
  constructor(readonly nodes: BxNode[]) {}
}
/** A substitution value as used by the renderers. */
export type BxValue = EvtxValue | Fragment;

/** A parsed template definition (MS-EVEN6 §2.2.15; libyal "Template definition"). */
export interface TemplateDef {
  /** Chunk-relative offset of the definition header. */
  readonly offset: number;
  /** Template GUID (upper-case, no braces). */
  readonly guid: string;
  readonly nodes: BxNode[];
}

/** Per-chunk caches shared by all records of one chunk: names and templates by chunk offset. */
export class ChunkCache {
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TemplateDef>();
  /** Template offsets being parsed right now, to catch templates that instantiate themselves. */
  readonly inProgress = new Set<number>();
  /** Whether element start tokens of this chunk carry a dependency id, once seen (null = not yet known). */
  dependencyIds: boolean | null = null;
  /** Templates that failed to parse, with the reason. */
  readonly bad = new Map<number, BinXmlError>();
  constructor(readonly buf: Buffer) {}
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A cursor over a chunk buffer. `end` bounds the current structure (record, template body or value).
 * Offsets are chunk-relative because names and templates are referenced by chunk offset.
 */
class Reader {
  pos: number;
  depth = 0;
  nodes = 0;

  constructor(
    readonly cache: ChunkCache,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  fail(msg: string, at = this.pos): never {
    throw binXmlError(msg, at);
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.fail(`needs ${n} byte(s) past the end of its structure`);
  }

  u8(): number {
    this.need(1);
    return this.cache.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.cache.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.cache.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  count(): void {
    if (++this.nodes > LIMITS.maxNodes) this.fail('too many BinXML nodes');
  }

  /** Length-prefixed UTF-16LE string (u16 character count, no terminator): value text, CDATA, PI data. */
  lpString(): string {
    const n = this.u16();
    this.need(n * 2);
    const s = n ? this.cache.buf.toString('utf16le', this.pos, this.pos + n * 2) : '';
    this.pos += n * 2;
    return s;
  }

  /**
   * A name reference (libyal "Name"): u32 chunk offset of {u32 next, u16 hash, u16 count, UTF-16 chars, NUL}.
   * When the offset points right here the name is stored inline and is skipped.
   */
  name(): string {
    const off = this.u32();
    const buf = this.cache.buf;
    let s = this.cache.names.get(off);
    if (s === undefined) {
      if (off + 8 > buf.length) this.fail(`name offset 0x${off.toString(16)} is outside the chunk`);
      const n = buf.readUInt16LE(off + 6);
      if (off + 8 + n * 2 > buf.length) this.fail(`name at 0x${off.toString(16)} runs past the chunk`);
      s = buf.toString('utf16le', off + 8, off + 8 + n * 2);
      this.cache.names.set(off, s);
    }
    if (off === this.pos) {
      // Inline definition: skip header, characters and the NUL terminator.
      const n = buf.readUInt16LE(off + 6);
      this.pos += 8 + n * 2 + 2;
      if (this.pos > this.end) this.fail('inline name runs past the end of its structure');
    }
    return s;
  }
}

/**
 * Parses a BinXML fragment stream between `start` and `end` (a record's event data or a BinXml value) into
 * nodes. `inValue` marks a fragment embedded in a substitution value: there, element start tokens carry no
 * dependency identifier (libyal §4.5.2, as the Rust evtx crate also reads them).
 */
export function parseFragment(cache: ChunkCache, start: number, end: number, inValue = false, depth = 0): BxNode[] {
  const r = new Reader(cache, start, end);
  r.depth = depth;
  return readStream(r, inValue, false);
}

/** Reads nodes until EOF or the end of the bounded region. */
function readStream(r: Reader, inValue: boolean, inTemplate: boolean): BxNode[] {
  const out: BxNode[] = [];
  if (++r.depth > LIMITS.maxDepth) r.fail('BinXML nesting too deep');
  while (r.pos < r.end) {
    const tok = r.cache.buf[r.pos]!;
    const base = tok & 0x1f;
    if (base === TOK_EOF) {
      r.pos++;
      break;
    }
    if (base === TOK_FRAGMENT_HEADER) {
      // Fragment header: token, major version, minor version, flags (MS-EVEN6 §2.2.12 FragmentHeader).
      r.need(4);
      r.pos += 4;
      continue;
    }
    if (base === TOK_TEMPLATE_INSTANCE) {
      if (inTemplate) r.fail('template instance inside a template definition');
      out.push(readInstance(r));
      continue;
    }
    if (base === TOK_OPEN_START) {
      out.push(readElement(r, inValue, inTemplate));
      continue;
    }
    const n = readCharData(r, inTemplate);
    if (n) out.push(n);
  }
  r.depth--;
  return out;
}

/** Character-data tokens allowed in element content and attribute values; null for skipped tokens (PIs). */
function readCharData(r: Reader, inTemplate: boolean): BxNode | null {
  const at = r.pos;
  const tok = r.u8() & 0x1f;
  r.count();
  switch (tok) {
    case TOK_VALUE: {
      // Value text: value type (always string, 0x01) then a length-prefixed UTF-16 string.
      const type = r.u8();
      if (type !== 0x01) r.fail(`value text of type 0x${type.toString(16)} (only strings are defined)`, at);
      return { t: N_TEXT, text: r.lpString() };
    }
    case TOK_CDATA:
      return { t: N_TEXT, text: r.lpString() };
    case TOK_CHAR_REF: {
      const cp = r.u16();
      return { t: N_TEXT, text: String.fromCharCode(cp) };
    }
    case TOK_ENTITY_REF: {
      const name = r.name();
      return { t: N_TEXT, text: ENTITIES[name] ?? `&${name};` };
    }
    case TOK_PI_TARGET:
      r.name();
      return null;
    case TOK_PI_DATA:
      r.lpString();
      return null;
    case TOK_NORMAL_SUBST:
    case TOK_OPTIONAL_SUBST: {
      // Substitution: u16 index, u8 value type (the instance's descriptor type is authoritative).
      if (!inTemplate) r.fail('substitution outside a template definition', at);
      const index = r.u16();
      r.u8();
      return { t: N_SUBST, index, optional: tok === TOK_OPTIONAL_SUBST };
    }
    default:
      return r.fail(`unexpected BinXML token 0x${tok.toString(16)}`, at);
  }
}

/** Open-start-element (0x01/0x41), its attributes, and its content up to the end-element token. */
function readElement(r: Reader, inValue: boolean, inTemplate: boolean): ElementNode {
  const at = r.pos;
  const tok = r.u8();
  r.count();
  if (++r.depth > LIMITS.maxDepth) r.fail('element nesting too deep', at);
  // Layout: [u16 dependency id] u32 data size, u32 name offset (MS-EVEN6 §2.2.12 OpenStartElement).
  // Windows writes the dependency id except inside BinXml substitution values, but files written by
  // other tools omit it everywhere (libevtx and python-evtx then read nothing). Decide per element:
  // a name stored inline starts right after its offset field, and a name seen before is in the cache.
  if (hasDependencyId(r, at, inValue)) r.pos += 2;
  r.u32(); // element data size: not needed, the tokens delimit the element
  const name = r.name();
  const attrs: AttrNode[] = [];
  if (tok & 0x40) {
    r.u32(); // attribute list size; the attributes are read token by token
    while (r.pos < r.end && (r.cache.buf[r.pos]! & 0x1f) === TOK_ATTRIBUTE) {
      r.pos++;
      r.count();
      const aname = r.name();
      const parts: BxNode[] = [];
      // The value runs until the next attribute or the close of the start tag.
      while (r.pos < r.end) {
        const b = r.cache.buf[r.pos]! & 0x1f;
        if (b === TOK_ATTRIBUTE || b === TOK_CLOSE_START || b === TOK_CLOSE_EMPTY || b === TOK_EOF) break;
        const n = readCharData(r, inTemplate);
        if (n) parts.push(n);
      }
      attrs.push({ name: aname, parts });
    }
  }
  const close = r.u8() & 0x1f;
  const children: BxNode[] = [];
  if (close === TOK_CLOSE_START) {
    for (;;) {
      if (r.pos >= r.end) r.fail(`element <${name}> is not closed`, at);
      const b = r.cache.buf[r.pos]! & 0x1f;
      if (b === TOK_END_ELEMENT) {
        r.pos++;
        break;
      }
      if (b === TOK_OPEN_START) children.push(readElement(r, inValue, inTemplate));
      else if (b === TOK_TEMPLATE_INSTANCE && !inTemplate) children.push(readInstance(r));
      else if (b === TOK_EOF) r.fail(`element <${name}> is not closed before end of fragment`, r.pos);
      else {
        const n = readCharData(r, inTemplate);
        if (n) children.push(n);
      }
    }
  } else if (close !== TOK_CLOSE_EMPTY) {
    r.fail(`element <${name}> start tag closed by token 0x${close.toString(16)}`, r.pos - 1);
  }
  r.depth--;
  return { t: N_ELEMENT, name, attrs, children };
}

/**
 * Template instance (0x0c): u8 unknown, u32 template id, u32 definition offset; the definition follows
 * inline when it is defined here for the first time in the chunk; then u32 value count, value descriptors
 * (u16 size, u8 type, u8 unused) and the values back to back (MS-EVEN6 §2.2.16/§2.2.17).
 */
function readInstance(r: Reader): InstanceNode {
  const at = r.pos;
  r.pos++;
  r.need(9);
  r.pos += 1;
  const templateId = r.u32();
  const defOff = r.u32();
  const cache = r.cache;
  let template = cache.templates.get(defOff);
  if (defOff === r.pos) {
    // Inline definition: u32 next offset, 16-byte GUID, u32 data size, then the body.
    r.need(24);
    const dataSize = cache.buf.readUInt32LE(r.pos + 20);
    r.pos += 24;
    r.need(dataSize);
    r.pos += dataSize;
  }
  if (template === undefined) template = readTemplate(cache, defOff, r.depth);
  // The instance's template id is the first 4 bytes of the definition's GUID: a cheap proof that the offset
  // really points at the template this record was written with (it catches stale records in chunk slack).
  if (cache.buf.readUInt32LE(defOff + 4) !== templateId) r.fail(`template id 0x${templateId.toString(16)} does not match the definition at 0x${defOff.toString(16)}`, at);
  const n = r.u32();
  if (n > LIMITS.maxValues) r.fail(`template instance declares ${n} values`, at);
  r.need(n * 4);
  const descAt = r.pos;
  r.pos += n * 4;
  const values: BxValue[] = new Array<BxValue>(n);
  const buf = cache.buf;
  for (let i = 0; i < n; i++) {
    const size = buf.readUInt16LE(descAt + i * 4);
    const type = buf[descAt + i * 4 + 2]!;
    r.need(size);
    const o = r.pos;
    let v: BxValue | undefined;
    if (type === 0x21) {
      v = size ? new Fragment(nested(r, o, o + size)) : null;
    } else {
      const w = fixedWidth(type);
      v = w && size < w ? null : decodeValue(buf, type, o, size);
    }
    values[i] = v === undefined ? null : v;
    r.pos = o + size;
  }
  return { t: N_INSTANCE, template, values };
}

function nested(r: Reader, start: number, end: number): BxNode[] {
  const sub = new Reader(r.cache, start, end);
  sub.depth = r.depth + 1;
  sub.nodes = r.nodes;
  const nodes = readStream(sub, true, false);
  r.nodes = sub.nodes;
  return nodes;
}

function hasDependencyId(r: Reader, at: number, inValue: boolean): boolean {
  const buf = r.cache.buf;
  const withDep = at + 11 <= buf.length ? buf.readUInt32LE(at + 7) : -1;
  const without = at + 9 <= buf.length ? buf.readUInt32LE(at + 5) : -1;
  if (withDep === at + 11) {
    if (!inValue) r.cache.dependencyIds = true;
    return true;
  }
  if (without === at + 9) {
    if (!inValue) r.cache.dependencyIds = false;
    return false;
  }
  const names = r.cache.names;
  if (names.has(withDep)) return true;
  if (names.has(without)) return false;
  return r.cache.dependencyIds ?? !inValue;
}

/** Parses (once per chunk) the template definition at chunk offset `off`. */
function readTemplate(cache: ChunkCache, off: number, depth: number): TemplateDef {
  const buf = cache.buf;
  if (off < 512 || off + 24 > buf.length) throw binXmlError(`template offset 0x${off.toString(16)} is outside the chunk`, off);
  const known = cache.bad.get(off);
  if (known) throw known;
  if (cache.inProgress.has(off)) throw binXmlError('template refers to itself', off);
  const dataSize = buf.readUInt32LE(off + 20);
  const bodyStart = off + 24;
  if (bodyStart + dataSize > buf.length) throw binXmlError(`template body of ${dataSize} bytes runs past the chunk`, off);
  cache.inProgress.add(off);
  try {
    const r = new Reader(cache, bodyStart, bodyStart + dataSize);
    r.depth = depth;
    const nodes = readStream(r, false, true);
    const g = buf.subarray(off + 4, off + 20);
    const guid = g.toString('hex').toUpperCase();
    const def: TemplateDef = { offset: off, guid, nodes };
    cache.templates.set(off, def);
    return def;
  } catch (err) {
    // Remember a broken template so every record that uses it fails fast with the same reason.
    if (err instanceof BinXmlError) cache.bad.set(off, err);
    throw err;
  } finally {
    cache.inProgress.delete(off);
  }
}
