import { z } from 'zod';
import { FieldValue, Provenance } from './event.schema.js';

/** Sigma levels, lowest first. */
export const Level = z.enum(['informational', 'low', 'medium', 'high', 'critical']);
/** Severity level of a rule and its findings. */
export type Level = z.infer<typeof Level>;
/** Levels in ascending order, for comparisons. */
export const LEVELS: readonly Level[] = Level.options;

/** One event behind a finding: its provenance, time and the field values that made it match. */
export const MatchedEvent = z.object({
  time: z.number().nullable(),
  host: z.string().nullable(),
  prov: Provenance,
  /** The fields the rule looked at, with the event's values. */
  values: z.record(z.string(), FieldValue),
});
/** One event behind a finding. */
export type MatchedEvent = z.infer<typeof MatchedEvent>;

/** What found it. */
export const FindingEngine = z.enum(['sigma', 'sigma-correlation', 'yara', 'artifact']);
/** What found it. */
export type FindingEngine = z.infer<typeof FindingEngine>;

/** A detection: which rule, where the rule is, which evidence, and what it means in ATT&CK and CVE terms. */
export const Finding = z.object({
  id: z.string(),
  engine: FindingEngine,
  rule: z.object({
    id: z.string(),
    title: z.string(),
    /** Rule file and 1-based line of the rule's start. */
    file: z.string(),
    line: z.number().int().positive(),
  }),
  level: Level,
  /** ATT&CK technique ids (T1190, T1505.003). */
  attack: z.array(z.string()),
  /** CVE ids (CVE-2021-26855). */
  cves: z.array(z.string()),
  /** Other rule tags as written. */
  tags: z.array(z.string()),
  /** First and last event time (epoch ms UTC), null if no event had a time. */
  first: z.number().nullable(),
  last: z.number().nullable(),
  /** The events behind the finding (capped; `eventCount` holds the true number). */
  events: z.array(MatchedEvent),
  eventCount: z.number().int().nonnegative(),
  /** For YARA / artifact findings: file-level detail (offset, matched string id...). */
  detail: z.record(z.string(), FieldValue).optional(),
});
/** A detection. */
export type Finding = z.infer<typeof Finding>;
