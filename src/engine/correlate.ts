import type { FieldValue, KahuEvent } from '../model/index.js';
import type { CorrelationCondition, CorrelationIR } from '../sigma/index.js';
import { text } from './compile.js';

/**
 * Sigma correlations (sigma-correlation-rules-specification.md, v2.1.0) over a time-ordered stream of rule
 * matches, with bounded memory: each group keeps only the events inside the correlation's timespan, and
 * groups whose newest event left the window are dropped.
 *
 * Window semantics (documented in docs/adr/0008-sigma-ir.md):
 * - Conditions with only lower bounds (gt, gte, neq) are checked on every arrival over the sliding window
 *   (t - timespan, t]; when met, a finding is emitted and the group starts again (no duplicate per event).
 * - Conditions with an upper bound (lt, lte, eq) need the window to be complete: the window opened by the
 *   group's first event closes when an event arrives more than `timespan` later (or the stream ends); it is
 *   then checked once.
 * - temporal: every referenced rule matched in the group inside the window; temporal_ordered: in rule order.
 * - value_percentile: at window close, for each distinct value of `field`, its share (percent) of the
 *   group's events is checked against the condition; one finding per value meeting it.
 */

/** One event that entered a correlation: the base event and which rule matched it. */
export interface CorrEvent {
  ruleId: string;
  time: number;
  /** Base events behind it (one for a detection match; several for a nested correlation's output). */
  events: KahuEvent[];
  /** Field values (the base event's fields, or the group-by values of a nested correlation). */
  fields: Readonly<Record<string, FieldValue>>;
}

/** A correlation that fired. */
export interface CorrHit {
  rule: CorrelationIR;
  group: Record<string, FieldValue>;
  first: number;
  last: number;
  events: KahuEvent[];
  eventCount: number;
  /** The aggregate that met the condition (count, distinct count, sum, average or percent). */
  value: number;
}

const MAX_KEPT_EVENTS = 100;

function holds(c: CorrelationCondition, n: number): boolean {
  return (
    (c.gt === undefined || n > c.gt) &&
    (c.gte === undefined || n >= c.gte) &&
    (c.lt === undefined || n < c.lt) &&
    (c.lte === undefined || n <= c.lte) &&
    (c.eq === undefined || n === c.eq) &&
    (c.neq === undefined || n !== c.neq)
  );
}

function hasUpper(c: CorrelationCondition): boolean {
  return c.lt !== undefined || c.lte !== undefined || c.eq !== undefined;
}

interface Group {
  key: string;
  values: Record<string, FieldValue>;
  items: CorrEvent[];
  /** temporal_ordered: per stage, the partial chain with the latest start. */
  chains?: Array<CorrEvent[] | null>;
}

function num(v: FieldValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

/** State machine of one correlation rule. */
export class CorrelationState {
  private readonly groups = new Map<string, Group>();
  private readonly upper: boolean;
  private readonly required: number;

  constructor(readonly rule: CorrelationIR) {
    this.upper = hasUpper(rule.condition) || rule.correlation === 'value_percentile';
    this.required = new Set(rule.rules).size;
  }

  /** Field name of a group-by key (or the aggregated field) for events of one rule, honouring aliases. */
  private fieldFor(name: string, ruleId: string): string {
    return this.rule.aliases[name]?.[ruleId] ?? name;
  }

  private groupOf(ev: CorrEvent): Group | null {
    const values: Record<string, FieldValue> = {};
    const parts: string[] = [];
    for (const g of this.rule.groupBy) {
      const v = ev.fields[this.fieldFor(g, ev.ruleId)];
      // An event without a group-by field cannot be grouped with others on it.
      if (v === undefined || v === null) return null;
      values[g] = v;
      parts.push(text(v).toLowerCase());
    }
    const key = parts.join('\u0000');
    let g = this.groups.get(key);
    if (!g) {
      g = { key, values, items: [] };
      this.groups.set(key, g);
    }
    return g;
  }

  /** Feeds one event (time order); returns the hits it completes. */
  push(ev: CorrEvent): CorrHit[] {
    if (!this.rule.rules.includes(ev.ruleId)) return [];
    const out: CorrHit[] = [];
    this.expire(ev.time, out);
    const g = this.groupOf(ev);
    if (!g) return out;
    const span = this.rule.timespanMs;
    if (this.rule.correlation === 'temporal_ordered') {
      this.pushOrdered(g, ev, out);
      return out;
    }
    if (this.upper) {
      // Close the window opened by the group's first event if this event falls outside it.
      const first = g.items[0];
      if (first && ev.time - first.time > span) {
        this.close(g, out);
      }
      g.items.push(ev);
      return out;
    }
    g.items.push(ev);
    while (g.items.length > 0 && ev.time - g.items[0]!.time > span) g.items.shift();
    const value = this.aggregate(g.items);
    if (value !== null && this.met(value)) {
      out.push(this.hit(g, g.items, value));
      this.groups.delete(g.key);
    }
    return out;
  }

  private met(value: number): boolean {
    if (this.rule.correlation === 'temporal') {
      // Default for temporal: all referenced rules; a condition, when given, applies to the number of rules seen.
      const c = this.rule.condition;
      const has = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].some((k) => (c as Record<string, unknown>)[k] !== undefined);
      return has ? holds(c, value) : value >= this.required;
    }
    return holds(this.rule.condition, value);
  }

  /** The aggregate of a window, per correlation type (null = not computable, e.g. no numeric values). */
  private aggregate(items: CorrEvent[]): number | null {
    const f = this.rule.condition.field;
    switch (this.rule.correlation) {
      case 'event_count':
        return items.length;
      case 'temporal':
        return new Set(items.map((i) => i.ruleId)).size;
      case 'value_count': {
        const s = new Set<string>();
        for (const i of items) {
          const v = i.fields[this.fieldFor(f!, i.ruleId)];
          if (v !== undefined && v !== null) s.add(text(v).toLowerCase());
        }
        return s.size;
      }
      case 'value_sum':
      case 'value_avg': {
        let sum = 0;
        let n = 0;
        for (const i of items) {
          const v = num(i.fields[this.fieldFor(f!, i.ruleId)]);
          if (v !== null) {
            sum += v;
            n++;
          }
        }
        if (n === 0) return null;
        return this.rule.correlation === 'value_sum' ? sum : sum / n;
      }
      case 'value_percentile':
      case 'temporal_ordered':
        return null;
    }
  }

  private hit(g: Group, items: CorrEvent[], value: number): CorrHit {
    const events: KahuEvent[] = [];
    let count = 0;
    for (const i of items) {
      count += i.events.length;
      for (const e of i.events) if (events.length < MAX_KEPT_EVENTS) events.push(e);
    }
    return { rule: this.rule, group: g.values, first: items[0]!.time, last: items.at(-1)!.time, events, eventCount: count, value };
  }

  /** Checks a complete window (upper-bound conditions and percentiles) and empties the group. */
  private close(g: Group, out: CorrHit[]): void {
    const items = g.items;
    g.items = [];
    if (items.length === 0) return;
    if (this.rule.correlation === 'value_percentile') {
      const f = this.rule.condition.field!;
      const byValue = new Map<string, CorrEvent[]>();
      for (const i of items) {
        const v = i.fields[this.fieldFor(f, i.ruleId)];
        if (v === undefined || v === null) continue;
        const k = text(v).toLowerCase();
        byValue.set(k, [...(byValue.get(k) ?? []), i]);
      }
      for (const evs of byValue.values()) {
        const pct = (evs.length / items.length) * 100;
        if (holds(this.rule.condition, pct)) out.push(this.hit(g, evs, pct));
      }
      return;
    }
    const value = this.aggregate(items);
    if (value !== null && this.met(value)) out.push(this.hit(g, items, value));
  }

  private pushOrdered(g: Group, ev: CorrEvent, out: CorrHit[]): void {
    const rules = this.rule.rules;
    const span = this.rule.timespanMs;
    g.chains ??= rules.map(() => null);
    const chains = g.chains;
    // Highest stage first, so one event cannot advance a chain it just started.
    for (let j = rules.length - 1; j >= 0; j--) {
      if (rules[j] !== ev.ruleId) continue;
      if (j === 0) {
        chains[0] = [ev];
      } else {
        const prev = chains[j - 1];
        if (prev && ev.time - prev[0]!.time <= span) chains[j] = [...prev, ev];
      }
    }
    const done = chains[rules.length - 1];
    if (done) {
      out.push(this.hit(g, done, rules.length));
      this.groups.delete(g.key);
    }
  }

  /** Drops or closes groups whose window ended before `now` (keeps memory bounded). */
  expire(now: number, out: CorrHit[]): void {
    const span = this.rule.timespanMs;
    for (const g of this.groups.values()) {
      if (this.rule.correlation === 'temporal_ordered') {
        const chains = g.chains ?? [];
        for (let j = 0; j < chains.length; j++) if (chains[j] && now - chains[j]![0]!.time > span) chains[j] = null;
        if (chains.every((c) => c === null)) this.groups.delete(g.key);
        continue;
      }
      const first = g.items[0];
      if (!first) {
        this.groups.delete(g.key);
        continue;
      }
      if (now - first.time <= span) continue;
      if (this.upper) {
        this.close(g, out);
        this.groups.delete(g.key);
      } else {
        while (g.items.length > 0 && now - g.items[0]!.time > span) g.items.shift();
        if (g.items.length === 0) this.groups.delete(g.key);
      }
    }
  }

  /** End of stream: closes every open window. */
  finish(): CorrHit[] {
    const out: CorrHit[] = [];
    if (this.upper) for (const g of this.groups.values()) this.close(g, out);
    this.groups.clear();
    return out;
  }

  /** Open groups (for tests of bounded memory). */
  get size(): number {
    return this.groups.size;
  }
}

/**
 * Runs a set of correlations, including chains (a correlation referring to another): a hit of an inner
 * correlation enters the outer one as an event carrying the inner group-by values as fields.
 */
export class Correlator {
  private readonly states: CorrelationState[];
  private readonly byRule = new Map<string, CorrelationState[]>();
  private lastExpire = -Infinity;

  constructor(rules: readonly CorrelationIR[]) {
    // Inner correlations first, so finish() closes them before the correlations they feed.
    const byId = new Map(rules.map((r) => [r.id, r]));
    const depth = (r: CorrelationIR, seen: Set<string> = new Set()): number => {
      if (seen.has(r.id)) return 0;
      seen.add(r.id);
      let d = 0;
      for (const x of r.rules) {
        const inner = byId.get(x);
        if (inner) d = Math.max(d, 1 + depth(inner, seen));
      }
      return d;
    };
    this.states = [...rules].sort((a, b) => depth(a) - depth(b)).map((r) => new CorrelationState(r));
    for (const s of this.states) for (const r of s.rule.rules) this.byRule.set(r, [...(this.byRule.get(r) ?? []), s]);
  }

  /** Rule ids that feed some correlation. */
  get inputs(): Set<string> {
    return new Set(this.byRule.keys());
  }

  /** Feeds one event (time order across all calls); returns completed hits, outermost included. */
  push(ev: CorrEvent): CorrHit[] {
    const out: CorrHit[] = [];
    const queue: CorrEvent[] = [ev];
    if (ev.time - this.lastExpire > 1000) {
      // Expire idle groups of every correlation now and then, so groups that receive no more events are freed.
      for (const s of this.states) this.forward(s, (o) => s.expire(ev.time, o), out, queue);
      this.lastExpire = ev.time;
    }
    while (queue.length > 0) {
      const e = queue.shift()!;
      for (const s of this.byRule.get(e.ruleId) ?? []) this.forward(s, () => s.push(e), out, queue);
    }
    return out;
  }

  private forward(s: CorrelationState, run: ((o: CorrHit[]) => void) | (() => CorrHit[]), out: CorrHit[], queue: CorrEvent[]): void {
    const produced: CorrHit[] = [];
    const r = (run)(produced);
    if (Array.isArray(r)) produced.push(...r);
    for (const h of produced) {
      out.push(h);
      queue.push({ ruleId: h.rule.id, time: h.last, events: h.events, fields: h.group });
    }
  }

  /** End of stream: closes all windows (inner correlations first, feeding outer ones). */
  finish(): CorrHit[] {
    const out: CorrHit[] = [];
    for (const s of this.states) {
      for (const h of s.finish()) {
        out.push(h);
        out.push(...this.push({ ruleId: h.rule.id, time: h.last, events: h.events, fields: h.group }));
      }
    }
    return out;
  }
}
