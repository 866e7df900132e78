// Child of bench/iis.bench.ts: runs one measurement in a fresh process and prints JSON on stdout.
//   parse: intake + Kahu's IIS parser over the file, counting events (what a parser costs)
//   scan:  runScan with no detectors (intake, SHA-256, parse, stats, case; no case folder written)
import { performance } from 'node:perf_hooks';
import { runScan } from '../src/case/index.js';
import { IssueCollector } from '../src/core/index.js';
import { collectEvidence } from '../src/evidence/index.js';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'parse' && mode !== 'scan') || !path) {
  process.stderr.write('usage: iis-child.ts parse|scan <file>\n');
  process.exit(2);
}

const issues = new IssueCollector();
let events = 0;
let bytes = 0;
const t0 = performance.now();
if (mode === 'parse') {
  for await (const entry of collectEvidence([path], issues)) {
    if (entry.format !== 'iis-w3c' || !entry.parser) throw new Error(`${path} was not recognised as IIS (${entry.format})`);
    bytes += entry.size;
    for await (const batch of entry.parser.parse(entry, issues)) events += batch.length;
  }
} else {
  const c = await runScan({ paths: [path], detectors: [], steps: [] });
  events = c.stats.events;
  bytes = c.stats.bytes;
}
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ mode, events, bytes, ms, maxRssKiB: process.resourceUsage().maxRSS, issues: issues.all().length }),
);
