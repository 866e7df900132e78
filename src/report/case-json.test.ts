import { describe, expect, it } from 'vitest';
import { makeCase } from '../../test/case/make-case.js';
import { Case } from '../model/index.js';
import { renderCaseJson } from './case-json.js';
import { renderFindingsJsonl } from './tabular/findings-jsonl.js';

describe('renderCaseJson', () => {
  it('streams plain JSON that parses back to the same, schema-valid case, one list element per line', () => {
    const c = makeCase(true);
    const text = [...renderCaseJson(c)].join('');
    expect(Case.parse(JSON.parse(text))).toEqual(c);
    expect(text.split('\n').filter((l) => l.startsWith('    {"id":"f')).length).toBe(c.findings.length);
  });

  it('handles empty lists and absent optional sections', () => {
    const c = makeCase(false);
    delete c.verdicts;
    delete c.attribution;
    const back = JSON.parse([...renderCaseJson(c)].join('')) as Record<string, unknown>;
    expect(back.findings).toEqual([]);
    expect('verdicts' in back).toBe(false);
  });
});

describe('renderFindingsJsonl', () => {
  it('writes one finding per line, with line breaks inside values escaped', () => {
    const c = makeCase(true);
    const lines = [...renderFindingsJsonl(c)];
    expect(lines).toHaveLength(c.findings.length);
    for (const l of lines) expect(l.indexOf('\n')).toBe(l.length - 1);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(c.findings);
  });
});
