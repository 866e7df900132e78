import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KahuError, type IssueSink } from '../core/index.js';
import type { DetectionIR, Expr, Logsource, MappedRule, PatternPart } from './ir.js';

/**
 * Logsource mapping (content/mappings/*.yml): which events a rule's logsource means (a source type plus
 * field conditions such as Channel and EventID) and how the rule's field names read on those events.
 * Applied once per rule, before any backend, producing {@link MappedRule}s. See docs/sigma-mapping.md.
 */

const Scalar = z.union([z.string(), z.number()]);

/** One mapping entry: a logsource pattern and what it becomes. */
export const MappingEntrySchema = z
  .object({
    logsource: z
      .object({ product: z.string().optional(), category: z.string().optional(), service: z.string().optional() })
      .strict()
      .refine((l) => l.product !== undefined || l.category !== undefined || l.service !== undefined, 'logsource needs a key'),
    /** Name of this variant (reported with findings: which mapping made the event match). */
    mapping: z.string().min(1),
    /** Source type of the events (defaults to the file's). */
    source: z.string().optional(),
    /** Field → allowed values (OR), all fields AND; compared case-insensitively. */
    conditions: z.record(z.string(), z.array(Scalar).min(1)).optional(),
    /** Rule field name → event field name. */
    fields: z.record(z.string(), z.string()).optional(),
    /** When set, the variant applies only to rules whose fields are all listed here. */
    requires: z.array(z.string()).optional(),
  })
  .strict();

/** A mapping file. */
export const MappingFileSchema = z
  .object({
    name: z.string().min(1),
    source: z.string().min(1),
    logsources: z.array(MappingEntrySchema).min(1),
  })
  .strict();

/** A mapping variant, resolved. */
export interface MappingEntry {
  logsource: Logsource;
  mapping: string;
  source: string;
  conditions: Record<string, Array<string | number>>;
  fields: Record<string, string>;
  requires?: string[];
}

/** The loaded mappings. */
export interface Mappings {
  entries: MappingEntry[];
}

/** Finds the `content/` folder shipped with Kahu (walks up from this module: works from src/ and dist/). */
export function contentDir(): string {
  let d = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'content', 'mappings'))) return join(d, 'content');
    d = dirname(d);
  }
  throw new KahuError('io', 'cannot find the content/ folder of Kahu');
}

/** Parses and validates one mapping file's text. */
export function parseMappingFile(text: string, path: string): MappingEntry[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new KahuError('rule-invalid', `mapping ${path}: ${(err as Error).message}`, { location: { path } });
  }
  const r = MappingFileSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new KahuError('rule-invalid', `mapping ${path}: ${i?.path.join('.')}: ${i?.message}`, { location: { path } });
  }
  return r.data.logsources.map((e) => ({
    logsource: e.logsource as Logsource,
    mapping: e.mapping,
    source: e.source ?? r.data.source,
    conditions: e.conditions ?? {},
    fields: e.fields ?? {},
    ...(e.requires ? { requires: e.requires } : {}),
  }));
}

/** Loads every `*.yml` of a mappings folder (default: Kahu's content/mappings). Invalid files throw: they are Kahu's own data. */
export function loadMappings(dir: string = join(contentDir(), 'mappings')): Mappings {
  const entries: MappingEntry[] = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const p = join(dir, f);
    entries.push(...parseMappingFile(readFileSync(p, 'utf8'), p));
  }
  return { entries };
}

const KEYS = ['product', 'category', 'service'] as const;

/** Entries that match a logsource: every key of the entry equal in the rule; only the most specific ones. */
export function matchingEntries(m: Mappings, ls: Logsource): MappingEntry[] {
  const hits = m.entries.filter((e) => KEYS.every((k) => e.logsource[k] === undefined || e.logsource[k] === ls[k]));
  // A rule key the entry does not mention must not be a more specific source the entry cannot stand for:
  // only product may be left out (`category: webserver` covers `product: windows, category: webserver`).
  const fit = hits.filter((e) => (['category', 'service'] as const).every((k) => ls[k] === undefined || e.logsource[k] !== undefined));
  const score = (e: MappingEntry): number => KEYS.filter((k) => e.logsource[k] !== undefined).length;
  const best = Math.max(0, ...fit.map(score));
  return fit.filter((e) => score(e) === best);
}

function lit(v: string | number): PatternPart[] {
  return [{ t: 'lit', v: String(v) }];
}

/** Renames fields in an expression (keyword tests and constants are unchanged). */
export function renameFields(e: Expr, fields: Readonly<Record<string, string>>): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { kind: e.kind, args: e.args.map((a) => renameFields(a, fields)) };
    case 'not':
      return { kind: 'not', arg: renameFields(e.arg, fields) };
    case 'field': {
      const test = e.test.op === 'fieldref' ? { ...e.test, ref: fields[e.test.ref] ?? e.test.ref } : e.test;
      return { kind: 'field', field: fields[e.field] ?? e.field, test };
    }
    case 'const':
    case 'keyword':
      return e;
  }
}

/** The source conditions of an entry as IR. */
export function entryConditions(e: MappingEntry): Expr[] {
  return Object.entries(e.conditions).map(([field, vals]) => {
    const tests: Expr[] = vals.map((v) => ({ kind: 'field', field, test: { op: 'pattern', parts: lit(v), cased: false } }));
    return tests.length === 1 ? tests[0]! : { kind: 'or', args: tests };
  });
}

/**
 * Maps a detection rule onto event sources: one target per matching mapping variant whose `requires` the rule
 * meets. A rule with no target is loaded but inactive (no Kahu source carries its events).
 */
export function mapRule(rule: DetectionIR, m: Mappings): MappedRule {
  const targets: MappedRule['targets'] = [];
  for (const e of matchingEntries(m, rule.logsource)) {
    if (e.requires && !rule.fields.every((f) => e.requires!.includes(f))) continue;
    const detection = renameFields(rule.detection, e.fields);
    const show = rule.show?.map((f) => e.fields[f] ?? f);
    targets.push({
      source: e.source,
      mapping: e.mapping,
      expr: { kind: 'and', args: [...entryConditions(e), detection] },
      ...(show ? { show } : {}),
    });
  }
  return { rule, targets };
}

/** Maps every rule; reports (info) how many rules have no Kahu source. */
export function mapRules(rules: readonly DetectionIR[], m: Mappings, issues?: IssueSink): MappedRule[] {
  const out = rules.map((r) => mapRule(r, m));
  const inactive = out.filter((r) => r.targets.length === 0).length;
  if (inactive > 0 && issues) {
    issues.report({ code: 'rule-unsupported', severity: 'info', message: `${inactive} rule(s) have a logsource no Kahu evidence source carries; they are loaded but cannot match` });
  }
  return out;
}
