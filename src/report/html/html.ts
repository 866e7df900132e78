import { escapeHtml } from './escape.js';

/** Markup that is already safe (built by `html` or a constant); everything else gets escaped. */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

function part(v: unknown): string {
  if (v instanceof SafeHtml) return v.html;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === null || v === undefined || v === false) return '';
  if (typeof v === 'string') return escapeHtml(v);
  if (typeof v === 'number' || typeof v === 'boolean') return escapeHtml(String(v));
  return escapeHtml(JSON.stringify(v) ?? '');
}

/**
 * Tagged template for markup: every interpolated value is HTML-escaped unless it is `SafeHtml`
 * (arrays are joined, null/undefined/false render nothing). Escaping is the default, so a
 * forgotten call cannot open a hole. Attribute values must be double-quoted in the template.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted constant markup (never pass evidence-derived text). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
