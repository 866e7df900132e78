import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileChunks, readFileHead } from './file-source.js';

const dir = mkdtempSync(join(tmpdir(), 'kahu-fsrc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('readFileChunks / readFileHead size hints', () => {
  const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const path = join(dir, 'f.bin');
  writeFileSync(path, content);

  // A hint is only an allocation size: a stale one (file grew or shrank since stat) must not change the bytes.
  it.each([-1, 0, 1, 999, 4999, 5000, 5001, 1e6])('reads the whole file with hint %d', async (hint) => {
    expect((await all(readFileChunks(path, 1024, hint))).equals(content)).toBe(true);
    expect((await all(readFileChunks(path, 1 << 20, hint))).equals(content)).toBe(true);
    const head = await readFileHead(path, 4096, hint);
    expect(head.equals(content.subarray(0, hint < 0 ? 4096 : Math.min(4096, hint + 1)))).toBe(true);
  });

  // The next chunk is read while the consumer works on this one: a slow consumer (gunzip, a parser awaiting a
  // worker) lets the read ahead land first, and the file's last chunk must still be delivered.
  it.each([-1, 5000])('a consumer that awaits between chunks still gets every byte (hint %d)', async (hint) => {
    const parts: Buffer[] = [];
    for await (const c of readFileChunks(path, 1024, hint)) {
      parts.push(c);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(Buffer.concat(parts).equals(content)).toBe(true);
  });

  it('chunks never exceed the chunk size', async () => {
    for await (const c of readFileChunks(path, 1024, 5000)) expect(c.length).toBeLessThanOrEqual(1024);
  });
});
