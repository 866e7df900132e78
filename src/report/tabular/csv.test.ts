import { describe, expect, it } from 'vitest';
import { HOSTILE, makeCase } from '../../../test/case/make-case.js';
import { csvCell, csvRow } from './csv.js';
import { renderTimelineCsv, TIMELINE_COLUMNS } from './timeline-csv.js';

/** A strict RFC 4180 reader, to prove the writer's output parses back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r]/.exec(text.slice(i));
      const end = m ? i + m.index : text.length;
      cell = text.slice(i, end);
      if (cell.includes('"') || cell.includes('\n')) throw new Error(`bare quote or newline in unquoted cell: ${cell}`);
      i = end;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${text[i]} at ${i}`);
  }
  if (row.length) rows.push(row);
  return rows;
}

describe('csvCell', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const s of ['=1+1', '+1', '-1', '@x', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x']) {
      expect(parseCsv(csvRow([s]))[0]?.[0]).toBe(`'${s}`);
    }
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('round-trips every hostile string as one cell, with no cell starting a formula', () => {
    const rows = parseCsv(HOSTILE.map((h) => csvRow([h, 'x'])).join(''));
    expect(rows).toHaveLength(HOSTILE.length);
    rows.forEach((r, i) => {
      const h = HOSTILE[i] ?? '';
      expect(r).toEqual([/^[=+\-@\t\r]/.test(h) ? `'${h}` : h, 'x']);
    });
  });
});

describe('renderTimelineCsv', () => {
  it('writes fixed columns, time-ordered rows with provenance, and no formula cells', () => {
    const c = makeCase(true);
    const rows = parseCsv([...renderTimelineCsv(c)].join(''));
    expect(rows[0]).toEqual([...TIMELINE_COLUMNS]);
    const body = rows.slice(1);
    const findingRows = body.filter((r) => r[1] === 'finding');
    expect(findingRows).toHaveLength(c.findings.length);
    const times = body.map((r) => r[0] ?? '').filter(Boolean);
    expect([...times].sort()).toEqual(times);
    for (const r of body) {
      expect(r).toHaveLength(TIMELINE_COLUMNS.length);
      for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
    }
    const first = findingRows[0] ?? [];
    expect(first[TIMELINE_COLUMNS.indexOf('locator')]).toMatch(/^line \d+$/);
    expect(first[TIMELINE_COLUMNS.indexOf('evidence_path')]).toContain('C:/logs/');
    expect(body.some((r) => r[1] === 'log-first') && body.some((r) => r[1] === 'log-last')).toBe(true);
  });
});
