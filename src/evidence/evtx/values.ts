// Substitution value decoding (MS-EVEN6 §2.2.12 "Value types"; libyal "Windows XML Event Log (EVTX)" §5
// "Value types"). Values are turned into the JSON values that evtx_dump (the Rust evtx crate, serde_json
// conversion) produces, so a record renders exactly like the reference `.json` files:
// integers and reals as numbers, booleans as booleans, HexInt32/64 and SizeT as "0x.." lower-case strings,
// GUIDs upper-case without braces, FILETIME/SYSTEMTIME as RFC 3339 UTC with 0/3/6/9 fraction digits,
// binary as upper-case hex, arrays as JSON arrays.

/** BinXML value type codes (MS-EVEN6 §2.2.12). `| 0x80` marks an array of that type. */
export const VT = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
} as const;

/** A decoded scalar or array value; `bigint` only for 64-bit integers beyond 2^53. */
export type EvtxScalar = string | number | boolean | bigint | null;
/** A decoded substitution value (nested BinXML is decoded by the BinXML layer, not here). */
export type EvtxValue = EvtxScalar | EvtxScalar[];

const HEX_UPPER: string[] = [];
for (let i = 0; i < 256; i++) HEX_UPPER.push(i.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of `buf[start, end)` (evtx_dump's rendering of Binary values). */
export function hexUpper(buf: Buffer, start: number, end: number): string {
  // Buffer's own hex encoder is native; upper-casing is cheaper than a per-byte table loop for long blobs.
  return buf.toString('hex', start, end).toUpperCase();
}

/** UTF-16LE string of `buf[start, end)`, cut at the first NUL (Windows renders strings up to it). */
export function utf16z(buf: Buffer, start: number, end: number): string {
  if ((end - start) & 1) end--;
  for (let i = start; i < end; i += 2) {
    if (buf[i] === 0 && buf[i + 1] === 0) {
      end = i;
      break;
    }
  }
  return end > start ? buf.toString('utf16le', start, end) : '';
}

/** GUID at `o` as `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (data1-3 little-endian; evtx_dump style, no braces). */
export function guidAt(buf: Buffer, o: number): string {
  const h = HEX_UPPER;
  return (
    h[buf[o + 3]!]! +
    h[buf[o + 2]!]! +
    h[buf[o + 1]!]! +
    h[buf[o]!]! +
    '-' +
    h[buf[o + 5]!]! +
    h[buf[o + 4]!]! +
    '-' +
    h[buf[o + 7]!]! +
    h[buf[o + 6]!]! +
    '-' +
    h[buf[o + 8]!]! +
    h[buf[o + 9]!]! +
    '-' +
    h[buf[o + 10]!]! +
    h[buf[o + 11]!]! +
    h[buf[o + 12]!]! +
    h[buf[o + 13]!]! +
    h[buf[o + 14]!]! +
    h[buf[o + 15]!]!
  );
}

/** NT SID (revision, sub-authority count, 48-bit big-endian authority, LE sub-authorities) as `S-1-5-...`, null if it does not fit. */
export function sidAt(buf: Buffer, o: number, end: number): string | null {
  if (o + 8 > end) return null;
  const count = buf[o + 1]!;
  if (o + 8 + count * 4 > end) return null;
  const authority = buf.readUIntBE(o + 2, 6);
  let s = `S-${buf[o]!}-${authority}`;
  for (let i = 0; i < count; i++) s += `-${buf.readUInt32LE(o + 8 + i * 4)}`;
  return s;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

const DAY_MS = 86_400_000;

function dateParts(unixMs: number): string | null {
  // Date covers ±8.64e15 ms; years beyond 9999 cannot be written as RFC 3339 anyway.
  if (!(unixMs >= -62_135_596_800_000 && unixMs <= 253_402_300_799_000)) return null;
  const d = new Date(Math.floor(unixMs / DAY_MS) * DAY_MS);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

const FT_BIG = 4_967_296 * 65536;

let lastDayKey = Number.NaN;
let lastDayText = '';

/**
 * FILETIME (100 ns ticks since 1601-01-01 UTC) given as two 32-bit halves, as RFC 3339 UTC
 * (`2026-04-17T05:24:53.092051Z`). Null when the time is outside years 1..9999.
 */
export function fileTimeToString(lo: number, hi: number): string | null {
  // ticks = hi * 2^32 + lo exceeds 2^53, so split it into whole seconds and a 100 ns remainder exactly:
  // 2^32 = 429 * 10^7 + 4_967_296 and hi = 65536 * hiA + hiB keep every partial product below 2^53.
  const hiA = Math.floor(hi / 65536);
  const hiB = hi % 65536;
  const bigSec = Math.floor(FT_BIG / 1e7);
  const bigRem = FT_BIG - bigSec * 1e7;
  let secs = 429 * hi + bigSec * hiA;
  let rem = bigRem * hiA + 4_967_296 * hiB + lo; // < 1e7*65536 + 4.97e6*65536 + 2^32: exact
  const carry = Math.floor(rem / 1e7);
  secs += carry;
  rem -= carry * 1e7;
  const unixSecs = secs - 11_644_473_600;
  const dayKey = Math.floor(unixSecs / 86400);
  let day: string | null;
  if (dayKey === lastDayKey) day = lastDayText;
  else {
    day = dateParts(dayKey * DAY_MS);
    if (day === null) return null;
    lastDayKey = dayKey;
    lastDayText = day;
  }
  const sod = unixSecs - dayKey * 86400;
  const h = Math.floor(sod / 3600);
  const m = Math.floor((sod % 3600) / 60);
  const s = sod % 60;
  return `${day}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(Math.floor(rem / 10)).padStart(6, '0')}Z`;
}

/** SYSTEMTIME (8 little-endian u16: year, month, weekday, day, hour, minute, second, ms) as RFC 3339, null if invalid. */
export function sysTimeAt(buf: Buffer, o: number): string | null {
  const y = buf.readUInt16LE(o);
  const mo = buf.readUInt16LE(o + 2);
  const d = buf.readUInt16LE(o + 6);
  const h = buf.readUInt16LE(o + 8);
  const mi = buf.readUInt16LE(o + 10);
  const s = buf.readUInt16LE(o + 12);
  const ms = buf.readUInt16LE(o + 14);
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || ms > 999) return null;
  return `${pad4(y)}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${String(ms * 1000).padStart(6, '0')}Z`;
}

/** Unsigned 64-bit integer from halves: a number when exact, else a bigint. */
export function u64(lo: number, hi: number): number | bigint {
  return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Signed 64-bit integer from halves (hi signed): a number when exact, else a bigint. */
export function i64(lo: number, hi: number): number | bigint {
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) + BigInt(lo);
}

/** `0x` + lower-case hex without padding, as evtx_dump writes HexInt64 values. */
export function hex64(lo: number, hi: number): string {
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

/** Byte width of fixed-size value types (0 = variable). */
export function fixedWidth(type: number): number {
  switch (type) {
    case VT.Int8:
    case VT.UInt8:
      return 1;
    case VT.Int16:
    case VT.UInt16:
      return 2;
    case VT.Int32:
    case VT.UInt32:
    case VT.Real32:
    case VT.Bool:
    case VT.HexInt32:
      return 4;
    case VT.Int64:
    case VT.UInt64:
    case VT.Real64:
    case VT.FileTime:
    case VT.HexInt64:
      return 8;
    case VT.Guid:
    case VT.SysTime:
      return 16;
    default:
      return 0;
  }
}

/** One fixed-width scalar at `o` (caller checked that `width` bytes are there). */
function scalarAt(buf: Buffer, type: number, o: number, end: number): EvtxScalar {
  switch (type) {
    case VT.Int8:
      return buf.readInt8(o);
    case VT.UInt8:
      return buf[o]!;
    case VT.Int16:
      return buf.readInt16LE(o);
    case VT.UInt16:
      return buf.readUInt16LE(o);
    case VT.Int32:
      return buf.readInt32LE(o);
    case VT.UInt32:
      return buf.readUInt32LE(o);
    case VT.Int64:
      return i64(buf.readUInt32LE(o), buf.readInt32LE(o + 4));
    case VT.UInt64:
      return u64(buf.readUInt32LE(o), buf.readUInt32LE(o + 4));
    case VT.Real32:
      return real32Text(buf.readFloatLE(o));
    case VT.Real64: {
      // Reals are rendered as text (evtx_dump writes only integers and booleans as JSON numbers).
      return realText(buf.readDoubleLE(o));
    }
    case VT.Bool:
      return buf.readUInt32LE(o) !== 0;
    case VT.Guid:
      return guidAt(buf, o);
    case VT.FileTime:
      return fileTimeToString(buf.readUInt32LE(o), buf.readUInt32LE(o + 4));
    case VT.SysTime:
      return sysTimeAt(buf, o);
    case VT.HexInt32:
      return `0x${buf.readUInt32LE(o).toString(16)}`;
    case VT.HexInt64:
      return hex64(buf.readUInt32LE(o), buf.readUInt32LE(o + 4));
    default:
      void end;
      return null;
  }
}

/**
 * Decodes a substitution value of `type` occupying `buf[o, o + size)` (size from the template instance's
 * value descriptor, MS-EVEN6 §2.2.16). Returns undefined for BinXml (0x21), which the caller parses as a
 * nested fragment, and null for types that carry nothing renderable (null, handles) or that do not fit.
 */
export function decodeValue(buf: Buffer, type: number, o: number, size: number): EvtxValue | undefined {
  const end = o + size;
  switch (type) {
    case VT.Null:
      return null;
    case VT.String:
      return utf16z(buf, o, end);
    case VT.AnsiString: {
      // NULs are padding in ANSI values; the code page is unknown, so Windows-1252's ASCII/latin1 subset is used.
      let s = '';
      let from = o;
      for (let i = o; i < end; i++) {
        if (buf[i] === 0) {
          if (i > from) s += buf.toString('latin1', from, i);
          from = i + 1;
        }
      }
      if (end > from) s += buf.toString('latin1', from, end);
      return s;
    }
    case VT.Binary:
      return hexUpper(buf, o, end);
    case VT.Sid:
      return sidAt(buf, o, end);
    case VT.SizeT:
      if (size === 4) return `0x${buf.readUInt32LE(o).toString(16)}`;
      if (size === 8) return hex64(buf.readUInt32LE(o), buf.readUInt32LE(o + 4));
      return null;
    case VT.BinXml:
      return undefined;
    case VT.EvtHandle:
    case VT.EvtXml:
      return null;
    default:
      break;
  }
  if (type & 0x80) return decodeArray(buf, type & 0x7f, o, end);
  const w = fixedWidth(type);
  if (w === 0 || size < w) return null;
  return scalarAt(buf, type, o, end);
}

function decodeArray(buf: Buffer, base: number, o: number, end: number): EvtxScalar[] | null {
  const out: EvtxScalar[] = [];
  if (base === VT.String) {
    // NUL-terminated UTF-16 strings packed back to back.
    let from = o;
    for (let i = o; i + 1 < end; i += 2) {
      if (buf[i] === 0 && buf[i + 1] === 0) {
        out.push(i > from ? buf.toString('utf16le', from, i) : '');
        from = i + 2;
      }
    }
    if (end - from >= 2) out.push(buf.toString('utf16le', from, end - ((end - from) & 1)));
    return out;
  }
  if (base === VT.Sid) {
    let p = o;
    while (p + 8 <= end) {
      const n = buf[p + 1]!;
      const s = sidAt(buf, p, end);
      if (s === null) break;
      out.push(s);
      p += 8 + n * 4;
    }
    return out;
  }
  const w = fixedWidth(base);
  if (w === 0) return null;
  for (let p = o; p + w <= end; p += w) out.push(scalarAt(buf, base, p, end));
  return out;
}

/** Shortest decimal that reads back as the same float32 (what Rust's float formatting prints). */
export function real32Text(f: number): string {
  if (!Number.isFinite(f)) return realText(f);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return realText(Number(s));
  }
  return realText(f);
}

/** A float64 as text: shortest round-trip digits, plain notation for ordinary magnitudes. */
export function realText(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  if (Number.isInteger(f) && Math.abs(f) < 1e16) return `${f}`;
  return String(f).replace('e+', 'e');
}

/** A value as text, as evtx_dump writes mixed content and non-numeric values (arrays comma-joined, null empty). */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}` : realText(v);
  if (Array.isArray(v)) return v.map(valueText).join(',');
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

/** True for values evtx_dump treats as empty content: null, empty string, empty array. */
export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}
