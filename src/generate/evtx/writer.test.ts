// Byte-level checks of the EVTX writer against the format facts (libyal EVTX notes, MS-EVEN6), without a
// reader: header fields and CRCs, chunk record ranges, the string and template hash tables, determinism.
// Reading the output back with Kahu's parser, libevtx and python-evtx is test/generate/evtx-writer.test.ts.
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nameHash } from './binxml.js';
import { CHUNK_SIZE, RecordTooLarge, templateBucket } from './chunk.js';
import { ev, filetimeText, guidBytes, sidBytes } from './values.js';
import { eventJson, type WinEvent } from './windows-event.js';
import { EvtxWriter, evtxBytes, openEvtxFile } from './writer.js';

function event(i: number, extra: Partial<WinEvent> = {}): WinEvent {
  return {
    time: Date.UTC(2021, 2, 3, 4, 5, 6) + i * 1000,
    provider: 'Microsoft-Windows-Sysmon',
    providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
    eventId: 1,
    version: 5,
    level: 4,
    task: 1,
    keywords: 0x8000000000000000n,
    processId: 3160,
    threadId: 4100,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    computer: 'EXCH01.corp.example',
    userId: 'S-1-5-18',
    data: { RuleName: '-', ProcessId: 1000 + i, Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: `cmd.exe /c echo ${'x'.repeat(i % 50)}` },
    ...extra,
  };
}

/** Walks a hash table of chained entries (first u32 of each entry = next) and returns the offsets by bucket. */
function chains(chunk: Buffer, at: number, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (let o = chunk.readUInt32LE(at + i * 4); o !== 0 && list.length < 1000; o = chunk.readUInt32LE(o)) list.push(o);
    out.push(list);
  }
  return out;
}

describe('EVTX writer: file and chunk headers', () => {
  const events = Array.from({ length: 700 }, (_, i) => event(i));
  const file = evtxBytes(events);

  it('writes a 4096-byte ElfFile header with version 3.1, chunk count, next record id and its CRC32 over bytes 0..120', () => {
    expect(file.subarray(0, 8).toString('latin1')).toBe('ElfFile\0');
    const chunks = (file.length - 4096) / CHUNK_SIZE;
    expect(Number.isInteger(chunks) && chunks > 1).toBe(true);
    expect(file.readBigUInt64LE(8)).toBe(0n);
    expect(file.readBigUInt64LE(16)).toBe(BigInt(chunks - 1));
    expect(file.readBigUInt64LE(24)).toBe(701n);
    expect(file.readUInt32LE(32)).toBe(128);
    expect([file.readUInt16LE(38), file.readUInt16LE(36)]).toEqual([3, 1]);
    expect(file.readUInt16LE(40)).toBe(4096);
    expect(file.readUInt16LE(42)).toBe(chunks);
    expect(file.readUInt32LE(120)).toBe(0);
    expect(file.readUInt32LE(124)).toBe(crc32(file.subarray(0, 120)));
  });

  it('fills 64 KiB chunks whose ranges cover every record once, with both CRC32s right', () => {
    let expectNext = 1n;
    for (let at = 4096; at < file.length; at += CHUNK_SIZE) {
      const c = file.subarray(at, at + CHUNK_SIZE);
      expect(c.subarray(0, 8).toString('latin1')).toBe('ElfChnk\0');
      const first = c.readBigUInt64LE(24);
      const last = c.readBigUInt64LE(32);
      expect(first).toBe(expectNext);
      expect(c.readBigUInt64LE(8)).toBe(first);
      expect(c.readBigUInt64LE(16)).toBe(last);
      const free = c.readUInt32LE(48);
      expect(c.readUInt32LE(52)).toBe(crc32(c.subarray(512, free)));
      expect(c.readUInt32LE(124)).toBe(crc32(Buffer.concat([c.subarray(0, 120), c.subarray(128, 512)])));
      // Records back to back from 512 to the free space offset; the last one where offset 44 says.
      let o = 512;
      let id = first;
      let lastAt = 0;
      while (o < free) {
        expect(c.readUInt32LE(o)).toBe(0x2a2a);
        const size = c.readUInt32LE(o + 4);
        expect(c.readUInt32LE(o + size - 4)).toBe(size);
        expect(c.readBigUInt64LE(o + 8)).toBe(id++);
        lastAt = o;
        o += size;
      }
      expect(o).toBe(free);
      expect(c.readUInt32LE(44)).toBe(lastAt);
      expect(id - 1n).toBe(last);
      // Free space is zero.
      expect(c.subarray(free).every((b) => b === 0)).toBe(true);
      expectNext = last + 1n;
    }
    expect(expectNext).toBe(701n);
  });

  it('chains every name into bucket NameHash % 64 and every template into its bucket, newest first', () => {
    const c = file.subarray(4096, 4096 + CHUNK_SIZE);
    const names = chains(c, 128, 64);
    const seen: string[] = [];
    names.forEach((list, bucket) => {
      for (let k = 0; k < list.length; k++) {
        const o = list[k]!;
        const hash = c.readUInt16LE(o + 4);
        const n = c.readUInt16LE(o + 6);
        const name = c.toString('utf16le', o + 8, o + 8 + n * 2);
        expect(c.readUInt16LE(o + 8 + n * 2)).toBe(0);
        expect(hash).toBe(nameHash(name));
        expect(hash % 64).toBe(bucket);
        if (k > 0) expect(o).toBeLessThan(list[k - 1]!);
        seen.push(name);
      }
    });
    expect(seen.sort()).toEqual(
      ['ActivityID', 'Channel', 'Computer', 'Correlation', 'Data', 'Event', 'EventData', 'EventID', 'EventRecordID', 'Execution', 'Guid', 'Keywords', 'Level', 'Name', 'Opcode', 'ProcessID', 'Provider', 'Qualifiers', 'RelatedActivityID', 'Security', 'System', 'SystemTime', 'Task', 'ThreadID', 'TimeCreated', 'UserID', 'Version', 'xmlns'].sort(),
    );
    const temps = chains(c, 384, 32).flatMap((list, bucket) => list.map((o) => ({ o, bucket })));
    // The System template and the one EventData shape.
    expect(temps.length).toBe(2);
    for (const { o, bucket } of temps) expect(templateBucket(c.subarray(o + 4, o + 20))).toBe(bucket);
  });

  it('uses the name hash Windows stores (values read from real logs)', () => {
    // Channel, EventData, ThreadID, Task: hashes as stored in EVTX-ATTACK-SAMPLES chunks.
    expect([nameHash('Channel'), nameHash('EventData'), nameHash('ThreadID'), nameHash('Task')]).toEqual([24963, 33348, 14725, 31557]);
  });

  it('is deterministic and writes the same bytes to a file as in memory', () => {
    expect(evtxBytes(events).equals(file)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'kahu-evtxw-'));
    try {
      const w = openEvtxFile(join(dir, 'a.evtx'));
      for (const e of events) w.append(e);
      w.close();
      expect(readFileSync(join(dir, 'a.evtx')).equals(file)).toBe(true);
      // Never overwrites.
      writeFileSync(join(dir, 'b.evtx'), 'x');
      expect(() => openEvtxFile(join(dir, 'b.evtx'))).toThrow(/EEXIST/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a record whose value cannot be encoded is refused and leaves no trace', () => {
    const parts: Buffer[] = [];
    let head: Buffer = Buffer.alloc(0);
    const w = new EvtxWriter({ chunk: (b) => parts.push(Buffer.from(b)), header: (b) => (head = b) });
    w.append(events[0]!);
    // A new data shape (new names and template) with a bad GUID fails after part of it was written.
    expect(() => w.append(event(1, { data: { Fresh: 'x', Guid: ev.guid('not-a-guid') } }))).toThrow(RangeError);
    for (const e of events.slice(1)) w.append(e);
    w.close();
    expect(Buffer.concat([head, ...parts]).equals(file)).toBe(true);
  });

  it('an empty log is a header with no chunks; a record larger than a chunk is refused', () => {
    const empty = evtxBytes([]);
    expect(empty.length).toBe(4096);
    expect(empty.readUInt16LE(42)).toBe(0);
    expect(empty.readBigUInt64LE(24)).toBe(1n);
    expect(() => evtxBytes([event(0, { data: { Huge: 'A'.repeat(40_000) } })])).toThrow(RecordTooLarge);
  });
});

describe('EVTX writer: values', () => {
  it('encodes GUIDs and SIDs as Windows stores them', () => {
    expect(guidBytes('{5770385F-C22A-43E0-BF4C-06F5698FFBD9}').toString('hex')).toBe('5f3870572ac2e043bf4c06f5698ffbd9');
    expect(sidBytes('S-1-5-18').toString('hex')).toBe('010100000000000512000000');
    expect(sidBytes('S-1-5-21-1-2-3-500').length).toBe(8 + 5 * 4);
    expect(() => sidBytes('S-x')).toThrow(RangeError);
  });

  it('renders FILETIMEs with 6 fraction digits and typed EventData values as evtx_dump does', () => {
    expect(filetimeText(Date.UTC(2021, 2, 3, 4, 5, 6, 7), 1234)).toBe('2021-03-03T04:05:06.007123Z');
    const j = eventJson(event(1, { data: { G: ev.guid('{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}'), H: ev.hex64(0x1fn), E: '', S: 'x  ' } }), 9n) as { Event: { System: Record<string, unknown>; EventData: Record<string, unknown> } };
    expect(j.Event.EventData).toEqual({ G: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE', H: '0x1f', E: '', S: 'x' });
    expect(j.Event.System.EventRecordID).toBe(9);
    expect(j.Event.System.Correlation).toBeNull();
    expect(j.Event.System.Execution).toEqual({ '#attributes': { ProcessID: 3160, ThreadID: 4100 } });
  });
});
