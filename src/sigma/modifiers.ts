import RE2 from 're2';
import { KahuError } from '../core/index.js';
import type { Expr, NumCmp, PatternPart, ValueTest } from './ir.js';
import { isPlain, normaliseParts, parseSigmaString, plainText } from './values.js';

/**
 * Value modifiers (sigma-appendix-modifiers.md, v2.1.0) applied to a field's values, producing IR.
 * Modifiers are applied left to right, as the rules specification says ("Value Modifiers").
 */

/** Every modifier of the appendix, plus the `re` sub-modifiers `i`, `m`, `s`. */
export const MODIFIERS = [
  'all', 'startswith', 'endswith', 'contains', 'exists', 'cased', 'neq',
  'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide',
  'lt', 'lte', 'gt', 'gte',
  'minute', 'hour', 'day', 'week', 'month', 'year',
  'cidr', 'expand', 'fieldref',
] as const;
/** A modifier name. */
export type Modifier = (typeof MODIFIERS)[number];

const MODIFIER_SET = new Set<string>(MODIFIERS);
const TIME_PARTS = new Set<string>(['minute', 'hour', 'day', 'week', 'month', 'year']);
const CMPS = new Set<string>(['lt', 'lte', 'gt', 'gte']);

/** Placeholder values for `|expand` (`%Servers%` → list). */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

/** A working value while modifiers apply. `bytes`: the literal text is a byte string (after utf16*). */
type WVal =
  | { k: 'str'; raw: string; parts: PatternPart[]; bytes: boolean }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'test'; test: ValueTest };

function unsupported(message: string): KahuError {
  return new KahuError('rule-unsupported', message);
}
function invalid(message: string): KahuError {
  return new KahuError('rule-invalid', message);
}

function toStr(v: WVal, mod: string): Extract<WVal, { k: 'str' }> {
  if (v.k === 'str') return v;
  if (v.k === 'num' || v.k === 'bool') {
    const s = String(v.v);
    return { k: 'str', raw: s, parts: [{ t: 'lit', v: s }], bytes: false };
  }
  throw invalid(`modifier '${mod}' needs a string value`);
}

/** Encodes a string as bytes (one char per byte): UTF-8 for text, as-is for byte strings. */
function toBytes(v: Extract<WVal, { k: 'str' }>, mod: string): Buffer {
  if (!isPlain(v.parts)) throw invalid(`modifier '${mod}' cannot encode a value with wildcards`);
  const text = plainText(v.parts);
  return v.bytes ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

function litStr(s: string, bytes: boolean): Extract<WVal, { k: 'str' }> {
  return { k: 'str', raw: s, parts: s === '' ? [] : [{ t: 'lit', v: s }], bytes };
}

function utf16(s: string, be: boolean): string {
  const b = Buffer.from(s, 'utf16le');
  if (be) b.swap16();
  return b.toString('latin1');
}

/** Dash characters of `windash` (sigma-appendix-modifiers.md, String Modifiers). */
const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];
const WORD = /[\p{L}\p{N}_]/u;

/** All permutations of the windash characters at the start of words (a dash not after a word character, before one). */
function windash(parts: PatternPart[]): PatternPart[][] {
  let out: PatternPart[][] = [[]];
  const text = (i: number, s: string): string | undefined => s[i];
  for (const p of parts) {
    if (p.t !== 'lit') {
      out = out.map((o) => [...o, p]);
      continue;
    }
    // Split the literal at dash positions eligible for substitution.
    const pieces: Array<string | null> = [];
    let cur = '';
    for (let i = 0; i < p.v.length; i++) {
      const c = p.v[i]!;
      const prev = text(i - 1, p.v);
      const next = text(i + 1, p.v);
      if (WINDASH.includes(c) && (prev === undefined || !WORD.test(prev)) && next !== undefined && WORD.test(next)) {
        pieces.push(cur, null);
        cur = '';
      } else {
        cur += c;
      }
    }
    pieces.push(cur);
    for (const piece of pieces) {
      if (piece === null) out = out.flatMap((o) => WINDASH.map((d) => [...o, { t: 'lit' as const, v: d }]));
      else if (piece !== '') out = out.map((o) => [...o, { t: 'lit' as const, v: piece }]);
    }
    if (out.length > 4096) throw unsupported('windash expands to more than 4096 variants');
  }
  return out.map(normaliseParts);
}

/** Substitutes `%name%` placeholders (with `\%` as a plain percent) for `|expand`. */
function expandPlaceholders(raw: string, placeholders: Placeholders): string[] {
  let results = [''];
  const re = /\\%|%([A-Za-z0-9_.-]+)%|[^\\%]+|\\|%/g;
  for (const m of raw.matchAll(re)) {
    if (m[0] === '\\%') {
      // Keep the escape: the value is still parsed as a Sigma string afterwards, where `\%` stays `\%`... so emit a plain %.
      results = results.map((r) => `${r}%`);
    } else if (m[1] !== undefined) {
      const vals = placeholders[m[1]];
      if (!vals) throw unsupported(`placeholder %${m[1]}% has no values (define it to use this rule)`);
      results = results.flatMap((r) => vals.map((v) => r + v));
    } else {
      results = results.map((r) => r + m[0]);
    }
  }
  return results;
}

/** Checks that RE2 can run a regex (no look-around, no back-references): else the rule is refused. */
export function checkRegex(source: string, flags: string): void {
  try {
    new RE2(source, `${flags}u`);
  } catch (err) {
    throw new KahuError('regex-unsafe', `regex cannot run on RE2 (linear time): ${(err as Error).message}`);
  }
}

function cidrValid(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  if (m[1]!.includes(':')) return bits <= 128 && /^[0-9a-f:.]+$/i.test(m[1]!);
  return bits <= 32 && /^\d{1,3}(\.\d{1,3}){3}$/.test(m[1]!);
}

function toNumber(v: WVal, mod: string): number {
  if (v.k === 'num') return v.v;
  if (v.k === 'str' && /^-?\d+(\.\d+)?$/.test(v.raw)) return Number(v.raw);
  throw invalid(`modifier '${mod}' needs a number`);
}

function initial(v: unknown): WVal {
  if (v === null) return { k: 'null' };
  if (typeof v === 'number') return { k: 'num', v };
  if (typeof v === 'boolean') return { k: 'bool', v };
  if (typeof v === 'string') return { k: 'str', raw: v, parts: parseSigmaString(v), bytes: false };
  throw invalid(`value must be a string, number, boolean or null, not ${Array.isArray(v) ? 'a list' : typeof v}`);
}

/** Applies one transformation/type modifier to one value; may expand into several (OR-linked) values. */
function applyOne(v: WVal, mod: string, reFlags: { i: boolean; m: boolean; s: boolean }): WVal[] {
  switch (mod) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const s = toStr(v, mod);
      const p = [...s.parts];
      if (mod !== 'startswith' && p[0]?.t !== 'any') p.unshift({ t: 'any' });
      if (mod !== 'endswith' && p.at(-1)?.t !== 'any') p.push({ t: 'any' });
      return [{ ...s, parts: normaliseParts(p) }];
    }
    case 'base64': {
      const s = toStr(v, mod);
      return [litStr(toBytes(s, mod).toString('base64'), false)];
    }
    case 'base64offset': {
      // Three alignments of the value inside a longer base64 text; drop the characters that depend on the
      // neighbouring bytes (the first 0/2/3 and, by the total length mod 3, the last 0/3/2).
      const s = toStr(v, mod);
      const bytes = toBytes(s, mod);
      const start = [0, 2, 3];
      const end = [0, 3, 2];
      const out: WVal[] = [];
      for (let i = 0; i < 3; i++) {
        const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
        const cut = end[(bytes.length + i) % 3]!;
        out.push(litStr(enc.slice(start[i], cut ? enc.length - cut : undefined), false));
      }
      return out;
    }
    case 'utf16le':
    case 'wide':
    case 'utf16be':
    case 'utf16': {
      const s = toStr(v, mod);
      const be = mod === 'utf16be';
      const parts = s.parts.map((p) => (p.t === 'lit' ? { t: 'lit' as const, v: utf16(p.v, be) } : p));
      if (mod === 'utf16') parts.unshift({ t: 'lit', v: '\xff\xfe' });
      return [{ k: 'str', raw: s.raw, parts: normaliseParts(parts), bytes: true }];
    }
    case 'windash': {
      const s = toStr(v, mod);
      return windash(s.parts).map((parts) => ({ ...s, parts }));
    }
    case 're': {
      if (v.k !== 'str') throw invalid("modifier 're' needs a string");
      return [{ k: 'test', test: { op: 're', source: v.raw, flags: reFlags } }];
    }
    case 'cidr': {
      if (v.k !== 'str' || !cidrValid(v.raw.trim())) throw invalid(`'${String(v.k === 'str' ? v.raw : '')}' is not a CIDR network`);
      return [{ k: 'test', test: { op: 'cidr', cidr: v.raw.trim() } }];
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (v.k === 'test' && v.test.op === 'timepart') return [{ k: 'test', test: { ...v.test, cmp: mod } }];
      return [{ k: 'test', test: { op: 'cmp', cmp: mod as NumCmp, value: toNumber(v, mod) } }];
    case 'minute':
    case 'hour':
    case 'day':
    case 'week':
    case 'month':
    case 'year':
      return [{ k: 'test', test: { op: 'timepart', part: mod, cmp: 'eq', value: toNumber(v, mod) } }];
    case 'exists': {
      if (v.k !== 'bool') throw invalid("modifier 'exists' needs true or false");
      return [{ k: 'test', test: { op: 'exists', value: v.v } }];
    }
    default:
      throw unsupported(`modifier '${mod}' is not known`);
  }
}

/** Turns a finished working value into a test. */
function toTest(v: WVal, cased: boolean): ValueTest {
  switch (v.k) {
    case 'test':
      return v.test;
    case 'null':
      return { op: 'null' };
    case 'num':
    case 'bool':
      return { op: 'pattern', parts: [{ t: 'lit', v: String(v.v) }], cased: true };
    case 'str':
      // Byte strings (utf16*) compare as written: case folding would break the encoding.
      return { op: 'pattern', parts: v.parts, cased: cased || v.bytes };
  }
}

/**
 * Builds the IR for one detection item: `field|mod1|mod2: values` (field `null` for keyword searches).
 * Values of a list are OR-linked (AND with `all`); one value that expands (windash, base64offset,
 * placeholders) is an OR of its expansions.
 */
export function buildItem(field: string | null, mods: readonly string[], rawValues: readonly unknown[], placeholders: Placeholders): Expr {
  for (const m of mods) if (!MODIFIER_SET.has(m)) throw unsupported(`modifier '${m}' is not known`);
  const has = (m: string): boolean => mods.includes(m);
  if (rawValues.length === 0) throw invalid(`${field ?? 'keyword'}: empty value list`);
  if (has('all') && rawValues.length === 1 && !has('windash') && !has('base64offset')) {
    // The appendix forbids single-value `all`; it is harmless, so accept it as the single value.
  }
  const reFlags = { i: has('i'), m: has('m'), s: has('s') };
  if ((reFlags.i || reFlags.m || reFlags.s) && !has('re')) throw invalid("modifiers 'i', 'm', 's' need 're'");
  const cased = has('cased');
  const neg = has('neq');
  const refMode = has('fieldref');

  const perValue: Expr[] = [];
  for (const raw of rawValues) {
    let vals: WVal[];
    if (has('expand')) {
      if (typeof raw !== 'string') throw invalid("modifier 'expand' needs a string");
      vals = expandPlaceholders(raw, placeholders).map(initial);
    } else {
      vals = [initial(raw)];
    }
    if (refMode) {
      if (typeof raw !== 'string') throw invalid("modifier 'fieldref' needs a field name");
      const mode = has('contains') ? 'contains' : has('startswith') ? 'prefix' : has('endswith') ? 'suffix' : 'eq';
      vals = [{ k: 'test', test: { op: 'fieldref', ref: raw, mode, cased } }];
    } else {
      for (const m of mods) {
        if (m === 'all' || m === 'cased' || m === 'neq' || m === 'expand' || m === 'i' || m === 'm' || m === 's') continue;
        vals = vals.flatMap((v) => applyOne(v, m, reFlags));
      }
    }
    for (const v of vals) {
      if (v.k === 'test' && v.test.op === 're') checkRegex(v.test.source, `${v.test.flags.i ? 'i' : ''}${v.test.flags.m ? 'm' : ''}${v.test.flags.s ? 's' : ''}`);
    }
    // Keywords search the whole event: a keyword value matches anywhere in a field value (implicit `*...*`),
    // as in full-text search backends; explicit wildcards inside it still apply.
    const tests = vals.map((v) => {
      const t = toTest(v, cased);
      if (field !== null || t.op !== 'pattern') return t;
      return { ...t, parts: normaliseParts([{ t: 'any' }, ...t.parts, { t: 'any' }]) };
    });
    const exprs: Expr[] = tests.map((test) => (field === null ? { kind: 'keyword', test } : { kind: 'field', field, test }));
    perValue.push(exprs.length === 1 ? exprs[0]! : { kind: 'or', args: exprs });
  }
  const linked: Expr = perValue.length === 1 ? perValue[0]! : { kind: has('all') ? 'and' : 'or', args: perValue };
  return neg ? { kind: 'not', arg: linked } : linked;
}

/** Modifiers that only make sense with one of these types; used by `kahu sigma check` messages. */
export function isKnownModifier(m: string): m is Modifier {
  return MODIFIER_SET.has(m) || TIME_PARTS.has(m) || CMPS.has(m);
}
