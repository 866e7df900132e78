// Child of bench/yara.bench.ts: one runScan in a fresh process (so its peak RSS is its own), JSON on stdout.
//   yara: the YARA detector alone (intake, SHA-256, inventory, YARA-X); none: the same scan with no detector
import { performance } from 'node:perf_hooks';
import { runScan } from '../src/case/index.js';
import { IssueCollector } from '../src/core/index.js';
import { builtinYaraDir, compileYaraFiles, findYaraFiles, yaraDetector } from '../src/yara/index.js';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'yara' && mode !== 'none') || !path) {
  process.stderr.write('usage: yara-child.ts yara|none <path>\n');
  process.exit(2);
}
const iss = new IssueCollector();
const detectors = mode === 'yara' ? [yaraDetector(compileYaraFiles(findYaraFiles([builtinYaraDir()], iss), iss))] : [];
const t0 = performance.now();
const c = await runScan({ paths: [path], detectors, steps: [] });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, findings: c.findings.length, files: c.evidence.length, rssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
