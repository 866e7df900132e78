import type { IssueSink } from '../core/index.js';
import type { EvidenceFormat, KahuEvent } from '../model/index.js';

/** One readable input: a file on disk or an entry inside a zip archive. Read-only by construction. */
export interface EvidenceSource {
  /** Evidence id in the case manifest. */
  readonly id: string;
  /** Path as shown to the user (inside a zip: `archive.zip!/inner/path`). */
  readonly path: string;
  /** Size in bytes (uncompressed for zip entries). */
  readonly size: number;
  /** A fresh byte stream of the whole content. May be called more than once. */
  open(): AsyncIterable<Buffer>;
}

/**
 * A parser for one evidence format. `detect` looks at the first bytes (up to 64 KiB) and the name;
 * `parse` streams batches of events and never throws for bad input: bad records go to `issues`
 * with their location, and parsing goes on.
 */
export interface EvidenceParser {
  readonly format: EvidenceFormat;
  /** Confidence 0..1 that `head` is this format (0 = no). Content first, name only as a tie-breaker. */
  detect(head: Buffer, name: string): number;
  parse(src: EvidenceSource, issues: IssueSink): AsyncIterable<KahuEvent[]>;
}
