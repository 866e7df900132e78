import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../model/index.js';
import { FieldsCollector } from './record-builder.js';

/** The object that assigning the pairs in order gives (the reference the builders must equal). */
function assigned(pairs: ReadonlyArray<[string, FieldValue]>): Record<string, FieldValue> {
  const o: Record<string, FieldValue> = {};
  for (const [k, v] of pairs) {
    if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    else o[k] = v;
  }
  return o;
}

function build(c: FieldsCollector, pairs: ReadonlyArray<[string, FieldValue]>): Record<string, FieldValue> {
  c.reset();
  for (const [k, v] of pairs) c.add(k, v);
  return c.build();
}

describe('FieldsCollector', () => {
  const shapes: Array<Array<[string, FieldValue]>> = [
    [['EventID', 1], ['Channel', 'Security'], ['Image', 'C:\\x.exe']],
    [['EventID', 1], ['Channel', 'Security']],
    [['EventID', 1], ['Channel', 'Security'], ['Image', 'C:\\y.exe'], ['CommandLine', 'y -a']],
    [['a', 1], ['b', 2], ['a', 3]],
    [['__proto__', 'polluted'], ['constructor', 'c'], ['"quoted"\n', null], ['list', [1, 'two', null]]],
    [],
  ];

  it('gives the object that assignment in order gives: same keys, order and values (duplicates: last wins)', () => {
    const c = new FieldsCollector();
    for (let round = 0; round < 2; round++) {
      for (const pairs of shapes) {
        const o = build(c, pairs);
        expect(Object.keys(o)).toEqual(Object.keys(assigned(pairs)));
        expect(o).toEqual(assigned(pairs));
      }
    }
  });

  it('keeps names from evidence as plain own properties (__proto__ never reaches the prototype)', () => {
    const o = build(new FieldsCollector(), shapes[4]!);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('past its bounds (shapes, names per record, trie nodes, name length, source size) still gives the same objects', () => {
    const long: Array<[string, FieldValue]> = [['x'.repeat(200), 1], ['b', 2]];
    const all = [...shapes, long];
    for (const c of [new FieldsCollector(1), new FieldsCollector(4096, 2), new FieldsCollector(4096, 256, 3), new FieldsCollector(4096, 256, 65_536, 128), new FieldsCollector(4096, 256, 65_536, 128, 40)]) {
      for (let round = 0; round < 2; round++) {
        for (const pairs of all) expect(build(c, pairs)).toEqual(assigned(pairs));
      }
    }
  });
});
