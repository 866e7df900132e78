// Child of bench/sigma.bench.ts: one measurement in a fresh process, JSON on stdout.
//   sigma-child.mjs <corpus dir> <events> <rounds>
// Plain JavaScript so that it can run the compiled package (dist/) under plain node; with `--import tsx` and
// KAHU_BENCH_LIB=src it runs the TypeScript source instead (see bench/child.ts).
// Parse = Kahu's JSON events evidence parser, as `kahu scan` reads such a file: bytes in 256 KiB reads → records →
// JSON.parse → layout detection → flattened Windows events. Rules = the compiled, indexed SigmaHQ Windows rules on
// those events (detector.onEvents, findings included). Each file / slice is parsed, then matched, and both are timed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from './windows-events.mjs';

const [corpusDir, eventsArg, roundsArg] = process.argv.slice(2);
if (!corpusDir) {
  process.stderr.write('usage: sigma-child.mjs <corpus dir> <events> <rounds>\n');
  process.exit(2);
}
const total = Number(eventsArg ?? 1_000_000);
const rounds = Number(roundsArg ?? 20);
const lib = join(import.meta.dirname, '..', process.env.KAHU_BENCH_LIB ?? 'dist');
const { IssueCollector } = await import(join(lib, 'core', 'index.js'));
const { createSigmaDetector } = await import(join(lib, 'engine', 'index.js'));
const { parsers, READ_CHUNK } = await import(join(lib, 'evidence', 'index.js'));
const { loadRules } = await import(join(lib, 'sigma', 'index.js'));


const jsonParser = parsers.find((p) => p.format === 'json-events');
if (!jsonParser) throw new Error('no JSON events parser is registered');
const parseIssues = new IssueCollector();

/** Kahu's JSON events parser over bytes held in memory, in reads of the file source's size (READ_CHUNK). */
async function parse(bytes, path) {
  const src = {
    id: 'bench',
    path,
    size: bytes.length,
    async *open() {
      // A file read awaits between chunks; so does this one.
      for (let i = 0; i < bytes.length; i += READ_CHUNK) {
        await Promise.resolve();
        yield bytes.subarray(i, i + READ_CHUNK);
      }
    },
  };
  const out = [];
  for await (const batch of jsonParser.parse(src, parseIssues)) for (const ev of batch) out.push(ev);
  return out;
}

const t0 = performance.now();
const all = await loadRules([join(corpusDir, 'sigma', 'rules'), join(corpusDir, 'sigma', 'rules-emerging-threats'), join(corpusDir, 'sigma', 'rules-threat-hunting')], new IssueCollector());
const windows = { ...all, detections: all.detections.filter((d) => d.logsource.product === 'windows') };
const loadMs = performance.now() - t0;
const t1 = performance.now();
const det = createSigmaDetector(windows);
const compileMs = performance.now() - t1;
const issues = new IssueCollector();

/** Parse, then rules, on one input: [parseMs, rulesMs, events, findings, events]. */
async function measure(bytes) {
  const a = performance.now();
  const evs = await parse(bytes, 'bench.json');
  const b = performance.now();
  const found = det.onEvents(evs, issues).length;
  const c = performance.now();
  return [b - a, c - b, evs.length, found, evs];
}

// (1) Corpus: SigmaHQ regression_data evtx_dump JSON, in memory; per round [parseMs, rulesMs, events].
const regression = join(corpusDir, 'sigma', 'regression_data');
const files = readdirSync(regression, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => join(regression, f));
const texts = files.map((f) => readFileSync(f));
const perRound = [];
let corpusFindings = 0;
for (let i = 0; i < rounds; i++) {
  const acc = [0, 0, 0];
  for (const t of texts) {
    const [pm, rm, ne, nf] = await measure(t);
    acc[0] += pm;
    acc[1] += rm;
    acc[2] += ne;
    corpusFindings += nf;
  }
  perRound.push(acc);
}

// (2) Generated stream, in slices of 50,000 events.
const stream = { parseMs: 0, rulesMs: 0, events: 0, findings: 0, candidates: 0, evaluated: 0, sampled: 0 };
if (total > 0) {
  for (const text of generate(total, 50_000)) {
    const [pm, rm, ne, nf, evs] = await measure(Buffer.from(text, 'utf8'));
    // Outside the timed region: how many variants the index offers, and how many pass the literal prefilter.
    for (const ev of evs.slice(0, 1000)) {
      stream.candidates += det.index.candidates(ev).length;
      stream.evaluated += det.index.match(ev, () => undefined);
      stream.sampled++;
    }
    stream.parseMs += pm;
    stream.rulesMs += rm;
    stream.events += ne;
    stream.findings += nf;
  }
}

process.stdout.write(
  JSON.stringify({
    rules: windows.detections.length,
    variants: det.index.targets.length,
    inactive: det.inactive,
    loadMs,
    compileMs,
    corpus: { files: files.length, bytes: texts.reduce((n, t) => n + t.length, 0), perRound, findingsPerRound: corpusFindings / rounds },
    stream,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
