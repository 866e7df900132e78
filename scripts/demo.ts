// `npm run demo`: writes a small synthetic Exchange evidence folder, scans it with Kahu's default
// detectors and built-in rules, and says where the report is. Nothing outside demo-evidence/ and
// demo-case/ (both git-ignored) is written.
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runScan } from '../src/case/index.js';
import { renderSummary } from '../src/report/index.js';
import { generateExchangeEvidence } from '../src/generate/index.js';

const root = join(import.meta.dirname, '..');
const evidence = join(root, 'demo-evidence');
const out = join(root, 'demo-case');

await rm(evidence, { recursive: true, force: true });
await rm(out, { recursive: true, force: true });
// The one place the demo's evidence is made; swap in a richer scenario generator here.
const made = generateExchangeEvidence({ out: evidence, scenario: 'proxylogon', seed: 2021 });
process.stdout.write(
  `Wrote a ProxyLogon (HAFNIUM-like) Exchange server: ${Object.keys(made.files).length} file(s), ${(made.bytes / 1e6).toFixed(1)} MB, to ${relative(process.cwd(), evidence) || '.'}/ (${made.planted.length} planted attack steps)\n\n`,
);

const c = await runScan({ paths: [evidence], out, argv: ['npm', 'run', 'demo'] });
process.stdout.write(renderSummary(c, { outDir: relative(process.cwd(), out) || '.', color: Boolean(process.stdout.isTTY) }));
process.stdout.write(`\nOpen the report: ${join(out, 'report.html')}\n`);
