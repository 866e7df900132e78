import { createReadStream } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { IssueCollector, type IssueSink } from '../core/index.js';
import { parsers, type EvidenceSource } from '../evidence/index.js';
import type { KahuEvent } from '../model/index.js';
import { loadMappings, mapRules, type Mappings, type RuleSet } from '../sigma/index.js';
import { RuleIndex } from './rule-index.js';

/**
 * SigmaHQ regression runner (`regression_data/**\/info.yml`): each case names a rule id and an EVTX sample
 * (with an evtx_dump `.json` twin) and the number of matching events it recorded (`match_count`, optional).
 * Pass criterion, as in SigmaHQ's own runner (tests/regression_tests_runner.py: a test passes when the rule id
 * appears in the checker's output): the rule fires on the sample. Counts that differ from `match_count` are
 * reported apart (`countMismatch`); `exactCount: true` makes them failures. Both samples are run: a case passes
 * only when the JSON and the EVTX sample (read with Kahu's own parser, slack ignored) both pass.
 */

const InfoSchema = z.object({
  id: z.string().optional(),
  rule_metadata: z.array(z.object({ id: z.string(), title: z.string().optional() })).min(1),
  regression_tests_info: z
    .array(z.object({ name: z.string().optional(), type: z.string().optional(), match_count: z.number().int().optional(), path: z.string() }))
    .min(1),
});

/** The outcome on one sample. */
export interface SampleResult {
  path: string;
  count: number | null;
  error?: string;
}

/** The outcome of one regression case. */
export interface RegressionResult {
  info: string;
  ruleId: string;
  title: string;
  /** Expected count; null = at least one. */
  expected: number | null;
  json: SampleResult | null;
  evtx: SampleResult | null;
  passed: boolean;
  /** A sample's count differs from `match_count` (a failure only with `exactCount`). */
  countMismatch: boolean;
  reason?: string;
}

async function* findInfos(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* findInfos(p);
    else if (e.name === 'info.yml') yield p;
  }
}

/** Reads a file with the evidence parser of `format`, as `kahu scan` would read it. */
async function readWith(format: string, path: string, issues: IssueSink): Promise<KahuEvent[]> {
  const parser = parsers.find((p) => p.format === format);
  if (!parser) throw new Error(`no ${format} parser is registered`);
  const src: EvidenceSource = { id: 'regression', path, size: (await stat(path)).size, open: () => createReadStream(path) };
  const out: KahuEvent[] = [];
  for await (const batch of parser.parse(src, issues)) for (const ev of batch) out.push(ev);
  return out;
}

/** Reads a JSON events file (evtx_dump objects one after another, SigmaHQ's `.json` samples) with Kahu's JSON events parser. */
export function readJsonEvents(path: string, issues: IssueSink): Promise<KahuEvent[]> {
  return readWith('json-events', path, issues);
}

/** Reads an EVTX file with Kahu's EVTX evidence parser as Windows events (live records only: slack is skipped). */
export async function readEvtxEvents(path: string, issues: IssueSink): Promise<KahuEvent[]> {
  return (await readWith('evtx', path, issues)).filter((ev) => ev.fields.EvtxRecoveredFromSlack !== true);
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** Runs every regression case under `dir` against the loaded rules. */
export async function runRegression(dir: string, rules: RuleSet, opts: { mappings?: Mappings; evtx?: boolean; exactCount?: boolean } = {}): Promise<RegressionResult[]> {
  const mappings = opts.mappings ?? loadMappings();
  const byId = new Map(rules.detections.map((d) => [d.id, d]));
  const results: RegressionResult[] = [];
  for await (const info of findInfos(dir)) {
    const parsed = InfoSchema.safeParse(parseYaml(await readFile(info, 'utf8')));
    if (!parsed.success) {
      results.push({ info, ruleId: '?', title: '?', expected: null, json: null, evtx: null, passed: false, countMismatch: false, reason: `info.yml: ${parsed.error.issues[0]?.message}` });
      continue;
    }
    const meta = parsed.data.rule_metadata[0]!;
    const rule = byId.get(meta.id);
    for (const t of parsed.data.regression_tests_info) {
      const expected = t.match_count ?? null;
      const base: RegressionResult = { info, ruleId: meta.id, title: meta.title ?? '', expected, json: null, evtx: null, passed: false, countMismatch: false };
      if (!rule) {
        results.push({ ...base, reason: 'rule not loaded (missing or skipped)' });
        continue;
      }
      const index = new RuleIndex(mapRules([rule], mappings));
      if (index.targets.length === 0) {
        results.push({ ...base, reason: `logsource ${JSON.stringify(rule.logsource)} has no mapping` });
        continue;
      }
      const count = (events: Iterable<KahuEvent>): number => {
        let n = 0;
        for (const ev of events) index.match(ev, () => n++);
        return n;
      };
      // The sample beside info.yml (info's `path` is relative to the SigmaHQ checkout's root).
      const evtxPath = join(dirname(info), basename(t.path));
      const jsonPath = evtxPath.replace(/\.evtx$/i, '.json');
      const exact = (r: SampleResult): boolean => expected === null || r.count === expected;
      const ok = (r: SampleResult | null): boolean => r !== null && r.count !== null && r.count > 0 && (!opts.exactCount || exact(r));
      const issues = new IssueCollector();
      let json: SampleResult | null = null;
      if (await exists(jsonPath)) {
        try {
          json = { path: jsonPath, count: count(await readJsonEvents(jsonPath, issues)) };
        } catch (err) {
          json = { path: jsonPath, count: null, error: (err as Error).message };
        }
      }
      let evtx: SampleResult | null = null;
      if (opts.evtx !== false && (await exists(evtxPath)) && /\.evtx$/i.test(evtxPath)) {
        try {
          evtx = { path: evtxPath, count: count(await readEvtxEvents(evtxPath, issues)) };
        } catch (err) {
          evtx = { path: evtxPath, count: null, error: (err as Error).message };
        }
      }
      const samples = [json, evtx].filter((s): s is SampleResult => s !== null);
      const passed = samples.length > 0 && samples.every(ok);
      const countMismatch = samples.some((r) => r.count !== null && !exact(r));
      const want = opts.exactCount && expected !== null ? String(expected) : '>= 1';
      const reason = passed
        ? undefined
        : samples.length === 0
          ? 'no sample file found'
          : samples
              .filter((s) => !ok(s))
              .map((s) => `${s === json ? 'json' : 'evtx'}: ${s.error ?? `${s.count} match(es), expected ${want}`}`)
              .join('; ');
      results.push({ ...base, json, evtx, passed, countMismatch, ...(reason ? { reason } : {}) });
    }
  }
  return results;
}
