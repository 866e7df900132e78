// Child of bench/exchange.bench.ts: one full Exchange-pack scan in a fresh process (so peak RSS is its own);
// prints JSON on stdout. The pack = Kahu's Exchange + Windows Sigma rules, its YARA rules, the artifact checks and
// the CVE verdicts, run through runScan exactly as `kahu scan` runs them (no case folder written).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runScan } from '../src/case/index.js';
import { IssueCollector } from '../src/core/index.js';
import { createSigmaDetector, loadRules } from '../src/engine/index.js';
import { artifactDetector, assessExchange } from '../src/verdict/index.js';
import { yaraDetectors } from '../src/yara/index.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: exchange-child.ts <evidence folder>\n');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', 'content', 'rules');
const issues = new IssueCollector();
const t0 = performance.now();
const rules = await loadRules([join(root, 'exchange'), join(root, 'windows')], issues);
const detectors = [createSigmaDetector(rules), ...yaraDetectors({ ruleDirs: [], builtinRules: true }, issues), artifactDetector()];
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
  }),
);
