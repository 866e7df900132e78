import type { FieldValue } from '../../model/index.js';

/**
 * Builds flat field objects for records that share a header (CSV logs). V8 keeps an object in its fast,
 * hidden-class representation only when its properties come from a literal (or a few named stores); an
 * object filled by `obj[name] = v` for dozens of names falls into dictionary mode, which costs several
 * times the memory and makes GC dominate a scan (measured: 75-column HttpProxy records). So each header
 * gets one generated object-literal builder. Names come from evidence (attacker-controlled) and enter the
 * generated code only as JSON string literals (`__proto__` as a computed key, so it stays a plain property).
 */

/** Turns a column's text into its value (`v` is the text as read). */
export type ValueConverter = (v: string) => FieldValue;

/** `(values) => fields`: values in header order; missing ones become `''`. */
export type RecordBuilder = (values: readonly string[]) => Record<string, FieldValue>;

/** Quoted property key for generated code. */
export function propertyKey(name: string): string {
  const q = JSON.stringify(name);
  return name === '__proto__' ? `[${q}]` : q;
}

/**
 * Compiles a builder for `names`. `convert(name)` may return a converter for a column (e.g. status codes to
 * numbers). Duplicate names: the last column wins, as with assignment in a loop.
 */
export function compileRecordBuilder(names: readonly string[], convert: (name: string) => ValueConverter | null = () => null): RecordBuilder {
  const converters: Array<ValueConverter | null> = names.map(convert);
  const body: string[] = ['"use strict";'];
  const props: string[] = [];
  names.forEach((n, i) => {
    const raw = `(v.length > ${i} ? v[${i}] : '')`;
    props.push(`${propertyKey(n)}: ${converters[i] ? `c[${i}](${raw})` : raw}`);
  });
  body.push(`return { ${props.join(', ')} };`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('v', 'c', body.join('\n')) as (v: readonly string[], c: Array<ValueConverter | null>) => Record<string, FieldValue>;
  return (values) => make(values, converters);
}
