// Typed substitution values of the EVTX writer: their BinXML value type and bytes (MS-EVEN6 §2.2.12 value
// types; libyal EVTX §"Value types") and the text evtx_dump (and Kahu's reader) renders for them, so the
// JSON-lines twin of a record can be written from the same value without reading it back.

/** BinXML value type codes (MS-EVEN6 §2.2.12; libyal "Value types"). Only the ones the writer emits. */
export const VALUE_TYPE = {
  Null: 0x00,
  String: 0x01,
  UInt8: 0x04,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  FileTime: 0x11,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  BinXml: 0x21,
} as const;

/** A value with an explicit EVTX type (numbers alone are written UInt32/Int64, strings UTF-16). */
export type TypedValue =
  | { readonly type: 'uint8' | 'uint16' | 'uint32' | 'int32' | 'hex32'; readonly value: number }
  | { readonly type: 'uint64' | 'int64' | 'hex64'; readonly value: bigint }
  | { readonly type: 'real64'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'guid'; readonly value: string }
  | { readonly type: 'sid'; readonly value: string }
  | { readonly type: 'binary'; readonly value: Buffer }
  /** Epoch milliseconds plus 100 ns ticks below the millisecond (0..9999). */
  | { readonly type: 'filetime'; readonly value: number; readonly ticks?: number };

/**
 * A substitution value: a string (UTF-16LE, the usual EventData type), a safe integer (UInt32 when it fits,
 * else Int32/Int64), a typed value, or null (NullType: an optional substitution then vanishes).
 */
export type EvtxValue = string | number | TypedValue | null;

/** Typed value constructors, named as the value types they write. */
export const ev = {
  u8: (value: number): TypedValue => ({ type: 'uint8', value }),
  u16: (value: number): TypedValue => ({ type: 'uint16', value }),
  u32: (value: number): TypedValue => ({ type: 'uint32', value }),
  i32: (value: number): TypedValue => ({ type: 'int32', value }),
  hex32: (value: number): TypedValue => ({ type: 'hex32', value }),
  u64: (value: bigint | number): TypedValue => ({ type: 'uint64', value: BigInt(value) }),
  i64: (value: bigint | number): TypedValue => ({ type: 'int64', value: BigInt(value) }),
  hex64: (value: bigint | number): TypedValue => ({ type: 'hex64', value: BigInt(value) }),
  real64: (value: number): TypedValue => ({ type: 'real64', value }),
  bool: (value: boolean): TypedValue => ({ type: 'bool', value }),
  guid: (value: string): TypedValue => ({ type: 'guid', value }),
  sid: (value: string): TypedValue => ({ type: 'sid', value }),
  binary: (value: Buffer): TypedValue => ({ type: 'binary', value }),
  filetime: (ms: number, ticks = 0): TypedValue => ({ type: 'filetime', value: ms, ticks }),
};

/** 100 ns intervals between 1601-01-01 and 1970-01-01 (FILETIME epoch, MS-DTYP §2.3.3). */
const FILETIME_EPOCH = 116444736000000000n;

/** Epoch ms (+ sub-ms ticks) as FILETIME ticks. */
export function filetimeTicks(ms: number, ticks = 0): bigint {
  return BigInt(Math.trunc(ms)) * 10000n + BigInt(ticks) + FILETIME_EPOCH;
}

/** GUID text (with or without braces) as the 16 bytes Windows stores: Data1-3 little-endian, Data4 as is (MS-DTYP §2.3.4.2). */
export function guidBytes(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a GUID: ${text}`);
  const b = Buffer.from(hex, 'hex');
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

/** SID text (`S-1-5-21-...`) as its binary form: revision, sub-authority count, 48-bit big-endian authority, u32 LE sub-authorities (MS-DTYP §2.4.2.2). */
export function sidBytes(text: string): Buffer {
  const m = /^S-(\d+)-(\d+)((?:-\d+)*)$/.exec(text);
  if (!m) throw new RangeError(`not a SID: ${text}`);
  const subs = m[3] === '' || m[3] === undefined ? [] : m[3].slice(1).split('-').map(Number);
  if (subs.length > 15) throw new RangeError(`SID with more than 15 sub-authorities: ${text}`);
  const b = Buffer.alloc(8 + subs.length * 4);
  b[0] = Number(m[1]);
  b[1] = subs.length;
  b.writeUIntBE(Number(m[2]), 2, 6);
  subs.forEach((s, i) => b.writeUInt32LE(s >>> 0, 8 + i * 4));
  return b;
}

function fixed(n: number, f: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(n);
  f(b);
  return b;
}

/**
 * Value type code and bytes of a substitution value (libyal "Template instance data": descriptors carry the
 * size and type, the values follow back to back). Strings carry no NUL: the descriptor's size bounds them,
 * as in the records Windows writes (an empty string is a String of size 0).
 */
export function encodeValue(v: EvtxValue): { type: number; bytes: Buffer } {
  if (v === null) return { type: VALUE_TYPE.Null, bytes: Buffer.alloc(0) };
  if (typeof v === 'string') return { type: VALUE_TYPE.String, bytes: Buffer.from(v, 'utf16le') };
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return { type: VALUE_TYPE.Real64, bytes: fixed(8, (b) => b.writeDoubleLE(v)) };
    if (v >= 0 && v <= 0xffffffff) return { type: VALUE_TYPE.UInt32, bytes: fixed(4, (b) => b.writeUInt32LE(v)) };
    if (v >= -0x80000000 && v < 0) return { type: VALUE_TYPE.Int32, bytes: fixed(4, (b) => b.writeInt32LE(v)) };
    return { type: VALUE_TYPE.Int64, bytes: fixed(8, (b) => b.writeBigInt64LE(BigInt(v))) };
  }
  switch (v.type) {
    case 'uint8':
      return { type: VALUE_TYPE.UInt8, bytes: fixed(1, (b) => b.writeUInt8(v.value)) };
    case 'uint16':
      return { type: VALUE_TYPE.UInt16, bytes: fixed(2, (b) => b.writeUInt16LE(v.value)) };
    case 'uint32':
      return { type: VALUE_TYPE.UInt32, bytes: fixed(4, (b) => b.writeUInt32LE(v.value)) };
    case 'int32':
      return { type: VALUE_TYPE.Int32, bytes: fixed(4, (b) => b.writeInt32LE(v.value)) };
    case 'hex32':
      return { type: VALUE_TYPE.HexInt32, bytes: fixed(4, (b) => b.writeUInt32LE(v.value)) };
    case 'uint64':
      return { type: VALUE_TYPE.UInt64, bytes: fixed(8, (b) => b.writeBigUInt64LE(v.value)) };
    case 'int64':
      return { type: VALUE_TYPE.Int64, bytes: fixed(8, (b) => b.writeBigInt64LE(v.value)) };
    case 'hex64':
      return { type: VALUE_TYPE.HexInt64, bytes: fixed(8, (b) => b.writeBigUInt64LE(v.value)) };
    case 'real64':
      return { type: VALUE_TYPE.Real64, bytes: fixed(8, (b) => b.writeDoubleLE(v.value)) };
    case 'bool':
      // MS-EVEN6 §2.2.12: BoolType is a 32-bit integer, 0 or 1.
      return { type: VALUE_TYPE.Bool, bytes: fixed(4, (b) => b.writeUInt32LE(v.value ? 1 : 0)) };
    case 'guid':
      return { type: VALUE_TYPE.Guid, bytes: guidBytes(v.value) };
    case 'sid':
      return { type: VALUE_TYPE.Sid, bytes: sidBytes(v.value) };
    case 'binary':
      return { type: VALUE_TYPE.Binary, bytes: Buffer.from(v.value) };
    case 'filetime':
      return { type: VALUE_TYPE.FileTime, bytes: fixed(8, (b) => b.writeBigUInt64LE(filetimeTicks(v.value, v.ticks ?? 0))) };
  }
}

/** FILETIME as evtx_dump prints it: RFC 3339 UTC with 6 fraction digits (truncated). */
export function filetimeText(ms: number, ticks = 0): string {
  const iso = new Date(Math.trunc(ms)).toISOString();
  const micros = Math.floor((ms - Math.trunc(ms)) * 1000) + Math.floor(ticks / 10);
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/**
 * The JSON value evtx_dump (and Kahu's reader) gives this value: integers and booleans typed, GUIDs upper-case
 * without braces, HexInt `0x` + lower-case hex, FILETIME with 6 fraction digits, binary as upper-case hex,
 * strings with trailing whitespace removed. Null and the empty string are `null` (the caller decides what an
 * empty element renders as).
 */
export function valueJson(v: EvtxValue): string | number | boolean | null {
  if (v === null || v === '') return null;
  if (typeof v === 'string') return v.trimEnd();
  if (typeof v === 'number') return v;
  switch (v.type) {
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'int32':
    case 'real64':
      return v.value;
    case 'hex32':
      return `0x${(v.value >>> 0).toString(16)}`;
    case 'uint64':
    case 'int64':
      if (v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError('64-bit value beyond 2^53 has no exact JSON number here');
      return Number(v.value);
    case 'hex64':
      return `0x${v.value.toString(16)}`;
    case 'bool':
      return v.value;
    case 'guid':
      return v.value.replace(/[{}]/g, '').toUpperCase();
    case 'sid':
      return v.value;
    case 'binary':
      return v.value.toString('hex').toUpperCase();
    case 'filetime':
      return filetimeText(v.value, v.ticks ?? 0);
  }
}
