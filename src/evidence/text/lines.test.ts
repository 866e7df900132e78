import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(input: Buffer, chunk: number, max?: number) {
  const lines: Array<{ text: string; line: number; offset: number }> = [];
  const over: Array<{ line: number; offset: number; length: number }> = [];
  const s = new LineSplitter((b, a, e, line, offset) => lines.push({ text: b.toString('latin1', a, e), line, offset }), (o) => over.push({ ...o }), max);
  for (let i = 0; i < input.length; i += chunk) s.push(Buffer.from(input.subarray(i, i + chunk)));
  const cut = s.end();
  return { lines, over, cut };
}

describe('LineSplitter', () => {
  const text = Buffer.from('\xef\xbb\xbfab\r\ncd\n\r\nlast', 'latin1');
  it.each([1, 2, 3, 4, 5, 7, 64])('gives the same lines, numbers and byte offsets for chunk size %i', (chunk) => {
    const { lines, cut } = split(text, chunk);
    expect(lines).toEqual([
      { text: 'ab', line: 1, offset: 3 },
      { text: 'cd', line: 2, offset: 7 },
      { text: '', line: 3, offset: 10 },
      { text: 'last', line: 4, offset: 12 },
    ]);
    expect(cut).toBe(true);
  });

  it('says the input was complete when it ends with a line break', () => {
    expect(split(Buffer.from('a\nb\n'), 3).cut).toBe(false);
  });

  it('skips an over-long line once and keeps counting lines after it', () => {
    const input = Buffer.concat([Buffer.from('ok\n'), Buffer.alloc(50, 0), Buffer.from('\nafter\n')]);
    const { lines, over } = split(input, 8, 16);
    expect(over).toEqual([{ line: 2, offset: 3, length: 50 }]);
    expect(lines.map((l) => [l.text, l.line, l.offset])).toEqual([
      ['ok', 1, 0],
      ['after', 3, 54],
    ]);
  });

  it('joins a line spread over many chunks once, with its own offset', () => {
    const long = 'x'.repeat(300_000);
    const { lines, cut } = split(Buffer.from(`a\n${long}\nb`), 1000);
    expect(lines.map((l) => [l.text.length, l.line, l.offset])).toEqual([
      [1, 1, 0],
      [300_000, 2, 2],
      [1, 3, 300_003],
    ]);
    expect(lines[1]!.text).toBe(long);
    expect(cut).toBe(true);
  });
});
