// Dirty-file suite: clean factory files with one known kind of damage each, and the exact outcome
// (records recovered by id, issues by severity). The clean file has 2 chunks x 10 records, ids 1..20.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IssueCollector, type Issue } from '../../src/core/index.js';
import { readEvtx, type EvtxRecord } from '../../src/evidence/evtx/index.js';
import { ChunkWriter, cleanFile, evtxFile, recordOffsets, type TemplateSpec, type TNode } from '../factories/evtx.js';
import { chunkAt, fixChunkCrcs, fixFileHeaderCrc, flip, prng, randomize, setU32, truncate, zero } from '../factories/evtx-mutate.js';

async function read(file: Buffer): Promise<{ ids: number[]; recs: EvtxRecord[]; issues: Issue[] }> {
  const issues = new IssueCollector();
  const recs: EvtxRecord[] = [];
  const src = { path: 'dirty.evtx', open: () => Readable.from([file]) };
  for await (const b of readEvtx(src, issues)) recs.push(...b);
  return { ids: recs.map((r) => r.id), recs, issues: issues.all() };
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const count = (issues: Issue[], sev: Issue['severity']): number => issues.filter((i) => i.severity === sev).length;

const clean = cleanFile(2, 10);
const offs0 = recordOffsets(clean.subarray(chunkAt(0), chunkAt(1)));
const offs1 = recordOffsets(clean.subarray(chunkAt(1), chunkAt(2)));
/** File offset of record `id` (1-based, 10 per chunk). */
const rec = (id: number): number => (id <= 10 ? chunkAt(0) + offs0[id - 1]! : chunkAt(1) + offs1[id - 11]!);

describe('EVTX dirty files', () => {
  it('clean file: 20 records, no issue', async () => {
    const r = await read(clean);
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues).toEqual([]);
    expect(r.recs.map((x) => x.chunk)).toEqual([...Array(10).fill(0), ...Array(10).fill(1)]);
    expect(r.recs[0]!.offset).toBe(rec(1));
  });

  it('truncated chunk: the complete records before the cut', async () => {
    const r = await read(truncate(clean, rec(15) + 10));
    expect(r.ids).toEqual(range(1, 14));
    expect(count(r.issues, 'warning')).toBe(1);
    expect(count(r.issues, 'error')).toBe(0);
    expect(r.issues[0]!.message).toMatch(/truncated/);
    expect(r.issues[0]!.location).toMatchObject({ chunk: 1, offset: chunkAt(1) });
  });

  it('bad chunk header CRC: all records, one warning', async () => {
    const r = await read(flip(clean, chunkAt(0) + 60));
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues.map((i) => [i.severity, i.location?.chunk])).toEqual([['warning', 0]]);
    expect(r.issues[0]!.message).toMatch(/header CRC32/);
  });

  it('bad records CRC (a changed character): all records, the changed value, one warning', async () => {
    const at = clean.indexOf(Buffer.from('echo 3', 'utf16le'), rec(3));
    const r = await read(flip(clean, at + 10, 0x01));
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues.map((i) => i.severity)).toEqual(['warning']);
    expect(r.issues[0]!.message).toMatch(/records CRC32/);
  });

  it('zeroed record: the others, one located error', async () => {
    const size = clean.readUInt32LE(rec(5) + 4);
    const r = await read(fixChunkCrcs(zero(clean, rec(5), size), 0));
    expect(r.ids).toEqual([...range(1, 4), ...range(6, 20)]);
    expect(r.issues.map((i) => [i.severity, i.location?.offset])).toEqual([['error', rec(5)]]);
  });

  it('broken template: every record of its chunk is reported, the other chunk is intact', async () => {
    // Record 1 carries the inline template: fragment header (4), instance header (10), definition header (24),
    // body fragment header (4), then the root element token, made invalid here.
    const r = await read(fixChunkCrcs(flip(clean, rec(1) + 24 + 4 + 10 + 24 + 4, 0xfe), 0));
    expect(r.ids).toEqual(range(11, 20));
    expect(r.issues.map((i) => i.severity)).toEqual(Array(10).fill('error'));
    expect(r.issues.map((i) => i.location?.record)).toEqual(range(1, 10));
  });

  it('record length lies (size too big, size huge): resynchronised on the next record', async () => {
    for (const lie of [clean.readUInt32LE(rec(3) + 4) + 8, 0xffffffff, 4]) {
      const r = await read(fixChunkCrcs(setU32(clean, rec(3) + 4, lie), 0));
      expect(r.ids).toEqual([...range(1, 2), ...range(4, 20)]);
      expect(r.issues.map((i) => [i.severity, i.location?.offset])).toEqual([['error', rec(3)]]);
    }
  });

  it('random bytes over a record body: that record is reported, the rest read', async () => {
    const size = clean.readUInt32LE(rec(7) + 4);
    const f = randomize(clean, rec(7) + 24, size - 28, prng(7));
    f[rec(7) + 24] = 0xff; // an invalid first token whatever the generator drew
    const r = await read(fixChunkCrcs(f, 0));
    expect(r.ids).toEqual([...range(1, 6), ...range(8, 20)]);
    expect(r.issues.map((i) => [i.severity, i.location?.record])).toEqual([['error', 7]]);
  });

  it('random bytes over a whole chunk: the other chunk, one error for the lost block', async () => {
    const r = await read(randomize(clean, chunkAt(1), 65536, prng(11)));
    expect(r.ids).toEqual(range(1, 10));
    expect(r.issues.map((i) => [i.severity, i.location?.offset])).toEqual([['error', chunkAt(1)]]);
  });

  it('template id mismatch: the record is refused rather than rendered with the wrong template', async () => {
    const r = await read(fixChunkCrcs(setU32(clean, rec(4) + 24 + 6, 0xdeadbeef), 0));
    expect(r.ids).toEqual([...range(1, 3), ...range(5, 20)]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toMatch(/template id/);
  });

  it('no file header: chunks are still found', async () => {
    const r = await read(zero(clean, 0, 4096));
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues.map((i) => i.severity)).toEqual(['warning']);
  });

  it('header chunk count and dirty flag are not trusted', async () => {
    let f = setU32(clean, 120, 1); // dirty
    f = fixFileHeaderCrc(Buffer.from(f.fill(0, 42, 43)).fill(1, 42, 43)); // claims 1 chunk
    const r = await read(f);
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues.map((i) => i.severity)).toEqual(['info', 'info']);
    expect(r.issues.map((i) => i.message).join(' ')).toMatch(/dirty.*lists 1 chunk\(s\); 2 found/s);
  });

  it('invalid free-space offset: the whole chunk is scanned', async () => {
    const r = await read(fixChunkCrcs(setU32(clean, chunkAt(0) + 48, 0), 0));
    expect(r.ids).toEqual(range(1, 20));
    expect(r.issues.map((i) => i.severity)).toEqual(['warning']);
  });

  it('records after the free-space offset are recovered from slack and flagged', async () => {
    const r = await read(fixChunkCrcs(setU32(clean, chunkAt(0) + 48, offs0[8]!), 0));
    expect(r.ids).toEqual(range(1, 20));
    expect(r.recs.filter((x) => x.slack).map((x) => x.id)).toEqual([9, 10]);
    expect(r.issues.map((i) => i.severity)).toEqual(['info']);
  });

  it('empty input and a lone header: no records; only the empty input is an error', async () => {
    const a = await read(Buffer.alloc(0));
    expect(a.ids).toEqual([]);
    expect(count(a.issues, 'error')).toBe(1);
    const b = await read(truncate(clean, 4096));
    expect(b.ids).toEqual([]);
    expect(count(b.issues, 'error')).toBe(0);
  });

  it('nesting deeper than the limit fails one record, not the reader', async () => {
    let node: TNode = { text: 'x' };
    for (let i = 0; i < 100; i++) node = { el: 'E', children: [node] };
    const deep: TemplateSpec = { id: 0xdee9, root: node };
    const w = new ChunkWriter();
    w.addRecord(1, deep, []);
    const r = await read(evtxFile([w.finish()]));
    expect(r.ids).toEqual([]);
    expect(r.issues.map((i) => i.severity)).toEqual(['error']);
    expect(r.issues[0]!.message).toMatch(/too deep/);
  });
});
