import { KahuError } from '../core/index.js';
import type { Expr } from './ir.js';

/**
 * The detection condition language (sigma-rules-specification.md, "Condition"): `and`, `or`, `not`,
 * parentheses, `1 of <pattern>`, `all of <pattern>`, `them`. Precedence, least binding first:
 * or, and, not, `x of`, parentheses. `N of` with another number is read as "at least N".
 */

type Tok =
  | { t: 'and' | 'or' | 'not' | '(' | ')' | 'of' | 'them'; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'all'; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s+|\(|\)|\||[^\s()|]+/g;
  for (const m of src.matchAll(re)) {
    const w = m[0];
    const pos = m.index;
    if (/^\s+$/.test(w)) continue;
    if (w === '|') {
      throw new KahuError('rule-unsupported', `condition uses a Sigma 1 aggregation ('| ...' at column ${pos + 1}); use a correlation rule`);
    }
    const lw = w.toLowerCase();
    if (w === '(' || w === ')') out.push({ t: w, pos });
    else if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of' || lw === 'them') out.push({ t: lw, pos });
    else if (lw === 'all') out.push({ t: 'all', pos });
    else if (/^\d+$/.test(w)) out.push({ t: 'num', v: Number(w), pos });
    else if (/^[A-Za-z0-9_.*-]+$/.test(w)) out.push({ t: 'id', v: w, pos });
    else throw new KahuError('rule-invalid', `condition: unexpected '${w}' at column ${pos + 1}`);
  }
  return out;
}

function globToRegExp(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/**
 * Parses a condition against the search identifiers of a rule and returns the IR, with each identifier
 * replaced by its expression. Unknown identifiers and patterns matching nothing are errors.
 */
export function parseCondition(src: string, idents: ReadonlyMap<string, Expr>): Expr {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const fail = (msg: string): never => {
    const tok = toks[i];
    throw new KahuError('rule-invalid', `condition '${src}': ${msg}${tok ? ` at column ${tok.pos + 1}` : ' at end'}`);
  };

  const parseOr = (): Expr => {
    const args = [parseAnd()];
    while (peek()?.t === 'or') {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  };
  const parseAnd = (): Expr => {
    const args = [parseNot()];
    while (peek()?.t === 'and') {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  };
  const parseNot = (): Expr => {
    if (peek()?.t === 'not') {
      i++;
      return { kind: 'not', arg: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): Expr => {
    const tok = peek();
    if (!tok) return fail('expression expected');
    if (tok.t === '(') {
      i++;
      const e = parseOr();
      if (peek()?.t !== ')') fail("')' expected");
      i++;
      return e;
    }
    if (tok.t === 'num' || tok.t === 'all') {
      i++;
      if (peek()?.t !== 'of') fail("'of' expected");
      i++;
      const target = peek();
      let names: string[];
      if (target?.t === 'them') {
        names = [...idents.keys()].filter((n) => !n.startsWith('_'));
      } else if (target?.t === 'id') {
        const re = globToRegExp(target.v);
        names = [...idents.keys()].filter((n) => re.test(n));
        if (names.length === 0) fail(`'${target.v}' matches no search identifier`);
      } else {
        return fail("search identifier pattern or 'them' expected");
      }
      i++;
      const exprs = names.map((n) => idents.get(n)!);
      if (exprs.length === 0) return { kind: 'const', value: tok.t === 'all' };
      if (tok.t === 'all') return exprs.length === 1 ? exprs[0]! : { kind: 'and', args: exprs };
      const n = tok.v;
      if (n < 1) fail("'0 of' is not a condition");
      if (n === 1) return exprs.length === 1 ? exprs[0]! : { kind: 'or', args: exprs };
      return atLeast(n, exprs);
    }
    if (tok.t === 'id') {
      i++;
      const e = idents.get(tok.v);
      if (!e) {
        if (tok.v.includes('*')) fail(`'${tok.v}' is a pattern; write '1 of ${tok.v}' or 'all of ${tok.v}'`);
        fail(`unknown search identifier '${tok.v}'`);
      }
      return e!;
    }
    return fail(`unexpected '${tok.t}'`);
  };

  const e = parseOr();
  if (i < toks.length) fail('unexpected token');
  return e;
}

/** "At least n of exprs" as and/or (only for small lists; larger ones are refused). */
function atLeast(n: number, exprs: Expr[]): Expr {
  if (n > exprs.length) return { kind: 'const', value: false };
  if (exprs.length > 12) throw new KahuError('rule-unsupported', `'${n} of' over ${exprs.length} identifiers is too large`);
  const combos: Expr[] = [];
  const pick = (start: number, chosen: Expr[]): void => {
    if (chosen.length === n) {
      combos.push({ kind: 'and', args: [...chosen] });
      return;
    }
    for (let k = start; k < exprs.length; k++) pick(k + 1, [...chosen, exprs[k]!]);
  };
  pick(0, []);
  return { kind: 'or', args: combos };
}
