// Renders a record's BinXML tree as event XML (the form Windows Event Viewer and evtx_dump show):
// attributes and text escaped, empty elements self-closed, two-space indentation, values written as text
// with the same formatting as the JSON renderer (numbers, GUIDs, SIDs, times, hex).
import { N_ELEMENT, N_INSTANCE, N_SUBST, N_TEXT, Fragment, type BxNode, type BxValue, type ElementNode } from './binxml.js';
import { isEmptyValue, valueText } from './values.js';

const XML_ESC = /[&<>"']/g;
const XML_MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 cannot carry even escaped; attacker-controlled strings may contain them.
const XML_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(XML_BAD, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(XML_ESC, (c) => XML_MAP[c]!);
}

type Piece = { el: ElementNode; values: BxValue[] | null } | string;

function expand(nodes: BxNode[], values: BxValue[] | null, out: Piece[]): Piece[] {
  for (const n of nodes) {
    switch (n.t) {
      case N_ELEMENT:
        out.push({ el: n, values });
        break;
      case N_TEXT:
        out.push(n.text);
        break;
      case N_SUBST: {
        if (values === null || n.index >= values.length) break;
        const v = values[n.index];
        if (v instanceof Fragment) expand(v.nodes, null, out);
        else if (!(n.optional && isEmptyValue(v))) out.push(valueText(v));
        break;
      }
      case N_INSTANCE:
        expand(n.template.nodes, n.values, out);
        break;
    }
  }
  return out;
}

function writeElement(el: ElementNode, values: BxValue[] | null, indent: string, out: string[]): void {
  let tag = `${indent}<${el.name}`;
  for (const a of el.attrs) {
    const parts = expand(a.parts, values, []);
    let text = '';
    for (const p of parts) if (typeof p === 'string') text += p;
    if (text === '' && parts.every((p) => typeof p === 'string') && a.parts.some((p) => p.t === N_SUBST)) continue;
    tag += ` ${a.name}="${xmlEscape(text)}"`;
  }
  const content = expand(el.children, values, []);
  const hasElements = content.some((p) => typeof p !== 'string');
  const text = content.filter((p): p is string => typeof p === 'string').join('');
  if (!hasElements) {
    out.push(text === '' ? `${tag}/>` : `${tag}>${xmlEscape(text)}</${el.name}>`);
    return;
  }
  out.push(`${tag}>`);
  if (text !== '') out.push(`${indent}  ${xmlEscape(text)}`);
  for (const p of content) if (typeof p !== 'string') writeElement(p.el, p.values, `${indent}  `, out);
  out.push(`${indent}</${el.name}>`);
}

/** Renders a record's nodes as indented event XML (no XML declaration). */
export function renderXml(nodes: BxNode[]): string {
  const out: string[] = [];
  for (const p of expand(nodes, null, [])) if (typeof p !== 'string') writeElement(p.el, p.values, '', out);
  return out.join('\n');
}
