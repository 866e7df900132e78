import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HOSTILE, makeCase } from '../../../test/case/make-case.js';
import { escapeHtml } from './escape.js';
import { html } from './html.js';
import { renderHtml } from './render.js';

const ATTRS = new Set(['class', 'id', 'href', 'data-v', 'data-level', 'data-sort', 'data-for', 'title', 'type', 'placeholder', 'aria-label', 'value', 'min', 'max', 'lang', 'charset', 'http-equiv', 'content', 'name']);

/** Every tag in the page outside the trusted <style>/<script> bodies, checked against a strict grammar. */
function tags(page: string): { name: string; attrs: [string, string | undefined][] }[] {
  const body = page.replace(/<style>[^]*?<\/style>/, '<style></style>').replace(/<script>[^]*?<\/script>/, '<script></script>');
  const out: { name: string; attrs: [string, string | undefined][] }[] = [];
  for (let i = body.indexOf('<'); i >= 0; i = body.indexOf('<', i + 1)) {
    const m = /^<(?:!doctype html|\/([a-z][a-z0-9]*)|([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"<]*")?)*)\s*)>/.exec(body.slice(i, i + 4000));
    if (!m) throw new Error(`stray or malformed tag at ${i}: ${body.slice(i, i + 80)}`);
    if (m[2]) {
      const attrs = [...(m[3] ?? '').matchAll(/\s+([a-z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1] ?? '', a[2]] as [string, string | undefined]);
      out.push({ name: m[2], attrs });
    }
  }
  return out;
}

describe('renderHtml with hostile evidence', () => {
  const page = renderHtml(makeCase(true));

  it('keeps the markup structure: only known attributes, no event handlers, local links only', () => {
    const all = tags(page);
    expect(all.length).toBeGreaterThan(100);
    for (const t of all) {
      for (const [name, value] of t.attrs) {
        expect(ATTRS.has(name), `attribute ${name} on <${t.name}>`).toBe(true);
        if (name === 'href') expect(value?.startsWith('#')).toBe(true);
      }
    }
    expect(all.filter((t) => t.name === 'script')).toHaveLength(1);
    expect(all.filter((t) => t.name === 'style')).toHaveLength(1);
    expect(all.some((t) => ['img', 'svg', 'iframe', 'textarea', 'object', 'embed', 'link', 'base'].includes(t.name))).toBe(false);
  });

  it('shows every payload as text, escaped, and never raw', () => {
    for (const h of HOSTILE) {
      if (/[<>"'&]/.test(h)) expect(page.includes(h), h).toBe(false);
    }
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('&lt;/textarea&gt;&lt;/style&gt;&lt;/script&gt;');
  });

  it('makes bidi overrides, zero-width and control characters visible', () => {
    for (const ch of ['\u202e', '\u200b', '\ufeff', '\u001b', '\u009b', '\u2028']) expect(page.includes(ch), `U+${ch.codePointAt(0)?.toString(16)}`).toBe(false);
    expect(page).toContain('invoice\\u202egpj.exe');
  });

  it('pins its only script and style by hash in a CSP that loads nothing from the network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([^]*?)<\/script>/.exec(page)?.[1] ?? '';
    const style = /<style>([^]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(page).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('renders every section of a full case', () => {
    for (const id of ['summary', 'verdicts', 'findings', 'attack', 'attribution', 'timeline', 'evidence', 'issues']) {
      expect(page).toContain(`<section id="${id}">`);
    }
  });

  it('says plainly when no detector ran', () => {
    const c = makeCase(false);
    c.detectors = [];
    expect(renderHtml(c)).toContain('No detectors ran');
  });
});

describe('html template', () => {
  it('escapes interpolations by default, in text and in attributes', () => {
    const v = `"'<&>`;
    expect(html`<a title="${v}">${v}</a>`.html).toBe('<a title="&quot;&#39;&lt;&amp;&gt;">&quot;&#39;&lt;&amp;&gt;</a>');
    expect(html`${[v, html`<b>${v}</b>`]}`.html).toBe('&quot;&#39;&lt;&amp;&gt;<b>&quot;&#39;&lt;&amp;&gt;</b>');
    expect(html`${null}${undefined}${false}${0}`.html).toBe('0');
    expect(escapeHtml('a\u0000b')).toBe('a\\u0000b');
  });
});
