import type { Case } from '../model/index.js';

const LISTS = new Set(['evidence', 'findings', 'issues']);

/**
 * `case.json` as a stream of text: top-level members on their own lines, the long lists
 * (evidence, findings, issues) one compact element per line, so a large case is never one giant
 * string and stays greppable. The result is plain JSON (`JSON.parse` of the joined text is the case).
 */
export function* renderCaseJson(c: Case): Generator<string> {
  const entries = Object.entries(c).filter(([, v]) => v !== undefined);
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i] as [string, unknown];
    const comma = i < entries.length - 1 ? ',' : '';
    if (LISTS.has(key) && Array.isArray(value)) {
      if (value.length === 0) {
        yield `  ${JSON.stringify(key)}: []${comma}\n`;
        continue;
      }
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < value.length; j++) {
        yield `    ${JSON.stringify(value[j])}${j < value.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
    }
  }
  yield '}\n';
}
