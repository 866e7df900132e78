import { describe, expect, it } from 'vitest';
import { JsonObjectSplitter } from './json-objects.js';

describe('JsonObjectSplitter', () => {
  const objs = [{ a: 1, s: 'br{ace}s "q" \\' }, { b: { c: [1, { d: '}' }] } }, { e: '' }];
  const text = `${JSON.stringify(objs[0], null, 2)}\n${JSON.stringify(objs[1])}${JSON.stringify(objs[2], null, 4)}\n`;

  it('splits concatenated objects fed in chunks of every size', () => {
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const sp = new JsonObjectSplitter();
      const got: unknown[] = [];
      for (let i = 0; i < text.length; i += size) for (const o of sp.push(text.slice(i, i + size))) got.push(JSON.parse(o.text) as unknown);
      expect(got, `chunk size ${size}`).toEqual(objs);
      expect(sp.pending).toBe(false);
    }
  });

  it('enters a top-level array and reports a truncated tail', () => {
    const sp = new JsonObjectSplitter();
    const out = sp.push('[{"a":1},{"b":2},{"c":');
    expect(out.map((o) => JSON.parse(o.text) as unknown)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(sp.pending).toBe(true);
  });

  it('gives each object its character offset', () => {
    const sp = new JsonObjectSplitter();
    expect(sp.push('  {"a":1}').map((o) => o.offset)).toEqual([2]);
    expect(sp.push(' {"b":2}').map((o) => o.offset)).toEqual([10]);
  });
});
