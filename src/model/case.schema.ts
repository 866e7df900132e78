import { z } from 'zod';
import { EvidenceFile, EvidenceFormat } from './evidence.schema.js';
import { SourceType } from './event.schema.js';
import { Finding, Level } from './finding.schema.js';
import { IssueSchema } from './issue.schema.js';
import { CveVerdict } from './verdict.schema.js';
import { Attribution } from './hypothesis.schema.js';
import { ObservedAttack } from './observed-attack.schema.js';

/** The case format's version tag. Bump the number only for changes that break readers. */
export const CASE_SCHEMA_VERSION = 'kahu.case/1';

/** Events and files seen for one source type (or format), with the time range they cover. */
export const CountStats = z.object({
  files: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Oldest and newest event time (epoch ms UTC), null if no event had a time. */
  first: z.number().nullable(),
  last: z.number().nullable(),
});
/** Counts for one source type or format. */
export type CountStats = z.infer<typeof CountStats>;

/** Totals of a scan. `bySource` counts parsed events by source type; `byFormat` counts files by detected format. */
export const CaseStats = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Parsed events (file-inventory events are counted under `bySource.file`, not here). */
  events: z.number().int().nonnegative(),
  /** Files that could not be read at all. */
  unreadable: z.number().int().nonnegative(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  bySource: z.partialRecord(SourceType, CountStats),
  byFormat: z.partialRecord(EvidenceFormat, CountStats),
  /** Findings per level. */
  byLevel: z.partialRecord(Level, z.number().int().nonnegative()),
  durationMs: z.number().nonnegative(),
});
/** Totals of a scan. */
export type CaseStats = z.infer<typeof CaseStats>;

/** One detector that ran, with how many findings it gave and how long it took. */
export const DetectorRun = z.object({
  name: z.string(),
  findings: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
});
/** One detector that ran. */
export type DetectorRun = z.infer<typeof DetectorRun>;

/**
 * One input file in the case's manifest: the evidence facts plus what the scan made of it.
 * `events + unusable records = records`, so every record of the file is accounted for.
 */
export const ManifestEntry = EvidenceFile.extend({
  /** Records met in the file: its events plus the records its parser reported as unusable (`bad-record`). */
  records: z.number().int().nonnegative().optional(),
  /** Issues reported for this file (all codes and severities, before any capping of the issue list). */
  issues: z.number().int().nonnegative().optional(),
});
/** One input file in the case's manifest. */
export type ManifestEntry = z.infer<typeof ManifestEntry>;

/**
 * A Kahu case: everything one scan found, with the provenance needed to check it.
 * Written as `case.json`; the HTML report, timeline and findings.jsonl are renderings of it.
 */
export const Case = z.object({
  schema: z.literal(CASE_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('kahu'), version: z.string() }),
  /** When the scan started and ended, ISO 8601 UTC. */
  created: z.string(),
  finished: z.string(),
  /** How the scan was asked for: the inputs as given and the options that change results. */
  command: z.object({
    argv: z.array(z.string()).optional(),
    inputs: z.array(z.string()),
    options: z.record(z.string(), z.unknown()),
  }),
  host: z.object({ hostname: z.string(), platform: z.string(), node: z.string() }).optional(),
  /** One entry per input file (and per zip entry), in scan order. */
  evidence: z.array(ManifestEntry),
  stats: CaseStats,
  detectors: z.array(DetectorRun),
  findings: z.array(Finding),
  issues: z.array(IssueSchema),
  verdicts: z.array(CveVerdict).optional(),
  /** What the findings show in ATT&CK terms (set by the ATT&CK enrich step; absent when it did not run). */
  attack: ObservedAttack.optional(),
  attribution: Attribution.optional(),
});
/** A Kahu case. */
export type Case = z.infer<typeof Case>;
