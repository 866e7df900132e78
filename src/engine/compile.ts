import RE2 from 're2';
import type { FieldValue } from '../model/index.js';
import type { Expr, NumCmp, PatternPart, TimePart, ValueTest } from '../sigma/index.js';
import { AffixSet, LiteralSet } from './literal-set.js';
import { regexMinLength, requiredRegexLiterals } from './regex-literal.js';
import { StringCache, StringSet } from './value-cache.js';

/**
 * IR → matcher closures, compiled once per rule. Case-insensitive tests compare against a lower-cased copy of
 * the event value, made once per event and field (see {@link EvalCtx}); literal-only patterns become
 * `===`/`startsWith`/`endsWith`/`includes`; regexes run on RE2 (linear time).
 */

/** Per-event evaluation context: the fields, plus a cache of lower-cased values shared by all rules. */
export class EvalCtx {
  // A few fields per event are asked for: a short array scanned by identity beats a Map, and resetting it is
  // `n = 0` where Map.clear() allocated a new table per event (measured: reset + lowerOf were ~10% of a full
  // Exchange-pack scan). Beyond LINEAR distinct fields the Map takes over.
  private keys: string[] = [];
  private vals: Array<string | string[] | null> = [];
  private n = 0;
  private more = new Map<string, string | string[] | null>();
  constructor(public fields: Readonly<Record<string, FieldValue>>) {}

  /** Resets for the next event (reuses the cache). */
  reset(fields: Readonly<Record<string, FieldValue>>): void {
    this.fields = fields;
    this.n = 0;
    if (this.more.size > 0) this.more.clear();
  }

  /** Lower-cased text of a field (null if absent/null), list fields as lists. */
  lowerOf(field: string): string | string[] | null {
    const keys = this.keys;
    const n = this.n;
    for (let i = 0; i < n; i++) if (keys[i] === field) return this.vals[i] as string | string[] | null;
    if (n >= LINEAR) {
      const hit = this.more.get(field);
      if (hit !== undefined) return hit;
    }
    const raw = this.fields[field];
    const v =
      raw === undefined || raw === null
        ? null
        : Array.isArray(raw)
          ? raw.flat(8).map((x) => text(x).toLowerCase())
          : text(raw).toLowerCase();
    if (n < LINEAR) {
      keys[n] = field;
      this.vals[n] = v;
      this.n = n + 1;
    } else {
      this.more.set(field, v);
    }
    return v;
  }
}

/** Distinct fields per event kept in EvalCtx's linear cache. */
const LINEAR = 16;

/** Text form of a scalar field value. */
export function text(v: FieldValue): string {
  return typeof v === 'string' ? v : v === null ? '' : Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** A compiled boolean test over an event. */
export type Matcher = (ctx: EvalCtx) => boolean;
type StrTest = (s: string) => boolean;

/** Matches a wildcard pattern against a string (linear-ish: segments between `*` matched leftmost-first). */
export function compilePattern(parts: readonly PatternPart[], lower: boolean): StrTest {
  const norm = parts.map((p) => (p.t === 'lit' && lower ? { t: 'lit' as const, v: p.v.toLowerCase() } : p));
  const lits = norm.every((p) => p.t !== 'one');
  // Fast paths for the shapes rules use most.
  if (lits) {
    const l = norm.filter((p) => p.t === 'lit').map((p) => (p as { v: string }).v);
    const startAny = norm[0]?.t === 'any';
    const endAny = norm.at(-1)?.t === 'any';
    if (norm.length === 0) return (s) => s === '';
    if (l.length === 0) return () => true;
    if (l.length === 1) {
      const x = l[0]!;
      if (startAny && endAny) return (s) => s.includes(x);
      if (startAny) return (s) => s.endsWith(x);
      if (endAny) return (s) => s.startsWith(x);
      return (s) => s === x;
    }
  }
  // General case: split at `*` into segments of literals and `?`.
  type Seg = Array<string | null>; // string = literal, null = one char
  const segs: Seg[] = [[]];
  for (const p of norm) {
    if (p.t === 'any') segs.push([]);
    else {
      const seg = segs.at(-1)!;
      const prev = seg.at(-1);
      // Adjacent literals as one, so a segment's leading literal is as long as it can be for indexOf.
      if (p.t === 'lit' && typeof prev === 'string') seg[seg.length - 1] = prev + p.v;
      else seg.push(p.t === 'lit' ? p.v : null);
    }
  }
  const segLen = segs.map((s) => s.reduce((n, x) => n + (x === null ? 1 : x.length), 0));
  const matchAt = (s: string, seg: Seg, at: number): boolean => {
    let i = at;
    for (const x of seg) {
      if (x === null) {
        if (i >= s.length) return false;
        i++;
      } else {
        if (!s.startsWith(x, i)) return false;
        i += x.length;
      }
    }
    return true;
  };
  const anchoredStart = segs.length === 1 || segs[0]!.length > 0;
  return (s) => {
    if (segs.length === 1) return s.length === segLen[0] && matchAt(s, segs[0]!, 0);
    let pos = 0;
    const first = segs[0]!;
    if (anchoredStart && first.length > 0) {
      if (!matchAt(s, first, 0)) return false;
      pos = segLen[0]!;
    }
    const last = segs.length - 1;
    for (let k = 1; k < last; k++) {
      const seg = segs[k]!;
      if (seg.length === 0) continue;
      let found = -1;
      // A segment that opens with a literal can only start where indexOf finds that literal (native search,
      // instead of trying every position).
      const lead = seg[0];
      for (let i = pos; i + segLen[k]! <= s.length; i++) {
        if (typeof lead === 'string') {
          i = s.indexOf(lead, i);
          if (i < 0 || i + segLen[k]! > s.length) break;
        }
        if (matchAt(s, seg, i)) {
          found = i;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + segLen[k]!;
    }
    const tail = segs[last]!;
    const start = s.length - segLen[last]!;
    return start >= pos && matchAt(s, tail, start);
  };
}

// ---- IP / CIDR -------------------------------------------------------------------------------------------

function parseV4(s: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    n = (n << 8n) | BigInt(o);
  }
  return n;
}

function parseV6(s: string): bigint | null {
  let str = s.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(str);
  if (v4) {
    const n = parseV4(v4[1]!);
    if (n === null) return null;
    str = `${str.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = str.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Compiles a CIDR network test; values that are not addresses of the same family never match. */
export function compileCidr(cidr: string): StrTest {
  const [addr, bitsText] = cidr.split('/') as [string, string];
  const bits = Number(bitsText);
  const v6 = addr.includes(':');
  const width = v6 ? 128 : 32;
  const base = v6 ? parseV6(addr) : parseV4(addr);
  if (base === null) return () => false;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  const net = base & mask;
  return (s) => {
    const t = s.trim();
    const n = v6 ? (t.includes(':') ? parseV6(t) : null) : parseV4(t);
    return n !== null && (n & mask) === net;
  };
}

// ---- numbers and time -----------------------------------------------------------------------------------

function cmpFn(cmp: NumCmp, value: number): (n: number) => boolean {
  switch (cmp) {
    case 'eq':
      return (n) => n === value;
    case 'lt':
      return (n) => n < value;
    case 'lte':
      return (n) => n <= value;
    case 'gt':
      return (n) => n > value;
    case 'gte':
      return (n) => n >= value;
  }
}

function toNum(v: FieldValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return Number(v);
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v)) return parseInt(v, 16);
  return null;
}

/** Epoch ms → date part (UTC; the appendix says time modifiers do no time-zone conversion). */
function timePart(ms: number, part: TimePart): number {
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // ISO 8601 week number.
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const day = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - day);
      const y0 = Date.UTC(t.getUTCFullYear(), 0, 1);
      return Math.ceil(((t.getTime() - y0) / 86_400_000 + 1) / 7);
    }
  }
}

function parseDate(v: FieldValue): number | null {
  if (typeof v === 'number') return v > 1e11 ? v : v * 1000;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const iso = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

// ---- expressions ----------------------------------------------------------------------------------------

/** Applies a string test to a field value (lists: any element). */
function onValue(v: FieldValue, f: (s: string) => boolean): boolean {
  if (v === null) return false;
  if (Array.isArray(v)) return v.some((x) => onValue(x, f));
  return f(text(v));
}

/** Values remembered per regex (at most 2^8), and the longest value remembered. */
const REGEX_MEMO_BITS = 8;
const REGEX_MEMO_LEN = 1024;

function compileValueTest(field: string | null, test: ValueTest): Matcher {
  const all = (ctx: EvalCtx, f: (v: FieldValue, name: string) => boolean): boolean => {
    if (field !== null) {
      const v = ctx.fields[field];
      return v !== undefined && f(v, field);
    }
    for (const k in ctx.fields) if (f(ctx.fields[k]!, k)) return true;
    return false;
  };
  switch (test.op) {
    case 'pattern': {
      const m = compilePattern(test.parts, !test.cased);
      if (test.cased) {
        const one = (v: FieldValue): boolean => onValue(v, m);
        return (ctx) => all(ctx, one);
      }
      // The common case (one named field, case-insensitive) without a closure per call.
      if (field !== null) {
        return (ctx) => {
          const v = ctx.fields[field];
          if (v === undefined || v === null) return false;
          const l = ctx.lowerOf(field);
          return l === null ? false : typeof l === 'string' ? m(l) : l.some(m);
        };
      }
      return (ctx) =>
        all(ctx, (v, name) => {
          if (v === null) return false;
          const l = ctx.lowerOf(name);
          return l === null ? false : typeof l === 'string' ? m(l) : l.some(m);
        });
    }
    case 're': {
      const flags = `${test.flags.i ? 'i' : ''}${test.flags.m ? 'm' : ''}${test.flags.s ? 's' : ''}u`;
      const re = new RE2(test.source, flags);
      // Regex-only selections cannot be prefiltered, so a few run on every event of their bucket, and each RE2
      // call copies the string to UTF-8 across the native boundary. Logs repeat values, so the verdict is kept
      // per recent value (no `g` flag: test() is pure). Bounded per regex: 2^REGEX_MEMO_BITS values of <= 1 KiB.
      let memo: StringCache<boolean> | null = null;
      const min = regexMinLength(test.source);
      const t = (s: string): boolean => {
        if (s.length < min) return false;
        memo ??= new StringCache(REGEX_MEMO_BITS);
        let r = memo.get(s);
        if (r === undefined) {
          r = re.test(s);
          if (s.length <= REGEX_MEMO_LEN) memo.set(s, r);
        }
        return r;
      };
      const one = (v: FieldValue): boolean => onValue(v, t);
      // A literal every match needs (one per top-level alternative; a single character such as a backtick will
      // do): a value whose lower-cased text (cached per event, shared with the other tests) holds none of them
      // cannot match, and RE2 is not asked.
      const need = requiredRegexLiterals(test, 1);
      if (field !== null && need !== null && need.length > 0) {
        const holds = (l: string): boolean => {
          for (let i = 0; i < need.length; i++) if (l.includes(need[i]!)) return true;
          return false;
        };
        return (ctx) => {
          const v = ctx.fields[field];
          if (v === undefined || v === null) return false;
          const l = ctx.lowerOf(field);
          if (l === null || (typeof l === 'string' ? !holds(l) : !l.some(holds))) return false;
          return one(v);
        };
      }
      return (ctx) => all(ctx, one);
    }
    case 'cidr': {
      const m = compileCidr(test.cidr);
      return (ctx) => all(ctx, (v) => onValue(v, m));
    }
    case 'cmp': {
      const c = cmpFn(test.cmp, test.value);
      const one = (v: FieldValue): boolean => {
        if (Array.isArray(v)) return v.some(one);
        const n = toNum(v);
        return n !== null && c(n);
      };
      return (ctx) => all(ctx, one);
    }
    case 'timepart': {
      const c = cmpFn(test.cmp, test.value);
      const part = test.part;
      return (ctx) =>
        all(ctx, (v) => {
          const t = parseDate(v);
          return t !== null && c(timePart(t, part));
        });
    }
    case 'null':
      if (field === null) return () => false;
      return (ctx) => {
        const v = ctx.fields[field];
        return v === undefined || v === null;
      };
    case 'exists':
      if (field === null) return () => false;
      return test.value ? (ctx) => field in ctx.fields : (ctx) => !(field in ctx.fields);
    case 'fieldref': {
      const ref = test.ref;
      const cased = test.cased;
      const mode = test.mode;
      const cmp = (a: string, b: string): boolean =>
        mode === 'eq'
          ? a === b
          : mode === 'prefix'
            ? a.startsWith(b)
            : mode === 'suffix'
              ? a.endsWith(b)
              : a.includes(b);
      if (field === null) return () => false;
      return (ctx) => {
        const a = ctx.fields[field];
        const b = ctx.fields[ref];
        if (a === undefined || a === null || b === undefined || b === null || Array.isArray(b)) return false;
        // Scalars, case-insensitive: the per-event lower-cased copies, not two new strings per evaluation.
        if (!cased && !Array.isArray(a)) return cmp(ctx.lowerOf(field) as string, ctx.lowerOf(ref) as string);
        const bt = cased ? text(b) : text(b).toLowerCase();
        return onValue(a, (s) => cmp(cased ? s : s.toLowerCase(), bt));
      };
    }
  }
}

/** Longer literal lists of one field and shape are searched with a trie (AffixSet, LiteralSet) than one by one. */
const AFFIX_MIN = 8;

/** Shape of a single-literal pattern: whole value, prefix, suffix or substring. */
function literalShape(
  parts: readonly PatternPart[],
): { mode: 'eq' | 'prefix' | 'suffix' | 'contains'; lit: string } | null {
  const lits = parts.filter((p) => p.t === 'lit');
  if (lits.length !== 1 || parts.some((p) => p.t === 'one')) return null;
  const lit = (lits[0] as { v: string }).v;
  const a = parts[0]?.t === 'any';
  const z = parts.at(-1)?.t === 'any';
  if (parts.length !== 1 + (a ? 1 : 0) + (z ? 1 : 0)) return null;
  return { mode: a && z ? 'contains' : a ? 'suffix' : z ? 'prefix' : 'eq', lit };
}

/**
 * Compiles OR arguments, merging the many single-literal tests on one field (a rule's value list:
 * `Image|endswith: [...100 names]`) into one matcher per field and shape, so a long list costs one closure
 * and a Set lookup or a tight loop instead of a hundred closures.
 */
function mergeLiteralOr(args: readonly Expr[]): Matcher[] {
  const groups = new Map<string, { field: string; cased: boolean; mode: string; lits: string[] }>();
  const rest: Matcher[] = [];
  for (const a of args) {
    const shape = a.kind === 'field' && a.test.op === 'pattern' ? literalShape(a.test.parts) : null;
    if (!shape || a.kind !== 'field' || a.test.op !== 'pattern') {
      rest.push(compileExpr(a));
      continue;
    }
    const key = `${a.field}\u0000${a.test.cased}\u0000${shape.mode}`;
    const g = groups.get(key);
    const lit = a.test.cased ? shape.lit : shape.lit.toLowerCase();
    if (g) g.lits.push(lit);
    else groups.set(key, { field: a.field, cased: a.test.cased, mode: shape.mode, lits: [lit] });
  }
  const out: Matcher[] = [];
  for (const g of groups.values()) {
    let test: (s: string) => boolean;
    const lits = g.lits;
    if (g.mode === 'eq') {
      // Event values are new strings: a Set would hash each one over its whole length (see value-cache.ts).
      const set = new StringSet(lits);
      test = (s) => set.has(s);
    } else if (lits.length > AFFIX_MIN && (g.mode === 'prefix' || g.mode === 'suffix')) {
      const affix = new AffixSet(lits, g.mode === 'suffix');
      test = (s) => affix.test(s);
    } else if (g.mode === 'prefix') {
      test = (s) => {
        for (let i = 0; i < lits.length; i++) if (s.startsWith(lits[i]!)) return true;
        return false;
      };
    } else if (g.mode === 'suffix') {
      test = (s) => {
        for (let i = 0; i < lits.length; i++) if (s.endsWith(lits[i]!)) return true;
        return false;
      };
    } else if (lits.length > AFFIX_MIN) {
      const set = new LiteralSet(lits);
      test = (s) => set.has(s);
    } else {
      test = (s) => {
        for (let i = 0; i < lits.length; i++) if (s.includes(lits[i]!)) return true;
        return false;
      };
    }
    const field = g.field;
    if (g.cased) {
      out.push((ctx) => {
        const v = ctx.fields[field];
        return v !== undefined && onValue(v, test);
      });
    } else {
      out.push((ctx) => {
        const l = ctx.lowerOf(field);
        return l === null ? false : typeof l === 'string' ? test(l) : l.some(test);
      });
    }
  }
  return [...out, ...rest];
}

/** Compiles an IR expression into a matcher. */
export function compileExpr(e: Expr): Matcher {
  switch (e.kind) {
    case 'const':
      return e.value ? () => true : () => false;
    case 'not': {
      const m = compileExpr(e.arg);
      return (ctx) => !m(ctx);
    }
    case 'and': {
      const ms = e.args.map(compileExpr);
      if (ms.length === 2) {
        const [a, b] = ms as [Matcher, Matcher];
        return (ctx) => a(ctx) && b(ctx);
      }
      return (ctx) => {
        for (const m of ms) if (!m(ctx)) return false;
        return true;
      };
    }
    case 'or': {
      const ms = mergeLiteralOr(e.args);
      if (ms.length === 1) return ms[0]!;
      return (ctx) => {
        for (const m of ms) if (m(ctx)) return true;
        return false;
      };
    }
    case 'field':
      return compileValueTest(e.field, e.test);
    case 'keyword':
      return compileValueTest(null, e.test);
  }
}

/**
 * The values a field must take for the expression to hold (lower-cased literals), or null when the
 * expression does not pin the field. Used to index rules by Channel and EventID.
 */
export function requiredValues(e: Expr, field: string): Set<string> | null {
  switch (e.kind) {
    case 'field':
      if (e.field === field && e.test.op === 'pattern' && e.test.parts.every((p) => p.t === 'lit')) {
        return new Set([
          e.test.parts
            .map((p) => (p as { v: string }).v)
            .join('')
            .toLowerCase(),
        ]);
      }
      return null;
    case 'and': {
      let acc = null as Set<string> | null;
      for (const a of e.args) {
        const s = requiredValues(a, field);
        if (s) acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
      }
      return acc;
    }
    case 'or': {
      const acc = new Set<string>();
      for (const a of e.args) {
        const s = requiredValues(a, field);
        if (!s) return null;
        for (const x of s) acc.add(x);
      }
      return acc;
    }
    case 'not':
    case 'const':
    case 'keyword':
      return null;
  }
}
