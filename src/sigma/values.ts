import type { PatternPart } from './ir.js';

/**
 * Sigma string values: wildcards `*` and `?`, and the backslash escapes of the rules specification
 * ("Escape Character"): `\*`, `\?` and `\\` are escapes; a backslash before any other character is itself.
 */

/** Parses a Sigma string into pattern parts (adjacent literals merged). */
export function parseSigmaString(s: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') parts.push({ t: 'lit', v: lit });
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*') {
      flush();
      // `**` is one `*`: both match any run.
      if (parts.at(-1)?.t !== 'any') parts.push({ t: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ t: 'one' });
    } else {
      lit += c;
    }
  }
  flush();
  return parts;
}

/** Appends parts, merging adjacent literals and collapsing `**`. */
export function normaliseParts(parts: readonly PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (p.t === 'lit') {
      if (p.v === '') continue;
      if (last?.t === 'lit') out[out.length - 1] = { t: 'lit', v: last.v + p.v };
      else out.push(p);
    } else if (p.t === 'any') {
      if (last?.t !== 'any') out.push(p);
    } else {
      out.push(p);
    }
  }
  return out;
}

/** True when the parts hold no wildcard. */
export function isPlain(parts: readonly PatternPart[]): boolean {
  return parts.every((p) => p.t === 'lit');
}

/** The literal text of plain parts. */
export function plainText(parts: readonly PatternPart[]): string {
  return parts.map((p) => (p.t === 'lit' ? p.v : '')).join('');
}

/** Renders parts back to Sigma string syntax (escaping literal `*`, `?` and `\` before them). */
export function renderParts(parts: readonly PatternPart[]): string {
  return parts
    .map((p) => (p.t === 'any' ? '*' : p.t === 'one' ? '?' : p.v.replace(/\\(?=[*?\\]|$)|[*?]/g, (m) => `\\${m}`)))
    .join('');
}
