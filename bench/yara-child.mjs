// Child of bench/yara.bench.ts: one runScan in a fresh process (so its peak RSS is its own), JSON on stdout.
//   yara: the YARA detector alone (intake, SHA-256, inventory, YARA-X); none: the same scan with no detector
// Plain JavaScript so that it can run the compiled package (dist/) under plain node; with `--import tsx` and
// KAHU_BENCH_LIB=src it runs the TypeScript source instead (see bench/child.ts).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'yara' && mode !== 'none') || !path) {
  process.stderr.write('usage: yara-child.mjs yara|none <path>\n');
  process.exit(2);
}
const lib = join(import.meta.dirname, '..', process.env.KAHU_BENCH_LIB ?? 'dist');
const { runScan } = await import(join(lib, 'case', 'index.js'));
const { IssueCollector } = await import(join(lib, 'core', 'index.js'));
const { builtinYaraDir, compileYaraFiles, findYaraFiles, yaraDetector } = await import(join(lib, 'yara', 'index.js'));

const iss = new IssueCollector();
const detectors = mode === 'yara' ? [yaraDetector(compileYaraFiles(findYaraFiles([builtinYaraDir()], iss), iss))] : [];
const t0 = performance.now();
const c = await runScan({ paths: [path], detectors, steps: [] });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, findings: c.findings.length, files: c.evidence.length, rssMiB: process.resourceUsage().maxRSS / 1024 }));
