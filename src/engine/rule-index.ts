import RE2 from 're2';
import type { KahuEvent } from '../model/index.js';
import { exprFields, type DetectionIR, type Expr, type MappedRule } from '../sigma/index.js';
import { compileExpr, EvalCtx, requiredValues, type Matcher } from './compile.js';

/** One mapped rule variant, compiled. */
export interface CompiledTarget {
  rule: DetectionIR;
  /** Mapping variant name (sysmon, security-4688, iis...). */
  mapping: string;
  source: string;
  match: Matcher;
  /** Event field names the variant reads (for the finding's values). */
  fields: string[];
  /** Dense number, for the per-event prefilter stamps. */
  num: number;
  /**
   * Required literals: the variant cannot match unless one of these (field, lower-cased literal) pairs
   * occurs (the field's lower-cased value contains the literal). Null when no such set was found.
   */
  anchor: Array<{ field: string; lit: string }> | null;
}

/** Fields the Channel/EventID index already pins: useless as literal anchors. */
const INDEXED = new Set(['Channel', 'EventID', 'Provider_Name']);

/**
 * Finds a set of (field, literal) pairs of which at least one must occur for `e` to hold: a pattern test
 * needs its longest literal; AND takes its most selective child (longest shortest literal); OR needs an
 * anchor in every branch and unites them. Anything else (negation, regex, numbers, keywords) gives none.
 */
export function literalAnchor(e: Expr): Array<{ field: string; lit: string }> | null {
  switch (e.kind) {
    case 'field': {
      if (INDEXED.has(e.field) || e.test.op !== 'pattern') return null;
      let best = '';
      for (const p of e.test.parts) if (p.t === 'lit' && p.v.length > best.length) best = p.v;
      const lit = best.toLowerCase();
      // Lower-casing must not change the length, or containment in the lowered value is not guaranteed.
      return lit.length >= 2 && lit.length === best.length ? [{ field: e.field, lit }] : null;
    }
    case 'and': {
      let best: Array<{ field: string; lit: string }> | null = null;
      let score = -1;
      for (const a of e.args) {
        const x = literalAnchor(a);
        if (!x) continue;
        const sc = Math.min(...x.map((y) => y.lit.length)) * 1000 - x.length;
        if (sc > score) {
          best = x;
          score = sc;
        }
      }
      return best;
    }
    case 'or': {
      const out: Array<{ field: string; lit: string }> = [];
      for (const a of e.args) {
        const x = literalAnchor(a);
        if (!x) return null;
        out.push(...x);
      }
      return out;
    }
    case 'not':
    case 'const':
    case 'keyword':
      return null;
  }
}

/** Literal tests of one field within one candidate list. */
interface FieldFilter {
  field: string;
  /** RE2 set over the literals (many literals) or the literals themselves (few). */
  set: { match(s: string): number[] } | null;
  lits: string[];
  /** Literal index → target numbers. */
  targets: number[][];
}

/** The prefilter of one candidate list. */
interface Bucket {
  targets: CompiledTarget[];
  filters: FieldFilter[];
}

const RE_META = /[.*+?^${}()|[\]\\]/g;

function buildBucket(targets: CompiledTarget[]): Bucket {
  const byField = new Map<string, Map<string, number[]>>();
  for (const t of targets) {
    if (!t.anchor) continue;
    for (const { field, lit } of t.anchor) {
      let m = byField.get(field);
      if (!m) byField.set(field, (m = new Map()));
      const list = m.get(lit);
      if (!list) m.set(lit, [t.num]);
      else if (list.at(-1) !== t.num) list.push(t.num);
    }
  }
  const filters: FieldFilter[] = [];
  for (const [field, m] of byField) {
    const lits = [...m.keys()];
    let set: FieldFilter['set'] = null;
    if (lits.length > 8) {
      try {
        set = new RE2.Set(lits.map((l) => l.replace(RE_META, '\\$&')), 'u');
      } catch {
        // A literal RE2 cannot take (e.g. a lone surrogate): test the literals one by one instead.
        set = null;
      }
    }
    filters.push({ field, set, lits, targets: lits.map((l) => m.get(l)!) });
  }
  return { targets, filters };
}

interface SourceIndex {
  /** `channel\0eventid` (either may be `*`) → targets. */
  byKey: Map<string, CompiledTarget[]>;
  /** Merged candidate lists with their literal prefilter, per concrete (channel, eventid), built on first use. */
  cache: Map<string, Bucket>;
}

const ANY = '*';

/**
 * Compiled rules indexed so that an event meets only the rules that can match it: by source type, then
 * (for Windows) by the Channel and EventID values the rule's expression pins (mapping conditions and the
 * rule's own EventID selections alike).
 */
export class RuleIndex {
  private readonly sources = new Map<string, SourceIndex>();
  readonly targets: CompiledTarget[] = [];
  private readonly ctx = new EvalCtx({});

  constructor(mapped: readonly MappedRule[]) {
    for (const m of mapped) {
      for (const t of m.targets) {
        const ct: CompiledTarget = {
          rule: m.rule,
          mapping: t.mapping,
          source: t.source,
          match: compileExpr(t.expr),
          fields: [...exprFields(t.expr)],
          num: this.targets.length,
          anchor: literalAnchor(t.expr),
        };
        this.targets.push(ct);
        let si = this.sources.get(t.source);
        if (!si) {
          si = { byKey: new Map(), cache: new Map() };
          this.sources.set(t.source, si);
        }
        const chans = requiredValues(t.expr, 'Channel') ?? new Set([ANY]);
        const ids = requiredValues(t.expr, 'EventID') ?? new Set([ANY]);
        for (const c of chans) {
          for (const i of ids) {
            const k = `${c}\u0000${i}`;
            const list = si.byKey.get(k);
            if (list) list.push(ct);
            else si.byKey.set(k, [ct]);
          }
        }
      }
    }
  }

  private bucket(ev: KahuEvent): Bucket | null {
    const si = this.sources.get(ev.source);
    if (!si) return null;
    const ch = ev.fields.Channel;
    const id = ev.fields.EventID;
    const c = typeof ch === 'string' ? ch.toLowerCase() : ANY;
    const i = id === undefined || id === null ? ANY : String(id).toLowerCase();
    const key = `${c}\u0000${i}`;
    let b = si.cache.get(key);
    if (!b) {
      const keys = new Set([key, `${ANY}\u0000${i}`, `${c}\u0000${ANY}`, `${ANY}\u0000${ANY}`]);
      const seen = new Set<CompiledTarget>();
      const list: CompiledTarget[] = [];
      for (const k of keys) {
        for (const t of si.byKey.get(k) ?? []) {
          if (seen.has(t)) continue;
          seen.add(t);
          list.push(t);
        }
      }
      b = buildBucket(list);
      // Attacker-chosen Channel/EventID values must not grow the cache without bound.
      if (si.cache.size < 10_000) si.cache.set(key, b);
    }
    return b;
  }

  /** The targets an event can meet by source, Channel and EventID (before the literal prefilter). */
  candidates(ev: KahuEvent): readonly CompiledTarget[] {
    return this.bucket(ev)?.targets ?? [];
  }

  private stamps = new Uint32Array(0);
  private epoch = 0;

  /**
   * Calls `hit` for each target matching the event (at most once per rule). Returns the number of variants
   * evaluated. `prefilter: false` evaluates every candidate (the reference the prefilter is tested against).
   */
  match(ev: KahuEvent, hit: (t: CompiledTarget) => void, prefilter = true): number {
    const b = this.bucket(ev);
    if (!b || b.targets.length === 0) return 0;
    const ctx = this.ctx;
    ctx.reset(ev.fields);
    if (this.stamps.length < this.targets.length) this.stamps = new Uint32Array(this.targets.length);
    const stamps = this.stamps;
    const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
    // Literal prefilter: one pass per field over all the literals the bucket's rules require.
    for (const f of prefilter ? b.filters : []) {
      const v = ctx.lowerOf(f.field);
      if (v === null) continue;
      const vals = typeof v === 'string' ? [v] : v;
      for (const s of vals) {
        if (f.set) {
          for (const k of f.set.match(s)) for (const n of f.targets[k]!) stamps[n] = epoch;
        } else {
          for (let k = 0; k < f.lits.length; k++) if (s.includes(f.lits[k]!)) for (const n of f.targets[k]!) stamps[n] = epoch;
        }
      }
    }
    let seen: Set<string> | null = null;
    let evaluated = 0;
    for (const t of b.targets) {
      if (prefilter && t.anchor && stamps[t.num] !== epoch) continue;
      evaluated++;
      if (!t.match(ctx)) continue;
      seen ??= new Set();
      if (seen.has(t.rule.id)) continue;
      seen.add(t.rule.id);
      hit(t);
    }
    return evaluated;
  }
}
