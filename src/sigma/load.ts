import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { KahuError, type IssueSink, type Location } from '../core/index.js';
import { parseCondition } from './condition.js';
import type { CorrelationIR, DetectionIR, Expr, Logsource, RuleOrigin } from './ir.js';
import { buildItem, type Placeholders } from './modifiers.js';
import { CorrelationRuleSchema, DetectionRuleSchema, FilterRuleSchema } from './schema.js';

/** A Sigma 2 meta filter, compiled: its expression is AND-NOT-ed into each target rule. */
export interface FilterIR {
  id: string;
  title: string;
  logsource: Logsource;
  /** Target rule ids or names; empty = every rule whose logsource matches. */
  rules: string[];
  expr: Expr;
  origin: RuleOrigin;
}

/** A rule that could not be loaded, and why. */
export interface SkippedRule {
  file: string;
  line: number;
  col: number;
  reason: string;
}

/** The loaded rules: detections (filters folded in), correlations, filters, and what was skipped. */
export interface RuleSet {
  detections: DetectionIR[];
  correlations: CorrelationIR[];
  filters: FilterIR[];
  skipped: SkippedRule[];
  /** Number of rule files read. */
  files: number;
}

/** Options of {@link loadRules}. */
export interface LoadOptions {
  /** Values for `|expand` placeholders; a rule using an undefined placeholder is refused, as the spec requires. */
  placeholders?: Placeholders;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Deep merge for rule collections: `over` wins, maps merge recursively (pySigma/Sigma 1 `action: global`). */
function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? deepMerge(b, v) : v;
  }
  return out;
}

async function* walk(path: string, issues: IssueSink): AsyncGenerator<string> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    issues.report({ code: 'io', severity: 'error', message: `cannot read rules: ${(err as Error).message}`, location: { path } });
    return;
  }
  if (st.isFile()) {
    yield path;
    return;
  }
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) yield* walk(p, issues);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) yield p;
  }
}

function zodReason(err: z.ZodError): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

/** Per-document context: where things are in the YAML text. */
interface DocCtx {
  file: string;
  doc: Document.Parsed;
  lc: LineCounter;
}

function posOf(ctx: DocCtx, path: Array<string | number>): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? ctx.doc.contents : ctx.doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return ctx.lc.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

function splitKey(key: string): { field: string | null; mods: string[] } {
  const [f, ...mods] = key.split('|');
  return { field: f === '' || f === undefined ? null : f, mods };
}

/** Builds a search identifier: a map (AND of items), a list of maps (OR), or a list of keywords (OR). */
function buildSearch(value: unknown, placeholders: Placeholders, where: string): Expr {
  if (isObj(value)) {
    const items = Object.entries(value);
    if (items.length === 0) throw new KahuError('rule-invalid', `${where}: empty map`);
    const args = items.map(([k, v]) => {
      const { field, mods } = splitKey(k);
      if (isObj(v)) throw new KahuError('rule-invalid', `${where}: value of '${k}' is a map`);
      const vals = Array.isArray(v) ? v : [v];
      return buildItem(field, mods, vals, placeholders);
    });
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new KahuError('rule-invalid', `${where}: empty list`);
    if (value.every(isObj)) {
      const args = value.map((m) => buildSearch(m, placeholders, where));
      return args.length === 1 ? args[0]! : { kind: 'or', args };
    }
    if (value.some((v) => isObj(v) || Array.isArray(v))) throw new KahuError('rule-invalid', `${where}: list mixes maps and keywords`);
    return buildItem(null, [], value, placeholders);
  }
  if (typeof value === 'string' || typeof value === 'number') return buildItem(null, [], [value], placeholders);
  throw new KahuError('rule-invalid', `${where}: a search identifier must be a map or a list`);
}

/** Builds the expression of a detection section (search identifiers + condition). */
function buildDetection(
  det: Obj,
  condKey: string,
  skipKeys: ReadonlySet<string>,
  placeholders: Placeholders,
  ctx: DocCtx,
  section: string,
): Expr {
  const idents = new Map<string, Expr>();
  for (const [name, value] of Object.entries(det)) {
    if (name === condKey || skipKeys.has(name)) continue;
    try {
      idents.set(name, buildSearch(value, placeholders, `${section}.${name}`));
    } catch (err) {
      throw locate(err, ctx, [section, name]);
    }
  }
  const cond = det[condKey];
  const conds = Array.isArray(cond) ? (cond as string[]) : [cond as string];
  try {
    const exprs = conds.map((c) => parseCondition(c, idents));
    return exprs.length === 1 ? exprs[0]! : { kind: 'or', args: exprs };
  } catch (err) {
    throw locate(err, ctx, [section, condKey]);
  }
}

/** Wraps an error with the YAML location of `path`. */
function locate(err: unknown, ctx: DocCtx, path: Array<string | number>): KahuError {
  const { line, col } = posOf(ctx, path);
  const location: Location = { path: ctx.file, line, col };
  if (err instanceof KahuError) return new KahuError(err.code, err.message, { location, cause: err });
  return new KahuError('internal', String((err as Error)?.message ?? err), { location, cause: err });
}

/** Collects the field names an expression reads. */
export function exprFields(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const a of e.args) exprFields(a, out);
      break;
    case 'not':
      exprFields(e.arg, out);
      break;
    case 'field':
      out.add(e.field);
      if (e.test.op === 'fieldref') out.add(e.test.ref);
      break;
    case 'const':
    case 'keyword':
      break;
  }
  return out;
}

const MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

/** Parses a correlation timespan (`90m`, `1h`, `2d`) to milliseconds. */
export function parseTimespan(t: string | number): number {
  if (typeof t === 'number') return t * 1000;
  const m = /^(\d+)([smhdwMy])$/.exec(t);
  if (!m) throw new KahuError('rule-invalid', `timespan '${t}' is not a number and a unit`);
  return Number(m[1]) * MS[m[2]!]!;
}

interface Pending {
  kind: 'correlation';
  doc: z.infer<typeof CorrelationRuleSchema>;
  ctx: DocCtx;
  origin: RuleOrigin;
}

/** Loads one file's documents into the accumulators. */
function loadText(
  file: string,
  text: string,
  placeholders: Placeholders,
  out: { detections: DetectionIR[]; filters: FilterIR[]; pending: Pending[]; skip: (s: SkippedRule, code: KahuError['code']) => void },
): void {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  let global: Obj | null = null;
  let previous: Obj | null = null;
  for (const doc of list) {
    const ctx: DocCtx = { file, doc: doc, lc };
    const start = posOf(ctx, []);
    const origin: RuleOrigin = { file, line: start.line, col: start.col };
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const p = e.linePos?.[0] ?? start;
      out.skip({ file, line: p.line, col: p.col, reason: `YAML: ${e.message.split('\n')[0]}` }, 'rule-invalid');
      continue;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      out.skip({ file, ...start, reason: `YAML: ${(err as Error).message}` }, 'rule-invalid');
      continue;
    }
    if (data === null || data === undefined) continue; // empty document (e.g. trailing `---`)
    if (!isObj(data)) {
      out.skip({ file, ...start, reason: 'document is not a map' }, 'rule-invalid');
      continue;
    }
    // Rule collections (Sigma 1 `action`): global / reset / repeat.
    const action = data.action;
    if (action !== undefined) {
      const { action: _a, ...rest } = data;
      if (action === 'global') {
        global = rest;
        continue;
      }
      if (action === 'reset') {
        global = null;
        continue;
      }
      if (action === 'repeat') {
        if (!previous) {
          out.skip({ file, ...start, reason: "'action: repeat' without a previous rule" }, 'rule-invalid');
          continue;
        }
        data = deepMerge(previous, rest);
      } else {
        out.skip({ file, ...start, reason: `unknown action ${JSON.stringify(action)}` }, 'rule-invalid');
        continue;
      }
    } else if (global) {
      data = deepMerge(global, data);
    }
    const obj = data as Obj;
    previous = obj;
    try {
      if ('correlation' in obj) {
        const r = CorrelationRuleSchema.safeParse(obj);
        if (!r.success) throw locate(new KahuError('rule-invalid', zodReason(r.error)), ctx, r.error.issues[0]?.path.filter((p) => typeof p !== 'symbol') ?? []);
        out.pending.push({ kind: 'correlation', doc: r.data, ctx, origin });
      } else if ('filter' in obj) {
        const r = FilterRuleSchema.safeParse(obj);
        if (!r.success) throw locate(new KahuError('rule-invalid', zodReason(r.error)), ctx, r.error.issues[0]?.path.filter((p) => typeof p !== 'symbol') ?? []);
        const f = r.data;
        const expr = buildDetection(f.filter, 'condition', new Set(['rules']), placeholders, ctx, 'filter');
        const rules = f.filter.rules === undefined ? [] : Array.isArray(f.filter.rules) ? f.filter.rules : [f.filter.rules];
        out.filters.push({ id: f.id ?? `${file}:${start.line}`, title: f.title, logsource: pickLogsource(f.logsource), rules, expr, origin });
      } else if ('detection' in obj) {
        const r = DetectionRuleSchema.safeParse(obj);
        if (!r.success) throw locate(new KahuError('rule-invalid', zodReason(r.error)), ctx, r.error.issues[0]?.path.filter((p) => typeof p !== 'symbol') ?? []);
        const d = r.data;
        const detection = buildDetection(d.detection, 'condition', new Set(['timeframe']), placeholders, ctx, 'detection');
        if ('timeframe' in d.detection) {
          throw locate(new KahuError('rule-unsupported', "'timeframe' (Sigma 1 aggregation) is not supported; use a correlation rule"), ctx, ['detection', 'timeframe']);
        }
        out.detections.push({
          type: 'detection',
          id: d.id ?? `${file}:${start.line}`,
          ...(d.name !== undefined ? { name: d.name } : {}),
          title: d.title,
          level: d.level ?? 'medium',
          ...(d.status !== undefined ? { status: d.status } : {}),
          tags: d.tags ?? [],
          origin,
          logsource: pickLogsource(d.logsource),
          detection,
          fields: [...exprFields(detection)],
          ...(d.fields !== undefined && d.fields.length > 0 ? { show: d.fields } : {}),
          filters: [],
        });
      } else {
        throw locate(new KahuError('rule-invalid', 'not a Sigma rule: no detection, correlation or filter section'), ctx, []);
      }
    } catch (err) {
      const ke = err instanceof KahuError ? err : new KahuError('internal', String(err));
      const loc = ke.location ?? { path: file, ...start };
      out.skip({ file, line: loc.line ?? start.line, col: loc.col ?? start.col, reason: ke.message }, ke.code);
    }
  }
}

function pickLogsource(l: { product?: string | undefined; category?: string | undefined; service?: string | undefined }): Logsource {
  return {
    ...(l.product !== undefined ? { product: l.product } : {}),
    ...(l.category !== undefined ? { category: l.category } : {}),
    ...(l.service !== undefined ? { service: l.service } : {}),
  };
}

/** True when every key the filter's logsource sets is equal in the rule's logsource. */
function logsourceCovers(filter: Logsource, rule: Logsource): boolean {
  return (['product', 'category', 'service'] as const).every((k) => filter[k] === undefined || filter[k] === rule[k]);
}

/**
 * Loads Sigma rules from files and folders (`*.yml`, `*.yaml`, recursively). Every skipped rule is reported
 * to `issues` with `file:line:col` and its reason, and listed in `RuleSet.skipped`.
 */
export async function loadRules(paths: readonly string[], issues: IssueSink, opts: LoadOptions = {}): Promise<RuleSet> {
  const texts: Array<{ file: string; text: string }> = [];
  for (const p of paths) {
    for await (const file of walk(p, issues)) {
      try {
        texts.push({ file, text: await readFile(file, 'utf8') });
      } catch (err) {
        issues.report({ code: 'io', severity: 'error', message: `cannot read rule file: ${(err as Error).message}`, location: { path: file } });
      }
    }
  }
  return loadRuleTexts(texts, issues, opts);
}

/** Loads rules from in-memory texts (tests, conformance suite, built-in packs). */
export function loadRuleTexts(texts: ReadonlyArray<{ file: string; text: string }>, issues: IssueSink, opts: LoadOptions = {}): RuleSet {
  const placeholders = opts.placeholders ?? {};
  const set: RuleSet = { detections: [], correlations: [], filters: [], skipped: [], files: texts.length };
  const pending: Pending[] = [];
  const skip = (s: SkippedRule, code: KahuError['code']): void => {
    set.skipped.push(s);
    issues.report({ code, severity: 'warning', message: `rule skipped: ${s.reason}`, location: { path: s.file, line: s.line, col: s.col } });
  };
  for (const { file, text } of texts) {
    loadText(file, text, placeholders, { detections: set.detections, filters: set.filters, pending, skip });
  }
  set.filters.forEach((f) => applyFilter(f, set.detections));
  set.correlations = resolveCorrelations(pending, set.detections, skip);
  return set;
}

function applyFilter(f: FilterIR, detections: DetectionIR[]): void {
  const targets = new Set(f.rules);
  for (const d of detections) {
    const named = targets.size === 0 || targets.has(d.id) || (d.name !== undefined && targets.has(d.name));
    if (!named || !logsourceCovers(f.logsource, d.logsource)) continue;
    d.detection = { kind: 'and', args: [d.detection, { kind: 'not', arg: f.expr }] };
    d.filters.push(f.id);
    for (const x of exprFields(f.expr)) if (!d.fields.includes(x)) d.fields.push(x);
  }
}

function resolveCorrelations(pending: Pending[], detections: DetectionIR[], skip: (s: SkippedRule, code: KahuError['code']) => void): CorrelationIR[] {
  // Names resolve within the same file first (names are unique per correlation), then globally.
  const byId = new Map<string, string>();
  const byName = new Map<string, string[]>();
  const byFileName = new Map<string, string>();
  const addRef = (id: string, name: string | undefined, file: string): void => {
    byId.set(id, id);
    if (name !== undefined) {
      byName.set(name, [...(byName.get(name) ?? []), id]);
      byFileName.set(`${file}\u0000${name}`, id);
    }
  };
  for (const d of detections) addRef(d.id, d.name, d.origin.file);
  for (const p of pending) addRef(p.doc.id ?? `${p.origin.file}:${p.origin.line}`, p.doc.name, p.origin.file);

  const out: CorrelationIR[] = [];
  for (const p of pending) {
    const c = p.doc.correlation;
    const id = p.doc.id ?? `${p.origin.file}:${p.origin.line}`;
    try {
      const resolve = (ref: string): string => {
        const r = byId.get(ref) ?? byFileName.get(`${p.origin.file}\u0000${ref}`);
        if (r) return r;
        const named = byName.get(ref);
        if (named?.length === 1) return named[0]!;
        if (named && named.length > 1) throw new KahuError('rule-invalid', `rule name '${ref}' is ambiguous (${named.length} rules)`);
        throw new KahuError('rule-invalid', `referenced rule '${ref}' is not loaded`);
      };
      const refs = (Array.isArray(c.rules) ? c.rules : [c.rules]).map(resolve);
      if (refs.includes(id)) throw new KahuError('rule-invalid', 'correlation references itself');
      const groupBy = c['group-by'] === undefined ? [] : Array.isArray(c['group-by']) ? c['group-by'] : [c['group-by']];
      const type = c.type;
      const cond = c.condition ?? {};
      const field = Array.isArray(cond.field) ? cond.field[0] : cond.field;
      if (type.startsWith('value_') && field === undefined) throw new KahuError('rule-invalid', `${type} needs condition.field`);
      if ((type === 'event_count' || type.startsWith('value_')) && Object.keys(cond).filter((k) => k !== 'field').length === 0) {
        throw new KahuError('rule-invalid', `${type} needs a condition (gt, gte, lt, lte, eq or neq)`);
      }
      const aliases: Record<string, Record<string, string>> = {};
      for (const [alias, m] of Object.entries(c.aliases ?? {})) {
        aliases[alias] = {};
        for (const [ref, f] of Object.entries(m)) aliases[alias][resolve(ref)] = f;
      }
      const bounds: CorrelationIR['condition'] = {};
      for (const k of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const) {
        const v = cond[k];
        if (v !== undefined) bounds[k] = v;
      }
      out.push({
        type: 'correlation',
        id,
        ...(p.doc.name !== undefined ? { name: p.doc.name } : {}),
        title: p.doc.title,
        level: p.doc.level ?? 'medium',
        ...(p.doc.status !== undefined ? { status: p.doc.status } : {}),
        tags: p.doc.tags ?? [],
        origin: p.origin,
        correlation: type,
        rules: refs,
        groupBy,
        timespanMs: parseTimespan(c.timespan),
        condition: { ...bounds, ...(field !== undefined ? { field } : {}) },
        aliases,
        generate: c.generate ?? p.doc.generate ?? false,
      });
    } catch (err) {
      const ke = locate(err, p.ctx, ['correlation']);
      skip({ file: p.origin.file, line: ke.location?.line ?? p.origin.line, col: ke.location?.col ?? p.origin.col, reason: ke.message }, ke.code);
    }
  }
  // Drop correlations whose chain reaches a skipped correlation.
  const ok = new Set([...detections.map((d) => d.id), ...out.map((c) => c.id)]);
  let changed = true;
  let live = out;
  while (changed) {
    changed = false;
    const next = live.filter((c) => c.rules.every((r) => ok.has(r)));
    if (next.length !== live.length) {
      for (const c of live) if (!next.includes(c)) ok.delete(c.id);
      changed = true;
      live = next;
    }
  }
  return live;
}
