import { hostname, platform } from 'node:os';
import { performance } from 'node:perf_hooks';
import { IssueCollector, KahuError } from '../core/index.js';
import type { Issue, IssueSink } from '../core/index.js';
import { collectEvidence, inventoryEvent } from '../evidence/index.js';
import type { EvidenceEntry } from '../evidence/index.js';
import { CASE_SCHEMA_VERSION } from '../model/index.js';
import type { Case, Detector, DetectorRun, FileFacts, Finding, KahuEvent, ManifestEntry } from '../model/index.js';
import { HashTap } from './hash-tap.js';
import { caseSteps, defaultDetectors, orderSteps } from './registry.js';
import type { CaseStep } from './registry.js';
import { newFileTally, StatsAccumulator, tallyBatch } from './stats.js';
import { TOOL_VERSION } from './version.js';
import { assertOutsideEvidence, writeCaseFiles } from './write.js';

/** Where a scan is; sent to `onProgress` as bytes flow (often: throttle rendering yourself). */
export interface ScanProgress {
  /** `count`: sizing the evidence (only when progress is asked for); `scan`: reading; `detect`: finishing detectors; `steps`: verdicts/attribution; `write`: writing the case folder. */
  phase: 'count' | 'scan' | 'detect' | 'steps' | 'write';
  filesDone: number;
  /** Null while unknown (during `count`). */
  filesTotal: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  events: number;
  findings: number;
  /** The file being read (evidence-derived: strip control characters before printing). */
  path: string | null;
}

/** Evidence intake: where files come from and how each becomes a file-inventory event. Swappable for tests. */
export interface Intake {
  collect(paths: string[], issues: IssueSink): AsyncIterable<EvidenceEntry>;
  inventory(entry: EvidenceEntry, sha256: string): KahuEvent;
}

/** Kahu's own intake: files, folders and zip archives, formats recognised by content. */
export const defaultIntake: Intake = { collect: (paths, issues) => collectEvidence(paths, issues), inventory: inventoryEvent };

/** Memory bounds of a scan. */
export interface ScanLimits {
  /** Matched events kept per finding (`eventCount` keeps the true number). Default 100. */
  eventsPerFinding: number;
  /** Findings kept in the case; beyond it they are counted in an issue. Default 100 000. */
  findings: number;
  /** Issues listed one by one per code and file before they are summarised. Default 200. */
  issuesPerKey: number;
}

/** Default memory bounds. */
export const DEFAULT_LIMITS: ScanLimits = { eventsPerFinding: 100, findings: 100_000, issuesPerKey: 200 };

/** Options of `runScan`. Only `paths` is required. */
export interface ScanOptions {
  /** Files, folders (recursive) and zip archives to scan. Never written to. */
  paths: string[];
  /** Case folder to write (case.json, findings.jsonl, timeline.csv, report.html). Omit to only return the case. */
  out?: string;
  /** Detectors to run instead of the registry's defaults (`defaultDetectors`). */
  detectors?: Detector[];
  /** Extra rule folders for the default detectors (`--rules`). */
  ruleDirs?: string[];
  /** Load Kahu's built-in rule packs (default true; `--no-builtin-rules`). */
  builtinRules?: boolean;
  /** Passed to detector factories; the CLI also turns error issues into a failing exit. */
  strict?: boolean;
  /** Post-detection steps to run instead of the registry's `caseSteps`. */
  steps?: CaseStep[];
  /** Progress callback; asking for it adds a quick sizing pass so totals are known. */
  onProgress?: (p: ScanProgress) => void;
  /** The command line, recorded in the case. */
  argv?: string[];
  /** Options as the user gave them, recorded in the case (defaults to the result-changing ones). */
  recordOptions?: Record<string, unknown>;
  limits?: Partial<ScanLimits>;
  /** Evidence intake (tests inject fake sources). */
  intake?: Intake;
  /** Clock (tests pin it). */
  now?: () => Date;
}

const NO_ISSUES: IssueSink = { report() {} };

/** Counts issues per file (before the collector's cap) so the manifest can account for every record. */
class CountingSink implements IssueSink {
  private readonly counts = new Map<string, { issues: number; badRecords: number }>();
  constructor(private readonly inner: IssueSink) {}

  report(issue: Issue): void {
    this.inner.report(issue);
    const path = issue.location?.path;
    if (path === undefined) return;
    const n = this.counts.get(path) ?? { issues: 0, badRecords: 0 };
    n.issues++;
    const loc = issue.location;
    if (issue.code === 'bad-record' && (loc?.line !== undefined || loc?.record !== undefined || loc?.offset !== undefined)) n.badRecords++;
    this.counts.set(path, n);
  }

  /** Counts for one path (intake may report on a file after it was scanned, so read these at the end). */
  get(path: string): { issues: number; badRecords: number } {
    return this.counts.get(path) ?? { issues: 0, badRecords: 0 };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function issueFromError(err: unknown, path: string, what: string): Issue {
  const sys = err as NodeJS.ErrnoException | null;
  if (err instanceof KahuError) {
    return { code: err.code, severity: 'error', message: `${what}: ${err.message}`, location: { path, ...err.location } };
  }
  const io = typeof sys?.code === 'string' && /^E[A-Z]+$/.test(sys.code);
  return { code: io ? 'io' : 'internal', severity: 'error', message: `${what}: ${errorText(err)}`, location: { path } };
}

/** A detector with its timing, switched off after it throws once. */
class DetectorSlot {
  ms = 0;
  findings = 0;
  failed = false;
  constructor(readonly detector: Detector) {}

  call(fn: () => Finding[], issues: IssueSink, when: string): Finding[] {
    const out = this.guard(fn, [], issues, when);
    this.findings += out.length;
    return out;
  }

  /**
   * Runs one detector method: a detector that throws is stopped (one issue) and `fallback` stands in, now and for
   * every later call. Time spent is counted.
   */
  private guard<T>(fn: () => T, fallback: T, issues: IssueSink, when: string): T {
    if (this.failed) return fallback;
    const t0 = performance.now();
    try {
      return fn();
    } catch (err) {
      this.failed = true;
      issues.report({
        code: 'internal',
        severity: 'error',
        message: `detector ${this.detector.name} failed in ${when} and was stopped: ${errorText(err)}`,
      });
      return fallback;
    } finally {
      this.ms += performance.now() - t0;
    }
  }

  /** Bytes of a file the detector wants in `onFile` (0 when it reads no content or has failed). */
  wants(file: FileFacts, issues: IssueSink): number {
    const d = this.detector;
    if (!d.wantsFile || !d.onFile) return 0;
    const n = this.guard(() => d.wantsFile!(file), 0, issues, 'wantsFile');
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  }
}

/**
 * Runs a scan: intake → parse → detectors → case → post-detection steps, and writes the case folder
 * when `out` is given. Each file is read once (hash, progress and parser share the bytes). Memory is
 * bounded: events are never kept, only per-file counts, time ranges, stats and (capped) findings.
 *
 * Throws `KahuError('usage')` for a bad `out`; every evidence problem becomes an issue in the case.
 *
 * @example
 * const c = await runScan({ paths: ['/cases/exch01/logs'], out: './kahu-case-exch01' });
 * console.log(c.stats.events, c.findings.length);
 */
export async function runScan(opts: ScanOptions): Promise<Case> {
  const limits: ScanLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const now = opts.now ?? (() => new Date());
  const intake = opts.intake ?? defaultIntake;
  const created = now();
  const t0 = performance.now();
  if (opts.out !== undefined) await assertOutsideEvidence(opts.out, opts.paths);

  const collector = new IssueCollector(limits.issuesPerKey);
  const issues = new CountingSink(collector);
  const detectors =
    opts.detectors ??
    (await defaultDetectors(
      { ruleDirs: opts.ruleDirs ?? [], builtinRules: opts.builtinRules ?? true, strict: opts.strict ?? false },
      issues,
    ));
  const slots = detectors.map((d) => new DetectorSlot(d));

  const progress: ScanProgress = {
    phase: 'count',
    filesDone: 0,
    filesTotal: null,
    bytesDone: 0,
    bytesTotal: null,
    events: 0,
    findings: 0,
    path: null,
  };
  const tell = opts.onProgress ? () => opts.onProgress?.(progress) : () => {};
  if (opts.onProgress) {
    // Sizing pass: walking and format sniffing are cheap next to hashing and parsing, and an honest
    // total beats a bar that grows. Issues are reported by the real pass only.
    let files = 0;
    let bytes = 0;
    for await (const e of intake.collect(opts.paths, NO_ISSUES)) {
      files++;
      bytes += e.size;
    }
    progress.filesTotal = files;
    progress.bytesTotal = bytes;
  }
  progress.phase = 'scan';
  tell();

  const findings: Finding[] = [];
  let droppedFindings = 0;
  const keep = (found: Finding[]): void => {
    for (const f of found) {
      if (findings.length >= limits.findings) {
        droppedFindings++;
        continue;
      }
      findings.push(f.events.length > limits.eventsPerFinding ? { ...f, events: f.events.slice(0, limits.eventsPerFinding) } : f);
    }
    progress.findings = findings.length;
  };
  const detect = (batch: readonly KahuEvent[]): void => {
    for (const s of slots) keep(s.call(() => s.detector.onEvents(batch, issues), issues, 'onEvents'));
  };

  const stats = new StatsAccumulator();
  const evidence: ManifestEntry[] = [];
  for await (const entry of intake.collect(opts.paths, issues)) {
    progress.path = entry.path;
    tell();
    // Content-scanning detectors (YARA) say how many bytes of this file they want; the tap keeps that much while
    // hashing, so the file (or archive entry) is read once. A file known to be larger is not kept at all.
    const wants = slots.map((s) => (entry.readable ? s.wants({ path: entry.path, format: entry.format, size: entry.size }, issues) : 0));
    const keepUpTo = Math.max(0, ...wants);
    const tap = new HashTap(
      entry,
      (n) => {
        progress.bytesDone += n;
        tell();
      },
      entry.size > keepUpTo ? 0 : keepUpTo,
    );
    const tally = newFileTally();
    let reason = entry.reason;
    // Intake already reported why an entry cannot be read (refused zip entry, permission, special file).
    let readable = entry.readable;
    if (readable && entry.parser) {
      try {
        for await (const batch of entry.parser.parse(tap.source, issues)) {
          if (batch.length === 0) continue;
          tallyBatch(tally, batch);
          progress.events += batch.length;
          detect(batch);
        }
      } catch (err) {
        // Parsers report bad records as issues; a throw is an I/O failure or a parser bug. Keep what was read.
        const issue = issueFromError(err, entry.path, `reading ${entry.format} stopped after ${tally.events} event(s)`);
        issues.report(issue);
        reason ??= issue.message;
      }
    }
    let sha256 = '';
    if (readable) {
      try {
        sha256 = (await tap.finish()).sha256;
      } catch (err) {
        readable = false;
        const issue = issueFromError(err, entry.path, 'unreadable');
        issues.report(issue);
        reason = issue.message;
      }
    }
    stats.addFile(entry.format, entry.size, tally, readable);
    const file: ManifestEntry = {
      id: entry.id,
      path: entry.path,
      size: entry.size,
      sha256,
      mtime: entry.mtime,
      format: entry.format,
      events: tally.events,
      first: tally.first,
      last: tally.last,
    };
    if (reason !== undefined) file.reason = reason;
    // Filled in at the end from the issue counts: events + unusable records = records.
    if (entry.parser && readable) file.records = tally.events;
    evidence.push(file);
    const mtime = entry.mtime === null ? null : Date.parse(entry.mtime);
    stats.addInventory(entry.size, Number.isNaN(mtime) ? null : mtime);
    // Unreadable entries are inventoried too (their `Readable: false` is itself worth a rule).
    const inventory = intake.inventory(readable === entry.readable ? entry : { ...entry, readable: false }, sha256);
    detect([inventory]);
    if (readable && keepUpTo > 0) {
      const data = tap.content();
      const size = data?.length ?? Math.max(entry.size, tap.bytes);
      slots.forEach((s, i) => {
        const want = wants[i] ?? 0;
        if (want <= 0) return;
        const file = { event: inventory, data: data !== null && data.length <= want ? data : null, size };
        keep(s.call(() => s.detector.onFile?.(file, issues) ?? [], issues, 'onFile'));
      });
    }
    progress.filesDone++;
    tell();
  }

  progress.phase = 'detect';
  progress.path = null;
  tell();
  for (const s of slots) keep(s.call(() => s.detector.finish(issues), issues, 'finish'));
  if (droppedFindings > 0) {
    issues.report({
      code: 'internal',
      severity: 'warning',
      message: `${droppedFindings} finding(s) beyond the limit of ${limits.findings} were not kept; narrow the rules or the evidence`,
    });
  }
  for (const file of evidence) {
    const n = issues.get(file.path);
    if (file.records !== undefined) file.records += n.badRecords;
    if (n.issues > 0) file.issues = n.issues;
  }
  findings.sort((a, b) => (a.first ?? Infinity) - (b.first ?? Infinity));

  const detectorRuns: DetectorRun[] = slots.map((s) => ({ name: s.detector.name, findings: s.findings, ms: Math.round(s.ms) }));
  const c: Case = {
    schema: CASE_SCHEMA_VERSION,
    tool: { name: 'kahu', version: TOOL_VERSION },
    created: created.toISOString(),
    finished: created.toISOString(),
    command: {
      ...(opts.argv ? { argv: opts.argv } : {}),
      inputs: opts.paths,
      options: opts.recordOptions ?? {
        ruleDirs: opts.ruleDirs ?? [],
        builtinRules: opts.builtinRules ?? true,
        strict: opts.strict ?? false,
      },
    },
    host: { hostname: hostname(), platform: platform(), node: process.version },
    evidence,
    stats: stats.snapshot(findings, 0),
    detectors: detectorRuns,
    findings,
    issues: [],
  };

  progress.phase = 'steps';
  tell();
  for (const step of orderSteps(opts.steps ?? caseSteps)) {
    try {
      await step.run(c, issues);
    } catch (err) {
      issues.report({ code: 'internal', severity: 'error', message: `case step ${step.name} failed: ${errorText(err)}` });
    }
  }

  c.issues = collector.all();
  c.stats.durationMs = Math.round(performance.now() - t0);
  c.finished = now().toISOString();
  if (opts.out !== undefined) {
    progress.phase = 'write';
    tell();
    await writeCaseFiles(c, opts.out);
  }
  return c;
}
