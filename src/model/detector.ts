import type { IssueSink } from '../core/index.js';
import type { EvidenceFormat } from './evidence.schema.js';
import type { KahuEvent } from './event.schema.js';
import type { Finding } from './finding.schema.js';

/** What a content-scanning detector is told about a file before it is read (see `Detector.wantsFile`). */
export interface FileFacts {
  /** Path as shown to the user (inside an archive: `archive.zip!/inner/path`). */
  readonly path: string;
  readonly format: EvidenceFormat;
  /** Size in bytes as intake knows it: uncompressed size declared by the archive; 0 when unknown (gzip in a zip). */
  readonly size: number;
}

/** The content of one evidence file, handed to `Detector.onFile` after the file's inventory event. */
export interface FileContent {
  /** The file's inventory event (source `file`): path, format, size, SHA-256, times. */
  readonly event: KahuEvent;
  /** The whole content; null when it is larger than the bytes the detector asked for (nothing was kept). */
  readonly data: Buffer | null;
  /** Content size in bytes: the bytes read, or, when `data` is null, the known size (at least the bytes seen). */
  readonly size: number;
}

/**
 * A detector sees every event batch of a scan, in file order, and returns findings.
 * Sigma (engine/), YARA (yara/) and artifact checks implement it; case/ runs them.
 *
 * A detector that reads file content (YARA) also implements `wantsFile` and `onFile`: the scan asks before
 * reading each file and keeps its bytes (up to the largest cap asked for) while it hashes them, so every file
 * and archive entry is read, or inflated, once; detectors never open evidence themselves.
 */
export interface Detector {
  readonly name: string;
  /** Called with each batch of events; may return findings at once. */
  onEvents(events: readonly KahuEvent[], issues: IssueSink): Finding[];
  /** Called once after the last batch (correlations flush here). */
  finish(issues: IssueSink): Finding[];
  /** Most bytes of this file the detector wants to see in `onFile` (0: none). Asked before the file is read. */
  wantsFile?(file: FileFacts): number;
  /** Called after the inventory event of each file for which `wantsFile` returned more than 0. */
  onFile?(file: FileContent, issues: IssueSink): Finding[];
}
