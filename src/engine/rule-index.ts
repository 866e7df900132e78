import type { KahuEvent } from '../model/index.js';
import { exprFields, type DetectionIR, type MappedRule } from '../sigma/index.js';
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
}

interface SourceIndex {
  /** `channel\0eventid` (either may be `*`) → targets. */
  byKey: Map<string, CompiledTarget[]>;
  /** Merged candidate lists per concrete (channel, eventid), built on first use. */
  cache: Map<string, CompiledTarget[]>;
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
        const ct: CompiledTarget = { rule: m.rule, mapping: t.mapping, source: t.source, match: compileExpr(t.expr), fields: [...exprFields(t.expr)] };
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

  /** The targets an event can meet. */
  candidates(ev: KahuEvent): readonly CompiledTarget[] {
    const si = this.sources.get(ev.source);
    if (!si) return [];
    const ch = ev.fields.Channel;
    const id = ev.fields.EventID;
    const c = typeof ch === 'string' ? ch.toLowerCase() : ANY;
    const i = id === undefined || id === null ? ANY : String(id).toLowerCase();
    const key = `${c}\u0000${i}`;
    let list = si.cache.get(key);
    if (!list) {
      const keys = new Set([key, `${ANY}\u0000${i}`, `${c}\u0000${ANY}`, `${ANY}\u0000${ANY}`]);
      const seen = new Set<CompiledTarget>();
      list = [];
      for (const k of keys) {
        for (const t of si.byKey.get(k) ?? []) {
          if (seen.has(t)) continue;
          seen.add(t);
          list.push(t);
        }
      }
      if (si.cache.size < 100_000) si.cache.set(key, list);
    }
    return list;
  }

  /** Calls `hit` for each target matching the event (at most once per rule). */
  match(ev: KahuEvent, hit: (t: CompiledTarget) => void): void {
    const cands = this.candidates(ev);
    if (cands.length === 0) return;
    this.ctx.reset(ev.fields);
    let seen: Set<string> | null = null;
    for (const t of cands) {
      if (!t.match(this.ctx)) continue;
      seen ??= new Set();
      if (seen.has(t.rule.id)) continue;
      seen.add(t.rule.id);
      hit(t);
    }
  }
}
