import type { EvidenceSource } from '../../src/evidence/index.js';

/**
 * An in-memory evidence source for parser tests. `chunk` sets the read size, so tests can put chunk
 * boundaries inside lines, CRLF pairs, multi-byte characters and quoted fields.
 */
export function memorySource(content: string | Buffer, opts: { chunk?: number; path?: string; id?: string } = {}): EvidenceSource {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const chunk = opts.chunk ?? 65536;
  return {
    id: opts.id ?? 'e0001',
    path: opts.path ?? 'mem.log',
    size: bytes.length,
    async *open() {
      // A real source awaits I/O between chunks; so does this one.
      await Promise.resolve();
      for (let i = 0; i < bytes.length; i += chunk) yield Buffer.from(bytes.subarray(i, i + chunk));
    },
  };
}
