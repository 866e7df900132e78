import { createHash } from 'node:crypto';
import type { EvidenceSource } from '../evidence/index.js';

/**
 * Hashes (SHA-256) and counts a source's bytes while its parser reads it, so each file is read once.
 *
 * The first `open()` is tapped: every chunk goes to the hash and to `onBytes` before the parser sees it.
 * If the parser stops early, opens the source again, or never opens it, `finish()` hashes the content
 * from a fresh stream, reporting to `onBytes` only the bytes the tap had not counted yet.
 *
 * With `keepUpTo` > 0 the tap also keeps the content (the chunks themselves, no copy) from whichever read
 * completes the hash, as long as it is no larger than `keepUpTo`: content-scanning detectors (YARA) then see
 * the bytes without a second read of the file or a second inflate of the archive entry.
 */
export class HashTap {
  private readonly hash = createHash('sha256');
  private state: 'unused' | 'reading' | 'done' | 'abandoned' = 'unused';
  private counted = 0;
  /** Chunks of the read that feeds the hash, while their total stays within `keepUpTo`; null once over it. */
  private kept: Buffer[] | null = [];
  private keptBytes = 0;
  private finished = false;
  /** The source to hand to the parser. */
  readonly source: EvidenceSource;

  constructor(
    private readonly inner: EvidenceSource,
    private readonly onBytes: (n: number) => void,
    private readonly keepUpTo = 0,
  ) {
    this.source = { id: inner.id, path: inner.path, size: inner.size, open: () => this.open() };
    if (keepUpTo <= 0) this.kept = null;
  }

  private keep(chunk: Buffer): void {
    if (this.kept === null) return;
    this.keptBytes += chunk.length;
    if (this.keptBytes > this.keepUpTo) this.kept = null;
    else this.kept.push(chunk);
  }

  private resetKept(): void {
    if (this.keepUpTo <= 0) return;
    this.kept = [];
    this.keptBytes = 0;
  }

  /**
   * After `finish()`: the whole content if it was kept (at most `keepUpTo` bytes), else null (over the cap,
   * keeping not asked for, or `finish()` not called or failed).
   */
  content(): Buffer | null {
    if (!this.finished || this.kept === null) return null;
    return this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept, this.keptBytes);
  }

  /** Bytes read so far through the tap or by `finish()`. */
  get bytes(): number {
    return this.counted;
  }

  private open(): AsyncIterable<Buffer> {
    if (this.state !== 'unused') {
      // A second read (a parser re-reading its header, say) is not hashed twice; finish() re-reads if needed.
      if (this.state === 'reading') this.state = 'abandoned';
      return this.inner.open();
    }
    this.state = 'reading';
    return this.tap();
  }

  private async *tap(): AsyncGenerator<Buffer> {
    let complete = false;
    try {
      for await (const chunk of this.inner.open()) {
        if (this.state === 'reading') {
          this.hash.update(chunk);
          this.keep(chunk);
        }
        this.counted += chunk.length;
        this.onBytes(chunk.length);
        yield chunk;
      }
      complete = true;
    } finally {
      // `finally` also runs when the parser breaks out early (return()) or the read throws.
      if (this.state === 'reading') this.state = complete ? 'done' : 'abandoned';
    }
  }

  /** The SHA-256 (hex) of the whole content. Throws what the underlying read throws. */
  async finish(): Promise<{ sha256: string; bytes: number }> {
    if (this.state === 'done') {
      this.finished = true;
      return { sha256: this.hash.digest('hex'), bytes: this.counted };
    }
    const h = createHash('sha256');
    let n = 0;
    // The tap's read did not complete the hash: what it kept is partial or mixed; keep this read instead.
    this.resetKept();
    for await (const chunk of this.inner.open()) {
      h.update(chunk);
      this.keep(chunk);
      const before = n;
      n += chunk.length;
      // Progress counts each byte once: only what lies beyond what the tap already counted.
      if (n > this.counted) {
        this.onBytes(n - Math.max(before, this.counted));
      }
    }
    this.counted = Math.max(this.counted, n);
    this.state = 'done';
    this.finished = true;
    return { sha256: h.digest('hex'), bytes: n };
  }
}
