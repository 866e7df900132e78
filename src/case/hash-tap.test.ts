import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EvidenceSource } from '../evidence/index.js';
import { HashTap } from './hash-tap.js';

const DATA = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(50));
const SHA = createHash('sha256').update(DATA).digest('hex');

function source(): EvidenceSource & { opens: number } {
  const s = {
    id: 'e1',
    path: '/x.log',
    size: DATA.length,
    opens: 0,
    async *open(): AsyncGenerator<Buffer> {
      s.opens++;
      for (let o = 0; o < DATA.length; o += 100) {
        await Promise.resolve();
        yield DATA.subarray(o, o + 100);
      }
    },
  };
  return s;
}

async function drain(it: AsyncIterable<Buffer>, stopAfter = Infinity): Promise<number> {
  let n = 0;
  for await (const c of it) {
    n += c.length;
    if (n >= stopAfter) break;
  }
  return n;
}

describe('HashTap', () => {
  it('hashes what the parser reads, in the same read', async () => {
    const src = source();
    let progress = 0;
    const tap = new HashTap(src, (n) => (progress += n));
    await drain(tap.source.open());
    expect(await tap.finish()).toEqual({ sha256: SHA, bytes: DATA.length });
    expect(src.opens).toBe(1);
    expect(progress).toBe(DATA.length);
  });

  it('re-reads when the parser stops early, counting each byte once for progress', async () => {
    const src = source();
    let progress = 0;
    const tap = new HashTap(src, (n) => (progress += n));
    await drain(tap.source.open(), 250);
    expect((await tap.finish()).sha256).toBe(SHA);
    expect(src.opens).toBe(2);
    expect(progress).toBe(DATA.length);
  });

  it('is not fooled by a parser that opens the source twice', async () => {
    const src = source();
    let progress = 0;
    const tap = new HashTap(src, (n) => (progress += n));
    const first = tap.source.open()[Symbol.asyncIterator]();
    await first.next();
    await drain(tap.source.open());
    await drain({ [Symbol.asyncIterator]: () => first });
    expect((await tap.finish()).sha256).toBe(SHA);
    expect(progress).toBe(DATA.length);
  });

  it('hashes a source no parser read', async () => {
    const src = source();
    let progress = 0;
    const tap = new HashTap(src, (n) => (progress += n));
    expect((await tap.finish()).sha256).toBe(SHA);
    expect(progress).toBe(DATA.length);
  });

  it('keeps the content of the read that completed the hash, up to the cap, without a second read', async () => {
    const src = source();
    const tap = new HashTap(src, () => {}, DATA.length);
    await drain(tap.source.open());
    expect(tap.content()).toBeNull(); // not before finish()
    await tap.finish();
    expect(tap.content()?.equals(DATA)).toBe(true);
    expect(src.opens).toBe(1);
  });

  it('keeps what finish() read when the parser stopped early, never a mix of two reads', async () => {
    const src = source();
    const tap = new HashTap(src, () => {}, DATA.length);
    await drain(tap.source.open(), 250);
    await tap.finish();
    expect(tap.content()?.equals(DATA)).toBe(true);
    const unread = new HashTap(source(), () => {}, DATA.length);
    await unread.finish();
    expect(unread.content()?.equals(DATA)).toBe(true);
  });

  it('keeps nothing over the cap, or when not asked', async () => {
    const over = new HashTap(source(), () => {}, DATA.length - 1);
    expect((await over.finish()).sha256).toBe(SHA);
    expect(over.content()).toBeNull();
    expect(over.bytes).toBe(DATA.length);
    const none = new HashTap(source(), () => {});
    await none.finish();
    expect(none.content()).toBeNull();
  });
});
