// Child of bench/exchange.bench.ts: one full Exchange-pack scan in a fresh process (so peak RSS is its own);
// prints JSON on stdout. The pack = Kahu's Exchange + Windows Sigma rules, its YARA rules, the artifact checks and
// the CVE verdicts, run through runScan exactly as `kahu scan` runs them (no case folder written).
// Plain JavaScript so that it can run the compiled package (dist/, what `npm install kahu` ships) under plain
// node; with `--import tsx` and KAHU_BENCH_LIB=src it runs the TypeScript source instead.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: exchange-child.mjs <evidence folder>\n');
  process.exit(2);
}
const lib = join(import.meta.dirname, '..', process.env.KAHU_BENCH_LIB ?? 'dist');
const { runScan } = await import(join(lib, 'case', 'index.js'));
const { IssueCollector } = await import(join(lib, 'core', 'index.js'));
const { createSigmaDetector, loadRules } = await import(join(lib, 'engine', 'index.js'));
const { artifactDetector, assessExchange } = await import(join(lib, 'verdict', 'index.js'));
const { yaraDetectors } = await import(join(lib, 'yara', 'index.js'));

const root = join(import.meta.dirname, '..', 'content', 'rules');
const issues = new IssueCollector();
const t0 = performance.now();
const rules = await loadRules([join(root, 'exchange'), join(root, 'windows')], issues);
const sigma = createSigmaDetector(rules);
const detectors = [sigma, ...yaraDetectors({ ruleDirs: [], builtinRules: true }, issues), artifactDetector()];
const c = await runScan({ paths: [dir], detectors, steps: [] });
const verdicts = assessExchange(c);
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({
    events: c.stats.events,
    bytes: c.stats.bytes,
    files: c.evidence.length,
    ms,
    maxRssKiB: process.resourceUsage().maxRSS,
    findings: c.findings.length,
    highOrCritical: c.findings.filter((f) => f.level === 'high' || f.level === 'critical').length,
    exploited: verdicts.filter((v) => v.status === 'exploited').map((v) => v.cve),
    ruleIssues: issues.all().length,
    rawSkipped: sigma.raw.skipped,
    rawPassed: sigma.raw.passed,
  }),
);
