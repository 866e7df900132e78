import { z } from 'zod';

/**
 * Source types: where an event came from. Sigma logsources map onto these (content/mappings/).
 * Exchange sources are Kahu's own (Sigma has no taxonomy for them).
 */
export const SourceType = z.enum([
  'webserver.iis',
  'exchange.httpproxy',
  'exchange.ecp',
  'exchange.oab',
  'exchange.rps',
  'exchange.cmdlet',
  'windows',
  'file',
]);
/** Where an event came from. */
export type SourceType = z.infer<typeof SourceType>;

/** A field value. Windows EventData values keep their type (numbers stay numbers); lists stay lists. */
export type FieldValue = string | number | boolean | null | FieldValue[];
/** Zod schema of a field value. */
export const FieldValue: z.ZodType<FieldValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(FieldValue)]),
);

/** Where inside its file an event was read. At least one member is set. */
export const Locator = z.object({
  /** 1-based line number (text logs, JSON lines). */
  line: z.number().int().positive().optional(),
  /** Byte offset of the record's start in the file or zip entry. */
  offset: z.number().int().nonnegative().optional(),
  /** EVTX EventRecordID, or the index of a record in a JSON array. */
  record: z.number().int().nonnegative().optional(),
  /** EVTX chunk index. */
  chunk: z.number().int().nonnegative().optional(),
});
/** Where inside its file an event was read. */
export type Locator = z.infer<typeof Locator>;

/** Provenance travels with every event and every finding: which evidence, which file, where in it. */
export const Provenance = z.object({
  /** Id of the evidence file in the case's manifest (stable: first 16 hex chars of its SHA-256 + index). */
  evidenceId: z.string(),
  /** Path as shown to the user; inside a zip archive `archive.zip!/inner/path`. */
  path: z.string(),
  locator: Locator,
});
/** Provenance of an event. */
export type Provenance = z.infer<typeof Provenance>;

/**
 * The normalised event. `fields` are flat and named as Sigma's taxonomy names them for the source
 * (web: `c-uri`, `cs-method`, `c-useragent`, `sc-status`, `c-ip`...; Windows: `EventID`, `Channel`,
 * `Provider_Name`, `Computer` and the EventData names). See docs/event-model.md.
 */
export const KahuEvent = z.object({
  /** UTC time in epoch milliseconds, null when the record had none. */
  time: z.number().nullable(),
  /** Host the event was logged on (Computer, s-computername, ...), null when unknown. */
  host: z.string().nullable(),
  source: SourceType,
  fields: z.record(z.string(), FieldValue),
  prov: Provenance,
});
/** The normalised event. */
export type KahuEvent = z.infer<typeof KahuEvent>;
