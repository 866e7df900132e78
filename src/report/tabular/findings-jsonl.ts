import type { Case } from '../../model/index.js';

/** `findings.jsonl`: one finding per line, as in case.json (JSON escapes every control character). */
export function* renderFindingsJsonl(c: Case): Generator<string> {
  for (const f of c.findings) yield `${JSON.stringify(f)}\n`;
}
