// Leave-one-report-out evaluation of the attribution model over ATT&CK's own citations (issue 6).
// Usage: npm run eval:attribution [-- --no-write]
// Prints the figures (model vs the IDF-cosine baseline), writes docs/attribution-eval.md and the fitted
// model (fit folds only) to src/attribution/fitted-params.ts.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAttackKb } from '../src/attack/index.js';
import { renderEvalMarkdown, renderFittedParams, runEvaluation } from '../src/attribution/index.js';

const root = resolve(import.meta.dirname, '..');
const kb = loadAttackKb(join(root, 'content'));
const res = runEvaluation(kb);
const md = renderEvalMarkdown(res, kb);
process.stdout.write(md);
if (!process.argv.includes('--no-write')) {
  writeFileSync(join(root, 'docs', 'attribution-eval.md'), md);
  writeFileSync(join(root, 'src', 'attribution', 'fitted-params.ts'), renderFittedParams(res.linear, res.sponsor.model, res.unknownPrior.prior));
  process.stdout.write(`\nwrote docs/attribution-eval.md and src/attribution/fitted-params.ts\n`);
}
