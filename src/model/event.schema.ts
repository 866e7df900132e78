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
/**
 * The bytes of a text-log record where its parser read them, for byte-level prefilters (a rule index can rule
 * out most records of a log with one case-insensitive search over the read buffer, before any field is
 * decoded). Present only while the parser's read buffer is attached to the event.
 */
export interface RawRecord {
  /** The read buffer holding the record (shared by the records of one read). Read-only. */
  readonly buf: Buffer;
  /** The record is `buf[start, end)`, without its line break. */
  readonly start: number;
  readonly end: number;
  /** Whether the record's bytes are all ASCII. */
  readonly ascii: boolean;
  /**
   * Field values the parser derives from outside the record (an HttpProxy log's protocol, taken from its folder
   * name), lower-cased and joined by `\n`; '' when none. A prefilter must look for literals here too.
   */
  readonly extra: string;
}

/**
 * The normalised event. Text-log parsers may build `fields` on first access (a record nobody reads is never
 * decoded); `field(name)` then reads one value without building the rest, and `raw` exposes the record's bytes.
 */
export type KahuEvent = z.infer<typeof KahuEvent> & {
  /** The record's bytes, while its read buffer is attached (text logs only). */
  readonly raw?: RawRecord | null;
  /** One field's value without building `fields` (lazy text-log events only). */
  field?(name: string): FieldValue | undefined;
};

/** One field of an event: through `field()` when the event has it (no full decode), else from `fields`. */
export function fieldOf(ev: KahuEvent, name: string): FieldValue | undefined {
  return ev.field ? ev.field(name) : ev.fields[name];
}
