import type { KahuEvent } from '../model/index.js';
import { exprFields, type DetectionIR, type Expr, type MappedRule } from '../sigma/index.js';
import { compileExpr, EvalCtx, requiredValues, type Matcher } from './compile.js';
import { LiteralSet } from './literal-set.js';
import { requiredRegexLiterals } from './regex-literal.js';
import { StringCache } from './value-cache.js';


/** One mapped rule variant, compiled. */
export interface CompiledTarget {
  rule: DetectionIR;
  /** Mapping variant name (sysmon, security-4688, iis...). */
  mapping: string;
  source: string;
  match: Matcher;
  /** Event field names the variant reads (for the finding's values). */
  fields: string[];
  /** Dense number. */
  num: number;
  /** Dense number of the rule (shared by its variants): a hit is reported once per rule and event. */
  ruleNum: number;
  /**
   * Required literals, as clauses that must all hold: each clause is a set of (field, lower-cased literal)
   * pairs of which at least one must occur (the field's lower-cased value contains the literal). Empty when
   * nothing is required (the variant is always evaluated).
   */
  clauses: Clause[];
}

/** A disjunction of literal occurrences. */
export type Clause = Array<{ field: string; lit: string }>;

/** Fields the Channel/EventID index already pins: useless as literal anchors. */
const INDEXED = new Set(['Channel', 'EventID', 'Provider_Name']);
/** Clauses kept per variant: at most 4, as a clause code keeps its index in two bits (see Bucket). */
const MAX_CLAUSES = 4;

function clauseScore(c: Clause): number {
  // Prefer long literals (rarer) and few alternatives.
  return Math.min(...c.map((x) => x.lit.length)) * 100 - c.length;
}

/**
 * Literal clauses an expression implies (conjunctive normal form over "field contains literal"): a pattern
 * test needs its longest literal; AND keeps its children's clauses (the best few); OR needs a clause from
 * every branch and unites them. Negations, regexes, numbers and keywords imply nothing.
 */
export function literalClauses(e: Expr): Clause[] {
  switch (e.kind) {
    case 'field': {
      if (INDEXED.has(e.field)) return [];
      if (e.test.op === 're') {
        // Short literals too (a backtick, `${`, `-f`): a regex-only rule without any would be evaluated on every
        // event of its bucket, and a rare character rules out most of them. Longer ones win in clauseScore.
        const lits = requiredRegexLiterals(e.test, 1);
        return lits !== null && lits.length > 0 ? [lits.map((lit) => ({ field: e.field, lit }))] : [];
      }
      if (e.test.op !== 'pattern') return [];
      let best = '';
      for (const p of e.test.parts) if (p.t === 'lit' && p.v.length > best.length) best = p.v;
      const lit = best.toLowerCase();
      // Lower-casing must not change the length, or containment in the lowered value is not guaranteed.
      return lit.length >= 1 && lit.length === best.length ? [[{ field: e.field, lit }]] : [];
    }
    case 'and': {
      const all = e.args.flatMap(literalClauses);
      return all.sort((a, b) => clauseScore(b) - clauseScore(a)).slice(0, MAX_CLAUSES);
    }
    case 'or': {
      // (A ∧ B) ∨ C = (A ∨ C) ∧ (B ∨ C): distribute over the branches' clauses, keeping the best few after each
      // branch. Taking only each branch's best clause (as before) let a common literal such as `\windows\` in
      // one conjunct stand for a whole branch whose other conjunct is rare.
      let acc: Clause[] = [[]];
      for (const a of e.args) {
        const cs = literalClauses(a);
        if (cs.length === 0) return [];
        const next: Clause[] = [];
        for (const x of acc) for (const c of cs) next.push([...x, ...c]);
        acc = next.sort((p, q) => clauseScore(q) - clauseScore(p)).slice(0, MAX_CLAUSES);
      }
      return acc;
    }
    case 'keyword': {
      // A keyword needs its literal in some field: the pseudo-field `*` scans every field of the event.
      if (e.test.op !== 'pattern') return [];
      let best = '';
      for (const p of e.test.parts) if (p.t === 'lit' && p.v.length > best.length) best = p.v;
      const lit = best.toLowerCase();
      return lit.length >= 1 && lit.length === best.length ? [[{ field: ANY_FIELD, lit }]] : [];
    }
    case 'not':
    case 'const':
      return [];
  }
}

/**
 * The expression without its top-level Channel and EventID tests that the index already guarantees. A rule variant
 * is indexed only under the lower-cased values such a test allows (`requiredValues`), and an event meets it only
 * from the bucket of its own lower-cased Channel and EventID text, which the test compares the same way: the test
 * holds for every event that reaches the variant. Only plain case-insensitive equality tests (or an OR of them) are
 * dropped; anything else on those fields stays.
 */
export function withoutIndexedTests(e: Expr): Expr {
  if (e.kind !== 'and') return e;
  const rest = e.args.filter((a) => !isIndexTest(a, 'Channel') && !isIndexTest(a, 'EventID'));
  if (rest.length === e.args.length) return e;
  if (rest.length === 0) return { kind: 'const', value: true };
  return rest.length === 1 ? rest[0]! : { kind: 'and', args: rest };
}

function isIndexTest(e: Expr, field: string): boolean {
  if (e.kind === 'or') return e.args.length > 0 && e.args.every((a) => isIndexTest(a, field));
  if (e.kind !== 'field' || e.field !== field || e.test.op !== 'pattern' || e.test.cased || e.test.parts.length === 0) return false;
  let v = '';
  for (const p of e.test.parts) {
    if (p.t !== 'lit') return false;
    v += p.v;
  }
  // A literal `*` is the index's any-value key, and NUL its key separator: such a test is not guaranteed.
  return v !== ANY && !v.includes('\u0000');
}

/** Pseudo-field of keyword clauses: any field of the event. */
const ANY_FIELD = '*';

/**
 * A regex that matches a raw value whenever the value's lower-cased text (`toLowerCase`, as the matchers
 * compare) contains one of the lower-cased ASCII literals, or null when a literal is not ASCII. The `i` flag
 * without `u` folds ASCII letters only; the only non-ASCII characters whose `toLowerCase` holds an ASCII
 * character are U+212A KELVIN SIGN (→ `k`) and U+0130 (→ `i` + U+0307, so it can end a match on `i`), both
 * added by hand (checked over every code point on Node 20). False positives are harmless (an exact test
 * follows); false negatives are impossible.
 */
export function caseGate(lits: readonly string[]): RegExp | null {
  const alts: string[] = [];
  for (const lit of lits) {
    if (!/^[\x00-\x7f]+$/.test(lit)) return null;
    let re = '';
    for (let i = 0; i < lit.length; i++) {
      const c = lit[i]!;
      if (c === 'k') re += '[k\u212a]';
      else if (c === 'i' && i === lit.length - 1) re += '[i\u0130]';
      else re += /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
    }
    alts.push(re);
  }
  return alts.length === 0 ? null : new RegExp(alts.join('|'), 'i');
}

/** Literal tests of one field within one candidate list. */
interface FieldFilter {
  field: string;
  /** Aho–Corasick automaton over the literals (many literals), or null (few: String.includes each). */
  set: LiteralSet | null;
  lits: string[];
  /** Literal index → clause codes (bucket-local, see Bucket). */
  clauses: number[][];
  /**
   * Recent raw string values → the clause codes their lower-cased text satisfies (logs repeat images, users,
   * paths); bounded, and keyed without V8's full-length string hash (see value-cache.ts).
   */
  seen: StringCache<Int32Array>;
  /** The same for numbers and booleans (ports, logon types, flags); bounded. */
  seenOther: Map<number | boolean, Int32Array>;
  /**
   * Keyword filters (field `*`, every field of the event) with few ASCII literals: a case-insensitive regex over
   * the raw value that holds whenever a literal occurs in the lower-cased value (see {@link caseGate}), so most
   * values are passed over without lower-casing, caching or scanning. Null elsewhere.
   */
  gate: RegExp | null;
}

/** Slots of a filter's string cache at most (2^12), and most entries of its map of other scalars. */
const SEEN_BITS = 12;
const SEEN_MAX = 4096;
const SEEN_MAX_LEN = 1024;

/**
 * The prefilter of one candidate list. A clause is coded as `target << 2 | k`: the k-th clause (k < MAX_CLAUSES = 4)
 * of the bucket's target number `target`. Marking a clause sets bit k of its target's mask for the event, and a
 * target is ready when its mask is full: one two-slot state per target, where a stamp and an owner per clause and a
 * stamp and a count per target took five arrays.
 */
interface Bucket {
  targets: CompiledTarget[];
  filters: FieldFilter[];
  /** Per target: the mask of all its clauses ((1 << clauses) - 1), 0 for none. */
  need: Uint8Array;
  /** Indexes of the targets without clauses (always evaluated), ascending. */
  always: number[];
}

function buildBucket(targets: CompiledTarget[]): Bucket {
  const byField = new Map<string, Map<string, number[]>>();
  const need = new Uint8Array(targets.length);
  const always: number[] = [];
  targets.forEach((t, ti) => {
    // literalClauses keeps at most MAX_CLAUSES; dropping more would only weaken the filter, never break it.
    const clauses = t.clauses.slice(0, MAX_CLAUSES);
    clauses.forEach((clause, k) => {
      const code = (ti << 2) | k;
      for (const { field, lit } of clause) {
        let m = byField.get(field);
        if (!m) byField.set(field, (m = new Map<string, number[]>()));
        const list = m.get(lit);
        if (!list) m.set(lit, [code]);
        else if (list.at(-1) !== code) list.push(code);
      }
    });
    need[ti] = (1 << clauses.length) - 1;
    if (clauses.length === 0) always.push(ti);
  });
  const filters: FieldFilter[] = [];
  for (const [field, m] of byField) {
    const lits = [...m.keys()];
    const set = lits.length > 8 ? new LiteralSet(lits) : null;
    const gate = field === ANY_FIELD && set === null ? caseGate(lits) : null;
    filters.push({ field, set, lits, clauses: lits.map((l) => m.get(l)!), seen: new StringCache(SEEN_BITS), seenOther: new Map(), gate });
  }
  return { targets, filters, need, always };
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
    const ruleNums = new Map<string, number>();
    for (const m of mapped) {
      let ruleNum = ruleNums.get(m.rule.id);
      if (ruleNum === undefined) ruleNums.set(m.rule.id, (ruleNum = ruleNums.size));
      for (const t of m.targets) {
        const ct: CompiledTarget = {
          rule: m.rule,
          mapping: t.mapping,
          source: t.source,
          match: compileExpr(withoutIndexedTests(t.expr)),
          // Keyword rules read no named field: their `fields:` attribute says what a reader needs to see.
          fields: [...new Set([...exprFields(t.expr), ...(t.show ?? [])])],
          num: this.targets.length,
          ruleNum,
          clauses: literalClauses(t.expr),
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
    this.ruleStamps = new Uint32Array(ruleNums.size);
  }

  /**
   * Builds the prefilter of every (Channel, EventID) bucket the rules name, now rather than on the first event
   * of each kind (the Aho–Corasick automata of the big buckets take a moment). Other buckets are built on use.
   */
  prepare(): void {
    for (const si of this.sources.values()) {
      for (const key of si.byKey.keys()) {
        const [c, i] = key.split('\u0000') as [string, string];
        this.bucketFor(si, c, i);
      }
    }
  }

  // The last (source, Channel, EventID) looked up and its bucket: consecutive events often share them, and the
  // key string and Map lookups were a visible share of the per-event cost.
  private lastSource: string | undefined;
  private lastCh: unknown;
  private lastId: unknown;
  private lastBucket: Bucket | null = null;

  private bucket(ev: KahuEvent): Bucket | null {
    const ch = ev.fields.Channel;
    const id = ev.fields.EventID;
    if (this.lastBucket !== null && ev.source === this.lastSource && ch === this.lastCh && id === this.lastId)
      return this.lastBucket;
    const si = this.sources.get(ev.source);
    if (!si) return null;
    const c = typeof ch === 'string' ? ch.toLowerCase() : ANY;
    const i = id === undefined || id === null ? ANY : String(id).toLowerCase();
    const b = this.bucketFor(si, c, i);
    // Only scalar keys are remembered (a list value compares by identity and would never hit anyway).
    if ((typeof ch === 'string' || ch === undefined) && typeof id !== 'object') {
      this.lastSource = ev.source;
      this.lastCh = ch;
      this.lastId = id;
      this.lastBucket = b;
    }
    return b;
  }

  private bucketFor(si: SourceIndex, c: string, i: string): Bucket {
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

  /** Per bucket target, two slots: the epoch of its mask, and the mask of its clauses that held in that epoch. */
  private tState = new Uint32Array(0);
  /** Per rule number: the epoch of its last hit (one hit per rule and event, without a Set per event). */
  private ruleStamps: Uint32Array;
  private epoch = 0;
  private readonly marker: Marker = { state: this.tState, need: new Uint8Array(0), ready: [], epoch: 0 };

  /**
   * Calls `hit` for each target matching the event (at most once per rule). Returns the number of variants
   * evaluated. `prefilter: false` evaluates every candidate (the reference the prefilter is tested against).
   */
  match(ev: KahuEvent, hit: (t: CompiledTarget) => void, prefilter = true): number {
    const b = this.bucket(ev);
    if (!b || b.targets.length === 0) return 0;
    const ctx = this.ctx;
    ctx.reset(ev.fields);
    const targets = b.targets;
    const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
    if (epoch === 1) {
      // The 32-bit epoch wrapped: old stamps could now collide with new epochs.
      this.tState.fill(0);
      this.ruleStamps.fill(0);
    }
    const ruleStamps = this.ruleStamps;
    if (!prefilter) {
      for (const t of targets) {
        if (ruleStamps[t.ruleNum] === epoch || !t.match(ctx)) continue;
        ruleStamps[t.ruleNum] = epoch;
        hit(t);
      }
      return targets.length;
    }
    if (this.tState.length < 2 * targets.length) this.tState = new Uint32Array(Math.max(2 * targets.length, this.tState.length * 2));
    const m = this.marker;
    m.state = this.tState;
    m.need = b.need;
    m.epoch = epoch;
    m.ready.length = 0;
    // One pass per field over all the literals the bucket's rules require; mark the clauses that hold, and
    // collect the targets whose clauses have all held (so the 600-odd candidates are not walked one by one).
    for (const f of b.filters) {
      if (f.field === ANY_FIELD) {
        for (const k in ctx.fields) scanField(f, k, ctx, m);
        continue;
      }
      scanField(f, f.field, ctx, m);
    }
    const ready = m.ready;
    for (const i of b.always) ready.push(i);
    // Evaluate in the bucket's order, as the unfiltered walk does (first variant of a rule wins).
    if (ready.length > 1) sortSmall(ready);
    for (let k = 0; k < ready.length; k++) {
      const t = targets[ready[k]!]!;
      // A rule already reported for this event needs no second variant evaluated.
      if (ruleStamps[t.ruleNum] === epoch || !t.match(ctx)) continue;
      ruleStamps[t.ruleNum] = epoch;
      hit(t);
    }
    return ready.length;
  }
}

/** Sorts ascending in place: insertion sort for the few ready targets of an event (Array#sort's set-up costs more). */
function sortSmall(a: number[]): void {
  if (a.length > 32) {
    a.sort((x, y) => x - y);
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/** The per-event marking state of the prefilter. */
interface Marker {
  /** Per target: [epoch, mask of the clauses that held] (see Bucket). */
  state: Uint32Array;
  need: Uint8Array;
  ready: number[];
  epoch: number;
}

/** Marks clause `code` (target << 2 | k) as holding; a target whose last clause this is becomes ready. */
function mark(m: Marker, code: number): void {
  const t = code >>> 2;
  const bit = 1 << (code & 3);
  const st = m.state;
  const at = t << 1;
  let mask: number;
  if (st[at] !== m.epoch) {
    st[at] = m.epoch;
    mask = bit;
  } else {
    const old = st[at + 1]!;
    mask = old | bit;
    if (mask === old) return;
  }
  st[at + 1] = mask;
  if (mask === m.need[t]) m.ready.push(t);
}

/**
 * Marks the clauses whose literal occurs in a field's value. A scalar value is looked up by its raw value first:
 * a value seen recently needs neither lower-casing nor a scan (most of an event's fields repeat, numbers such as
 * ports and logon types included). The cache keeps the clause codes themselves, deduplicated, so a hit is one
 * flat loop. A keyword filter's gate skips, without a lookup, the string values that cannot hold its literals.
 */
function scanField(f: FieldFilter, field: string, ctx: EvalCtx, m: Marker): void {
  const raw = ctx.fields[field];
  if (raw === undefined || raw === null) return;
  let found: Int32Array | undefined;
  if (typeof raw === 'string') {
    if (f.gate !== null && !f.gate.test(raw)) return;
    found = f.seen.get(raw);
    if (found === undefined) {
      found = clausesIn(f, ctx.lowerOf(field) as string);
      if (raw.length <= SEEN_MAX_LEN) f.seen.set(raw, found);
    }
  } else if (typeof raw === 'number' || typeof raw === 'boolean') {
    found = f.seenOther.get(raw);
    if (found === undefined) {
      found = clausesIn(f, ctx.lowerOf(field) as string);
      if (f.seenOther.size >= SEEN_MAX) f.seenOther.clear();
      f.seenOther.set(raw, found);
    }
  } else {
    // A list: each element's lower-cased text, uncached.
    for (const x of ctx.lowerOf(field) as string[]) markAll(m, clausesIn(f, x));
    return;
  }
  markAll(m, found);
}

function markAll(m: Marker, codes: Int32Array): void {
  for (let i = 0; i < codes.length; i++) mark(m, codes[i]!);
}

const NO_CLAUSES = new Int32Array(0);

// Scratch of clausesIn: literal hits, and a per-clause-code stamp that drops repeats (a literal such as `.exe` or a
// path prefix belongs to hundreds of clauses, and several literals share clauses) without sorting.
const litHits: number[] = [];
let dedup = new Uint32Array(1024);
let dedupEpoch = 0;
const pushHit = (k: number): void => {
  litHits.push(k);
};

/** The distinct clause codes of the filter's literals that occur in the lower-cased `s`. */
function clausesIn(f: FieldFilter, s: string): Int32Array {
  litHits.length = 0;
  if (f.set) f.set.scan(s, pushHit);
  else for (let k = 0; k < f.lits.length; k++) if (s.includes(f.lits[k]!)) litHits.push(k);
  if (litHits.length === 0) return NO_CLAUSES;
  dedupEpoch = (dedupEpoch + 1) >>> 0;
  if (dedupEpoch === 0) {
    dedup.fill(0);
    dedupEpoch = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < litHits.length; i++) {
    const cs = f.clauses[litHits[i]!]!;
    for (let j = 0; j < cs.length; j++) {
      const c = cs[j]!;
      if (c >= dedup.length) {
        const grown = new Uint32Array(Math.max(c + 1, dedup.length * 2));
        grown.set(dedup);
        dedup = grown;
      }
      if (dedup[c] === dedupEpoch) continue;
      dedup[c] = dedupEpoch;
      out.push(c);
    }
  }
  return Int32Array.from(out);
}
