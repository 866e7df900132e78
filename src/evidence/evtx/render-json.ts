// Renders a record's BinXML tree as the JSON object that evtx_dump (the Rust evtx crate, `-o json|jsonl`)
// writes: the layout of SigmaHQ's regression_data `.json` files. Rules (facts observed in evtx_dump's output
// and in the regression files):
// - an element with no children, no non-empty text and no non-empty attribute is `null`;
// - an element with only text is its value: a JSON number/boolean when the content is exactly one integer or
//   boolean value, else a string (all values' text concatenated);
// - otherwise an object: `#attributes` (non-empty attributes only, integers typed), `#text` (non-empty text),
//   then the child elements; a repeated child name gets `_1`, `_2`, ... suffixes in document order;
// - directly under `EventData`/`UserData`: when any `<Data>` has a non-empty `Name`, each named `<Data>`
//   becomes `"Name": value` (empty `<Data>` is `""`, unnamed ones are dropped); otherwise all `<Data>`
//   values go to `"Data": {"#text": value | [values]}`;
// - text content has its trailing whitespace removed (evtx_dump does; e.g. Sysmon CommandLine "cmd.exe ");
// - optional substitutions that are null or empty vanish; nested BinXML values are expanded in place.
import { N_ELEMENT, N_INSTANCE, N_SUBST, N_TEXT, Fragment, type BxNode, type BxValue, type ElementNode } from './binxml.js';
import { isEmptyValue, valueText } from './values.js';

type Obj = Record<string, unknown>;

/** One resolved content item of an element: a child element with its values, or a text/value. */
type Item = { el: ElementNode; values: BxValue[] | null; v?: undefined } | { el: null; values: null; v: unknown; lit: boolean };

/** Flattens template instances, substitutions and nested fragments into the element's content items. */
function expand(nodes: BxNode[], values: BxValue[] | null, out: Item[]): Item[] {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    switch (n.t) {
      case N_ELEMENT:
        out.push({ el: n, values });
        break;
      case N_TEXT:
        out.push({ el: null, values: null, v: n.text, lit: true });
        break;
      case N_SUBST: {
        if (values === null || n.index >= values.length) break;
        const v = values[n.index];
        if (v instanceof Fragment) expand(v.nodes, null, out);
        else if (!(n.optional && isEmptyValue(v))) out.push({ el: null, values: null, v, lit: false });
        break;
      }
      case N_INSTANCE:
        expand(n.template.nodes, n.values, out);
        break;
    }
  }
  return out;
}

/** A value evtx_dump writes as a JSON number or boolean (integers and booleans only). */
function isTyped(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean' || typeof v === 'bigint';
}

function hasText(items: Item[]): boolean {
  for (const it of items) if (it.el === null && !isEmptyValue(it.v)) return true;
  return false;
}

function hasElement(items: Item[]): boolean {
  for (const it of items) if (it.el !== null) return true;
  return false;
}

function textOf(items: Item[]): string {
  let s = '';
  for (const it of items) if (it.el === null) s += valueText(it.v);
  return s;
}

/** Content rendered as one value: typed if it is exactly one integer/boolean value node, else text. */
function contentValue(items: Item[]): unknown {
  if (items.length === 1) {
    const it = items[0]!;
    if (it.el === null && !it.lit && isTyped(it.v)) return it.v;
  }
  return textOf(items).trimEnd();
}

/** `#text` of an element that also has attributes or children: typed if it is the single non-empty value. */
function mixedTextValue(items: Item[]): unknown {
  let single: unknown;
  let n = 0;
  let ok = true;
  for (const it of items) {
    if (it.el !== null) continue;
    if (it.lit) {
      if (it.v !== '') ok = false;
      continue;
    }
    if (isEmptyValue(it.v)) continue;
    n++;
    single = it.v;
  }
  if (ok && n === 1 && isTyped(single)) return single;
  return textOf(items).trimEnd();
}

function attrItems(parts: BxNode[], values: BxValue[] | null): Item[] {
  return expand(parts, values, []);
}

function setKey(obj: Obj, key: string, value: unknown): void {
  // Element and Data names are attacker-controlled; `__proto__` must stay a plain key.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function isContainer(name: string): boolean {
  return name === 'EventData' || name === 'UserData';
}

const SLOW = Symbol('slow');
const EMPTY = Symbol('empty');

/**
 * Fast path for the common shapes (an element whose only content is one substitution or one literal):
 * the same result as the general path without building item lists. SLOW when the shape is anything else.
 */
function single(children: BxNode[], values: BxValue[] | null, empty: unknown): unknown {
  if (children.length !== 1) return children.length === 0 ? empty : SLOW;
  const n = children[0]!;
  if (n.t === N_TEXT) return n.text === '' ? empty : n.text.trimEnd();
  if (n.t !== N_SUBST) return SLOW;
  if (values === null || n.index >= values.length) return empty;
  const v = values[n.index];
  if (v instanceof Fragment) return SLOW;
  if (isEmptyValue(v)) return empty;
  if (isTyped(v)) return v;
  return (typeof v === 'string' ? v : valueText(v)).trimEnd();
}

/** Text of an attribute value made of one literal (the usual `Name="..."`), else null (use the general path). */
function literalAttr(parts: BxNode[]): string | null {
  if (parts.length === 1) {
    const p = parts[0]!;
    if (p.t === N_TEXT) return p.text;
  }
  return null;
}

function elementValue(el: ElementNode, values: BxValue[] | null): unknown {
  if (el.attrs.length === 0) {
    const v = single(el.children, values, null);
    if (v !== SLOW) return v;
  }
  const items = expand(el.children, values, []);
  const text = hasText(items);
  const child = hasElement(items);
  let attrText = false;
  for (const a of el.attrs) {
    const v = single(a.parts, values, EMPTY);
    if (v === EMPTY) continue;
    if (v !== SLOW || hasText(attrItems(a.parts, values))) {
      attrText = true;
      break;
    }
  }
  if (!child && !text && !attrText) return null;
  if (!child && !attrText) return contentValue(items);
  return body(el, values, items, isContainer(el.name));
}

/** The text of a `<Data>` element's Name attribute; null when it has none or it is empty. */
function dataName(el: ElementNode, values: BxValue[] | null): string | null {
  for (const a of el.attrs) {
    if (a.name !== 'Name') continue;
    const lit = literalAttr(a.parts);
    if (lit !== null) return lit === '' ? null : lit;
    const items = attrItems(a.parts, values);
    return hasText(items) ? textOf(items) : null;
  }
  return null;
}

function dataValue(el: ElementNode, values: BxValue[] | null): unknown {
  const fast = single(el.children, values, '');
  if (fast !== SLOW) return fast;
  const items = expand(el.children, values, []);
  const child = hasElement(items);
  if (!child && !hasText(items)) return '';
  if (child) return body(el, values, items, false);
  return contentValue(items);
}

function body(el: ElementNode, values: BxValue[] | null, items: Item[], container: boolean): Obj {
  const obj: Obj = {};
  let attrs: Obj | null = null;
  for (const a of el.attrs) {
    let v = single(a.parts, values, EMPTY);
    if (v === EMPTY) continue;
    if (v === SLOW) {
      const ai = attrItems(a.parts, values);
      if (!hasText(ai)) continue;
      v = contentValue(ai);
    }
    attrs ??= {};
    setKey(attrs, a.name, v);
  }
  if (attrs !== null) obj['#attributes'] = attrs;
  if (hasText(items)) obj['#text'] = mixedTextValue(items);

  let flatten = false;
  let positional = 0;
  if (container) {
    for (const it of items) {
      if (it.el === null || it.el.name !== 'Data') continue;
      positional++;
      if (!flatten && dataName(it.el, it.values) !== null) flatten = true;
    }
  }
  let positionalDone = false;
  let counts: Map<string, number> | null = null;
  for (const it of items) {
    const c = it.el;
    if (c === null) continue;
    if (container && c.name === 'Data') {
      if (flatten) {
        const nm = dataName(c, it.values);
        if (nm === null) continue;
        setKey(obj, nm, dataValue(c, it.values));
      } else if (!positionalDone) {
        positionalDone = true;
        let v: unknown;
        if (positional === 1) v = dataValue(c, it.values);
        else {
          const list: unknown[] = [];
          for (const d of items) if (d.el !== null && d.el.name === 'Data') list.push(dataValue(d.el, d.values));
          v = list;
        }
        obj.Data = { '#text': v };
      }
      continue;
    }
    counts ??= new Map();
    const seen = counts.get(c.name) ?? 0;
    counts.set(c.name, seen + 1);
    const key = seen === 0 ? c.name : `${c.name}_${seen}`;
    setKey(obj, key, c.attrs.length === 0 && c.children.length === 0 ? null : elementValueWith(c, it.values));
  }
  return obj;
}

function elementValueWith(el: ElementNode, values: BxValue[] | null): unknown {
  return elementValue(el, values);
}

/** Renders a record's nodes (usually one template instance) as the evtx_dump JSON object `{ Event: {...} }`. */
export function renderJson(nodes: BxNode[]): Obj {
  const items = expand(nodes, null, []);
  for (const it of items) {
    if (it.el !== null) {
      const out: Obj = {};
      setKey(out, it.el.name, elementValue(it.el, it.values));
      return out;
    }
  }
  return {};
}

const BIG_MARK = '\u0000bigint:';
const BIG_RE = /"\\u0000bigint:(-?\d+)"/g;

function bigReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${BIG_MARK}${v.toString()}` : v;
}

/**
 * JSON text of a rendered record. 64-bit integers beyond 2^53 are kept as bigint in the object and are
 * written as exact JSON numbers here (as evtx_dump writes u64/i64).
 */
export function stringifyRecord(obj: unknown, indent?: number): string {
  try {
    return JSON.stringify(obj, null, indent);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(obj, bigReplacer, indent).replace(BIG_RE, '$1');
  }
}
