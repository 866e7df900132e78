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

/** Sets a field whose name comes from evidence: `__proto__` becomes an own property, never the prototype. */
export function put(fields: Record<string, FieldValue>, name: string, value: FieldValue): void {
  if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

/** `(values) => fields` for one sequence of field names (values in that order). */
export type FieldsBuilder = (values: readonly FieldValue[]) => Record<string, FieldValue>;

/** Compiles an object-literal builder for `names` (duplicates: the last value wins, as with assignment). */
export function compileFieldsBuilder(names: readonly string[]): FieldsBuilder {
  const props = names.map((n, i) => `${propertyKey(n)}: v[${i}]`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('v', `"use strict";\nreturn { ${props.join(', ')} };`) as FieldsBuilder;
}

/** A node of the shape trie: the builder of the names on the path to it, and its children by the next name. */
interface ShapeNode {
  next: Map<string, ShapeNode>;
  make: FieldsBuilder | null;
}

/**
 * Field objects for records whose field names vary from record to record but repeat (Windows events: one set of
 * names per provider and event id). Names and values are collected in order; `build` finds the generated
 * object-literal builder of that name sequence by walking a trie keyed by the names (names parsed from JSON are
 * interned strings, so each step is a cheap lookup) and makes the object with it, so it keeps V8's fast layout
 * (see the top of this file). Name sequences come from evidence: past `maxShapes` builders, or for records with
 * more than `maxNames` fields or a name longer than `maxNameLength`, or once the builders' source text reaches
 * `maxSourceChars` (each builder keeps its names in its source: shapes that share a long prefix would otherwise hold
 * it again and again), objects are made by assignment instead (dictionary mode, still correct).
 */
export class FieldsCollector {
  private readonly root: ShapeNode = { next: new Map(), make: null };
  private shapes = 0;
  private nodes = 1;
  private sourceChars = 0;
  readonly names: string[] = [];
  readonly values: FieldValue[] = [];

  constructor(
    private readonly maxShapes = 4096,
    private readonly maxNames = 256,
    private readonly maxNodes = 65_536,
    private readonly maxNameLength = 128,
    private readonly maxSourceChars = 8 * 1024 * 1024,
  ) {}

  /** Starts a record. */
  reset(): void {
    this.names.length = 0;
    this.values.length = 0;
  }

  /** Adds a field (a later field of the same name replaces the value). */
  add(name: string, value: FieldValue): void {
    this.names.push(name);
    this.values.push(value);
  }

  /** The fields object of the record collected since `reset`. */
  build(): Record<string, FieldValue> {
    const names = this.names;
    if (names.length <= this.maxNames) {
      let node = this.root;
      let i = 0;
      for (; i < names.length; i++) {
        const child = node.next.get(names[i]!);
        if (child === undefined) break;
        node = child;
      }
      if (i === names.length && node.make !== null) return node.make(this.values);
      let chars = 0;
      let short = true;
      for (const n of names) {
        chars += n.length + 8;
        if (n.length > this.maxNameLength) short = false;
      }
      if (short && this.shapes < this.maxShapes && this.nodes + names.length - i <= this.maxNodes && this.sourceChars + chars <= this.maxSourceChars) {
        this.nodes += names.length - i;
        this.sourceChars += chars;
        for (; i < names.length; i++) {
          const child: ShapeNode = { next: new Map(), make: null };
          node.next.set(names[i]!, child);
          node = child;
        }
        node.make = compileFieldsBuilder(names);
        this.shapes++;
        return node.make(this.values);
      }
    }
    const fields: Record<string, FieldValue> = {};
    for (let i = 0; i < names.length; i++) put(fields, names[i]!, this.values[i]!);
    return fields;
  }
}
