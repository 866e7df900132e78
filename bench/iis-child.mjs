// Child of bench/iis.bench.ts: runs one measurement in a fresh process and prints JSON on stdout.
//   parse:  intake + Kahu's IIS parser over the file, counting events and reading their times (what a parser costs)
//   decode: the same, and every event's fields built (what a scan costs when something reads every value)
//   scan:  runScan with no detectors (intake, SHA-256, parse, stats, case; no case folder written)
// Plain JavaScript so that it can run the compiled package (dist/) under plain node; with `--import tsx` and
// KAHU_BENCH_LIB=src it runs the TypeScript source instead.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'parse' && mode !== 'decode' && mode !== 'scan') || !path) {
  process.stderr.write('usage: iis-child.mjs parse|decode|scan <file>\n');
  process.exit(2);
}
const lib = join(import.meta.dirname, '..', process.env.KAHU_BENCH_LIB ?? 'dist');
const { runScan } = await import(join(lib, 'case', 'index.js'));
const { IssueCollector } = await import(join(lib, 'core', 'index.js'));
const { collectEvidence } = await import(join(lib, 'evidence', 'index.js'));

const issues = new IssueCollector();
let events = 0;
let bytes = 0;
let timed = 0;
const t0 = performance.now();
let fields = 0;
if (mode === 'parse' || mode === 'decode') {
  for await (const entry of collectEvidence([path], issues)) {
    if (entry.format !== 'iis-w3c' || !entry.parser) throw new Error(`${path} was not recognised as IIS (${entry.format})`);
    bytes += entry.size;
    for await (const batch of entry.parser.parse(entry, issues)) {
      events += batch.length;
      // Every event's time is read (what a timeline needs); field values are decoded on demand (ADR 0009).
      for (const ev of batch) if (ev.time !== null) timed++;
      if (mode === 'decode') for (const ev of batch) for (const k in ev.fields) if (ev.fields[k] !== undefined) fields++;
    }
  }
} else {
  const c = await runScan({ paths: [path], detectors: [], steps: [] });
  events = c.stats.events;
  bytes = c.stats.bytes;
  timed = events;
}
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ mode, events, timed, fields, bytes, ms, maxRssKiB: process.resourceUsage().maxRSS, issues: issues.all().length }),
);
