import { describe, expect, it } from 'vitest';
import { decodeValue, fileTimeToString, guidAt, real32Text, sidAt, sysTimeAt, utf16z, VT } from './values.js';

const ft = (ticks: bigint): string | null => fileTimeToString(Number(ticks & 0xffffffffn), Number(ticks >> 32n));

describe('EVTX value decoding', () => {
  it('converts FILETIME exactly (ticks beyond 2^53), truncating to microseconds', () => {
    expect(ft(0n)).toBe('1601-01-01T00:00:00.000000Z');
    expect(ft(134208770930920519n)).toBe('2026-04-17T05:24:53.092051Z');
    expect(ft(116444736000000000n)).toBe('1970-01-01T00:00:00.000000Z');
    expect(ft(116444736000000000n - 1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(ft(0xffffffffffffffffn)).toBeNull(); // year 60056: not representable
  });

  it('validates SYSTEMTIME', () => {
    const b = Buffer.alloc(16);
    [2021, 3, 0, 14, 1, 40, 19, 7].forEach((v, i) => b.writeUInt16LE(v, i * 2));
    expect(sysTimeAt(b, 0)).toBe('2021-03-14T01:40:19.007000Z');
    b.writeUInt16LE(13, 2);
    expect(sysTimeAt(b, 0)).toBeNull();
  });

  it('formats GUIDs and SIDs as evtx_dump does', () => {
    const g = Buffer.from('1e2397012cc4e169c922000000000800', 'hex');
    expect(guidAt(g, 0)).toBe('0197231E-C42C-69E1-C922-000000000800');
    const sid = Buffer.from('0105000000000005150000001c000000', 'hex');
    expect(sidAt(sid, 0, sid.length)).toBe(null); // claims 5 sub-authorities, has 2
    const ok = Buffer.from('010100000000000512000000', 'hex');
    expect(sidAt(ok, 0, ok.length)).toBe('S-1-5-18');
  });

  it('cuts UTF-16 strings at the first NUL and handles odd sizes', () => {
    const b = Buffer.concat([Buffer.from('abc\0def', 'utf16le'), Buffer.from([0x41])]);
    expect(utf16z(b, 0, b.length)).toBe('abc');
    expect(decodeValue(b, VT.String, 0, 5)).toBe('ab');
  });

  it('gives null, not garbage, for values that do not fit their type', () => {
    const b = Buffer.alloc(3);
    expect(decodeValue(b, VT.UInt32, 0, 3)).toBeNull();
    expect(decodeValue(b, 0x7f, 0, 3)).toBeNull();
    expect(decodeValue(b, VT.SizeT, 0, 3)).toBeNull();
  });

  it('writes float32 in its shortest form', () => {
    expect(real32Text(Math.fround(0.1))).toBe('0.1');
    expect(real32Text(Math.fround(1.5))).toBe('1.5');
    expect(real32Text(Math.fround(16777216))).toBe('16777216');
  });
});
