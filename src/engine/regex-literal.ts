import type { ValueTest } from '../sigma/index.js';

// Literals a regular expression needs in every match: they let the prefilter skip rules and the regex matcher skip
// RE2 calls. Only ever used to rule a match out, so each must hold in the lower-cased text of every matching value.

/**
 * The index of the `]` that closes the character class opened at `source[i]` (`[`), or the source's length when
 * it is not closed. A `]` first in the class (after an optional `^`) is a member; escapes are skipped; POSIX
 * bracket items (`[:alpha:]`, `[.x.]`, `[=x=]`) are units, so their `]` does not close the class.
 */
function classEnd(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') {
    const c = source[j];
    if (c === '\\') j += 2;
    else if (c === '[' && (source[j + 1] === ':' || source[j + 1] === '.' || source[j + 1] === '=')) {
      const close = source.indexOf(`${source[j + 1]}]`, j + 2);
      j = close < 0 ? source.length : close + 2;
    } else j++;
  }
  return j;
}

/** Splits a regex at its top-level `|` (outside groups and classes); one element when there is none. */
export function regexAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  // A leading inline flag group `(?i)` belongs to every alternative; it holds no literal, so dropping it is safe.
  return out;
}

/**
 * A literal a regular expression needs in every match (lower-cased), or null: the longest run of plain
 * characters at the top level of a pattern without top-level alternation. Quantified characters, groups,
 * classes and escapes other than escaped punctuation end a run. Only used to skip rules, never to match.
 */
export function regexLiteral(source: string, minLength = 3): string | null {
  if (regexAlternatives(source).length > 1) return null;
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    const optional = next === '*' || next === '?' || (next === '{' && /^\{0*(,|\})/.test(source.slice(i + 1)));
    if (c === '\\') {
      const e = source[i + 1];
      i++;
      if (e !== undefined && /[^A-Za-z0-9]/.test(e) && depth === 0) {
        const opt = source[i + 1] === '*' || source[i + 1] === '?' || source[i + 1] === '{';
        if (opt) end();
        else run += e;
        continue;
      }
      end();
      // An escape's payload is not literal text: \xHH, octal \1 to \377, \pL, \cX. \Q...\E quotes syntax
      // characters, which this scanner would misread: no literal then.
      if (e === 'Q') return null;
      if (e === 'x') for (let k = 0; k < 2 && /[0-9A-Fa-f]/.test(source[i + 1] ?? ''); k++) i++;
      else if (e !== undefined && /[0-7]/.test(e)) for (let k = 0; k < 2 && /[0-7]/.test(source[i + 1] ?? ''); k++) i++;
      else if ((e === 'p' || e === 'P' || e === 'c') && source[i + 1] !== '{') i++;
      continue;
    }
    if (c === '[') {
      end();
      i = classEnd(source, i);
      continue;
    }
    if (c === '(') {
      end();
      depth++;
      continue;
    }
    if (c === ')') {
      depth--;
      end();
      continue;
    }
    if (depth > 0) continue;
    if ('.^$*+?{}|'.includes(c)) {
      end();
      if (c === '{') while (i < source.length && source[i] !== '}') i++;
      continue;
    }
    if (optional) {
      end();
      continue;
    }
    run += c;
  }
  end();
  const lit = best.toLowerCase();
  return lit.length >= minLength && lit.length === best.length ? lit : null;
}

/**
 * Per top-level alternative of a regex test, a lower-cased literal that the lower-cased text of every matching
 * value contains; null when some alternative has none. For case-insensitive regexes (flag `i`, or an inline `(?i)`
 * anywhere) only ASCII literals without `s` are used: RE2 folds `s` with U+017F LONG S and non-ASCII letters with
 * others (µ/μ, σ/ς...) that `toLowerCase` keeps apart, so "powerſhell" matches `(?i)powershell` while its
 * lower-cased text does not contain "powershell". Case-sensitive regexes use ASCII literals only: lower-casing
 * non-ASCII text depends on context (a final Σ becomes ς), so a lower-cased value need not contain the lower-cased
 * literal. The longest such piece of the literal is kept (a piece of a required literal is required too).
 */
export function requiredRegexLiterals(test: Extract<ValueTest, { op: 're' }>, minLength = 3): string[] | null {
  const folds = test.flags.i || /\(\?[a-zA-Z-]*i/.test(test.source);
  const out: string[] = [];
  for (const alt of regexAlternatives(test.source)) {
    let lit = regexLiteral(alt, minLength);
    if (lit !== null) lit = longestPiece(lit, folds ? FOLD_UNSAFE : NON_ASCII, minLength);
    if (lit === null) return null;
    out.push(lit);
  }
  return out;
}

/** Characters a case-insensitive RE2 match may fold differently from `toLowerCase`: non-ASCII, and `s`. */
const FOLD_UNSAFE = /[^\x00-\x72\x74-\x7f]/;
/** Non-ASCII characters (their lower case depends on context). */
const NON_ASCII = /[^\x00-\x7f]/;

/** The longest piece of `lit` between characters matching `cut` (`minLength` characters at least), or null. */
export function longestPiece(lit: string, cut: RegExp, minLength: number): string | null {
  let best = '';
  for (const piece of lit.split(cut)) if (piece.length > best.length) best = piece;
  return best.length >= minLength ? best : null;
}

/**
 * A length every match of the regex reaches (UTF-16 code units), from a leading `.{n}`, `.{n,}` or `.{n,m}`
 * (after `^` and inline flag groups) in a regex without top-level alternation; 0 otherwise. SigmaHQ's
 * "unusually long command line" rules are `.{1000,}`: RE2 runs such a counted repetition slowly, while almost every
 * value is shorter and cannot match (each `.` takes at least one code unit).
 */
export function regexMinLength(source: string): number {
  if (regexAlternatives(source).length > 1) return 0;
  const m = /^\^?(?:\(\?[a-zA-Z]+\))*\.\{(\d+)(?:,\d*)?\}/.exec(source);
  return m ? Number(m[1]) : 0;
}
