import { hash } from 'node:crypto';
import type { IssueSink } from '../core/index.js';
import type { Detector, FieldValue, Finding, KahuEvent, Locator, MatchedEvent, Provenance } from '../model/index.js';
import { loadMappings, mapRules, type CorrelationIR, type Mappings, type RuleMeta, type RuleSet } from '../sigma/index.js';
import { Correlator, type CorrEvent, type CorrHit } from './correlate.js';
import { RawPrefilter } from './raw-prefilter.js';
import { RuleIndex, type CompiledTarget } from './rule-index.js';

/** Options of {@link createSigmaDetector}. */
export interface SigmaDetectorOptions {
  /** Logsource mappings (default: Kahu's content/mappings). */
  mappings?: Mappings;
  /** Most matched events kept for correlations before they run at the end of the scan (default 2,000,000). */
  maxCorrelationEvents?: number;
}

/** Splits rule tags into ATT&CK technique ids (upper-cased), CVE ids and the rest. */
export function splitTags(tags: readonly string[]): { attack: string[]; cves: string[]; other: string[] } {
  const attack: string[] = [];
  const cves: string[] = [];
  const other: string[] = [];
  for (const t of tags) {
    const a = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
    const c = /^cve\.(\d{4}-\d{4,})$/i.exec(t);
    if (a) attack.push(a[1]!.toUpperCase());
    else if (c) cves.push(`CVE-${c[1]}`);
    else other.push(t);
  }
  return { attack, cves, other };
}

/**
 * A correlation finding's stable id: the first 64 bits of SHA-256 over the rule id and the parts, NUL-separated.
 */
function findingId(ruleId: string, parts: readonly string[]): string {
  return digest(`${ruleId}\u0000${parts.join('\u0000')}`, 16);
}

/** First `n` hex digits of SHA-256 over `text`. */
function digest(text: string, n: number): string {
  return hash('sha256', text, 'hex').slice(0, n);
}

// Per-rule and per-file parts of detection finding ids (see detectionId): a rule's kept with the rule, a file's
// for the last file seen (a batch of events comes from one file).
const ruleTags = new WeakMap<RuleMeta, string>();
let lastEvidence: string | undefined;
let lastPath: string | undefined;
let lastFileTag = '';

/** The locator in a compact, injective form: `l<line>o<offset>r<record>c<chunk>` with the members present. */
function locatorTag(l: Locator): string {
  let s = '';
  if (l.line !== undefined) s += `l${l.line}`;
  if (l.offset !== undefined) s += `o${l.offset}`;
  if (l.record !== undefined) s += `r${l.record}`;
  if (l.chunk !== undefined) s += `c${l.chunk}`;
  return s;
}

/**
 * A detection finding's stable id: `<rule>.<file>.<locator>`, where `<rule>` is 48 bits of SHA-256 over the rule
 * id, `<file>` 64 bits of SHA-256 over the evidence id and path, and `<locator>` the record's place in the file
 * written out. The same rule, file and record give the same id in every run. The hashes are made once per rule and
 * per run of events from one file, not once per finding: one SHA-256 call costs ~0.8 µs, which on attack-dense evidence (1.4 findings
 * per event in SigmaHQ's regression samples) was an eighth of the whole rule evaluation.
 */
function detectionId(rule: RuleMeta, prov: Provenance): string {
  let r = ruleTags.get(rule);
  if (r === undefined) ruleTags.set(rule, (r = digest(`sigma\u0000${rule.id}`, 12)));
  if (prov.evidenceId !== lastEvidence || prov.path !== lastPath) {
    lastEvidence = prov.evidenceId;
    lastPath = prov.path;
    lastFileTag = digest(`${prov.evidenceId}\u0000${prov.path}`, 16);
  }
  return `${r}.${lastFileTag}.${locatorTag(prov.locator)}`;
}

function matched(ev: KahuEvent, fields: readonly string[]): MatchedEvent {
  const values: Record<string, FieldValue> = {};
  for (const f of fields) {
    const v = ev.fields[f];
    if (v !== undefined) values[f] = v;
  }
  return { time: ev.time, host: ev.host, prov: ev.prov, values };
}

// A rule's tags split once, not per finding (three regex tests per tag were a visible share of a finding's cost).
const tagsOf = new WeakMap<RuleMeta, ReturnType<typeof splitTags>>();

/**
 * A finding as one object literal. (It was `{ ...base, first, last, events, eventCount }`: V8 builds such a
 * spread-then-extend object slowly, ~8 µs each, more than the rest of the finding together.) Same property order.
 */
function makeFinding(
  rule: RuleMeta,
  engine: 'sigma' | 'sigma-correlation',
  id: string,
  first: number | null,
  last: number | null,
  events: MatchedEvent[],
  eventCount: number,
): Finding {
  let split = tagsOf.get(rule);
  if (split === undefined) tagsOf.set(rule, (split = splitTags(rule.tags)));
  // Copies: each finding owns its arrays, as before.
  return {
    id,
    engine,
    rule: { id: rule.id, title: rule.title, file: rule.origin.file, line: rule.origin.line },
    level: rule.level,
    attack: split.attack.slice(),
    cves: split.cves.slice(),
    tags: split.other.slice(),
    first,
    last,
    events,
    eventCount,
  };
}

/** The finding of one detection rule on one event. */
export function detectionFinding(t: CompiledTarget, ev: KahuEvent): Finding {
  return makeFinding(t.rule, 'sigma', detectionId(t.rule, ev.prov), ev.time, ev.time, [matched(ev, t.fields)], 1);
}

/** The finding of a correlation hit; the base events keep their provenance. */
export function correlationFinding(h: CorrHit, fieldsOf: (ruleId: string) => readonly string[]): Finding {
  const id = findingId(h.rule.id, [String(h.first), String(h.last), JSON.stringify(h.group)]);
  const fields = new Set<string>([...h.rule.groupBy, ...(h.rule.condition.field ? [h.rule.condition.field] : [])]);
  for (const r of h.rule.rules) for (const f of fieldsOf(r)) fields.add(f);
  for (const m of Object.values(h.rule.aliases)) for (const f of Object.values(m)) fields.add(f);
  const f = makeFinding(h.rule, 'sigma-correlation', id, h.first, h.last, h.events.map((e) => matched(e, [...fields])), h.eventCount);
  f.detail = { group: JSON.stringify(h.group), value: h.value, correlation: h.rule.correlation };
  return f;
}

/** A Sigma detector with its compiled index exposed (for `kahu sigma test` and benchmarks). */
export interface SigmaDetector extends Detector {
  readonly index: RuleIndex;
  /** The byte-level prefilter of text-log records (ADR 0009). */
  readonly raw: RawPrefilter;
  /** Rules loaded but mapped to no Kahu source. */
  readonly inactive: number;
}

/**
 * Creates the Sigma {@link Detector} for `kahu scan`: maps every rule's logsource once, compiles and indexes the
 * matchers, reports one finding per (rule, event), and runs correlations over the matches in time order when
 * the scan ends (`finish`).
 */
export function createSigmaDetector(rules: RuleSet, opts: SigmaDetectorOptions = {}): SigmaDetector {
  const mappings = opts.mappings ?? loadMappings();
  const mapped = mapRules(rules.detections, mappings);
  const index = new RuleIndex(mapped);
  index.prepare();
  const raw = new RawPrefilter(index.targets);
  const correlations: CorrelationIR[] = rules.correlations;
  const correlator = new Correlator(correlations);
  const feeds = correlator.inputs;
  // Rules referred to by a correlation report alone only with `generate: true` (correlation spec, "Generate").
  const silent = new Set<string>();
  for (const c of correlations) if (!c.generate) for (const r of c.rules) silent.add(r);
  const fieldsByRule = new Map(rules.detections.map((d) => [d.id, d.fields]));
  const cap = opts.maxCorrelationEvents ?? 2_000_000;
  let buffer: CorrEvent[] = [];
  let overflow = 0;

  return {
    name: 'sigma',
    index,
    raw,
    inactive: mapped.filter((m) => m.targets.length === 0).length,
    onEvents(events: readonly KahuEvent[]): Finding[] {
      const out: Finding[] = [];
      // Most text-log records match no rule: ruled out from their bytes, they are never decoded.
      const keep = raw.select(events);
      for (let i = 0; i < events.length; i++) {
        if (keep[i] === 0) continue;
        const ev = events[i]!;
        index.match(ev, (t) => {
          if (feeds.has(t.rule.id)) {
            if (ev.time === null) return;
            if (buffer.length < cap) buffer.push({ ruleId: t.rule.id, time: ev.time, events: [ev], fields: ev.fields });
            else overflow++;
          }
          if (!silent.has(t.rule.id)) out.push(detectionFinding(t, ev));
        });
      }
      return out;
    },
    finish(issues: IssueSink): Finding[] {
      if (overflow > 0) {
        issues.report({
          code: 'internal',
          severity: 'warning',
          message: `correlations: ${overflow} matched events beyond the ${cap}-event buffer were not correlated`,
        });
      }
      const items = buffer.sort((a, b) => a.time - b.time);
      buffer = [];
      const hits: CorrHit[] = [];
      for (const e of items) hits.push(...correlator.push(e));
      hits.push(...correlator.finish());
      // Inner correlations of a chain feed the outer one; only the outermost reports (unless `generate`).
      return hits.filter((h) => !silent.has(h.rule.id)).map((h) => correlationFinding(h, (r) => fieldsByRule.get(r) ?? []));
    },
  };
}
