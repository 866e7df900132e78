import { z } from 'zod';

/** Formats Kahu recognises by content. Add one per parser. */
export const EvidenceFormat = z.enum([
  'iis-w3c',
  'exchange-httpproxy',
  'exchange-ecp',
  'exchange-oab',
  'exchange-rps',
  'exchange-cmdlet',
  'evtx',
  'json-events',
  'zip',
  'gzip',
  'unrecognised',
]);
/** A recognised evidence format. */
export type EvidenceFormat = z.infer<typeof EvidenceFormat>;

/** One input file in the case's evidence manifest. */
export const EvidenceFile = z.object({
  id: z.string(),
  /** Path as given/shown; inside a zip `archive.zip!/inner/path`. */
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  /** Modification time, ISO 8601 UTC (null inside archives without one). */
  mtime: z.string().nullable(),
  format: EvidenceFormat,
  /** Number of events read from the file. */
  events: z.number().int().nonnegative(),
  /** Why the format was not recognised or the file could not be read. */
  reason: z.string().optional(),
  /** Oldest and newest event time in the file (epoch ms UTC). */
  first: z.number().nullable().optional(),
  last: z.number().nullable().optional(),
});
/** One input file in the manifest. */
export type EvidenceFile = z.infer<typeof EvidenceFile>;
