// `npm run bench -- iis [--size 1GB] [--seed N]`: Kahu's IIS W3C parse throughput on one core next to
// ripgrep counting the same file's data lines, in the same run, on the same (generated, cached) file.
// Kahu runs in a child process so its peak RSS is its own; ripgrep is the "just read the bytes" yardstick.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateIisLog } from '../test/factories/iis.js';
import { best, childMode, ensureBuilt, median, modeLabel, runChild } from './child.js';

interface ChildResult {
  mode: string;
  events: number;
  bytes: number;
  ms: number;
  maxRssKiB: number;
  issues: number;
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad --size ${s} (e.g. 1GB, 200MB)`);
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 'B').toUpperCase()] ?? 1));
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function ensureLog(size: number, seed: number): Promise<{ path: string; records: number; bytes: number }> {
  const dir = join(import.meta.dirname, '..', '.bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `iis-${size}-s${seed}.log`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { records: number; bytes: number };
    if (statSync(path).size === m.bytes) return { path, ...m };
  }
  process.stderr.write(`generating ${(size / 1e6).toFixed(0)} MB IIS log (cached in .bench/)… `);
  const t0 = performance.now();
  const r = await generateIisLog(path, size, seed);
  writeFileSync(meta, JSON.stringify({ records: r.records, bytes: statSync(path).size }));
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { path, records: r.records, bytes: statSync(path).size };
}

function ripgrep(path: string): { count: number; ms: number; version: string } | null {
  const v = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return null;
  // Data lines are the lines not starting with '#': the records an IIS parser must produce.
  const t0 = performance.now();
  const r = spawnSync('rg', ['-c', '--no-mmap', '-j1', '^[^#]', path], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`rg failed: ${r.stderr}`);
  return { count: Number(r.stdout.trim()), ms, version: v.stdout.split('\n')[0] ?? 'rg' };
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

/** Entry point called by bench/run.ts. */
export async function main(args: string[]): Promise<void> {
  const size = parseSize(arg(args, '--size') ?? '1GB');
  const seed = Number(arg(args, '--seed') ?? '1');
  const log = await ensureLog(size, seed);
  // Warm the page cache so neither side pays for the disk.
  spawnSync('cat', [log.path], { stdio: ['ignore', 'ignore', 'ignore'] });

  const mode = childMode(args);
  ensureBuilt(mode);
  // Several runs, alternating Kahu and rg, so that both meet the same moments of a shared machine; each side is
  // reported by its median run (and its best), and the ratio is of the medians.
  const runs = Math.max(1, Number(arg(args, '--runs') ?? '3'));
  const parses: ChildResult[] = [];
  const rgs: Array<NonNullable<ReturnType<typeof ripgrep>>> = [];
  for (let i = 0; i < runs; i++) {
    const r = ripgrep(log.path);
    if (r) rgs.push(r);
    parses.push(await runChild<ChildResult>('iis-child.mjs', ['parse', log.path], mode));
  }
  const parse = median(parses);
  const rg = rgs.length > 0 ? median(rgs) : null;
  const decode = await runChild<ChildResult>('iis-child.mjs', ['decode', log.path], mode);
  const scan = await runChild<ChildResult>('iis-child.mjs', ['scan', log.path], mode);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `IIS W3C parse benchmark — ${new Date().toISOString()}`,
    `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures shrink on a busy machine; the ratio holds better)`,
    `input: ${log.path} (${(log.bytes / 1e6).toFixed(0)} MB, ${log.records.toLocaleString('en-US')} data lines, seed ${seed}); Kahu run as ${modeLabel(mode)}`,
    '',
    `kahu parse (one core): ${parse.events.toLocaleString('en-US')} events (each checked: value count, date and time; values decoded on demand, ADR 0009) in ${(parse.ms / 1000).toFixed(2)} s = ${mbps(parse.bytes, parse.ms).toFixed(0)} MB/s (median of ${runs}; best ${mbps(parse.bytes, best(parses).ms).toFixed(0)} MB/s; all ${parses.map((p) => mbps(p.bytes, p.ms).toFixed(0)).join(', ')}), peak RSS ${(Math.max(...parses.map((p) => p.maxRssKiB)) / 1024).toFixed(0)} MiB`,
    `kahu parse + decode every field of every event: ${(decode.ms / 1000).toFixed(2)} s = ${mbps(decode.bytes, decode.ms).toFixed(0)} MB/s, peak RSS ${(decode.maxRssKiB / 1024).toFixed(0)} MiB`,
    `kahu scan  (parse + SHA-256 + case, no rules): ${scan.events.toLocaleString('en-US')} events in ${(scan.ms / 1000).toFixed(2)} s = ${mbps(scan.bytes, scan.ms).toFixed(0)} MB/s, peak RSS ${(scan.maxRssKiB / 1024).toFixed(0)} MiB`,
  ];
  if (rg) {
    lines.push(
      `rg -c '^[^#]' -j1: ${rg.count.toLocaleString('en-US')} lines in ${(rg.ms / 1000).toFixed(2)} s = ${mbps(log.bytes, rg.ms).toFixed(0)} MB/s (median of ${rgs.length}; best ${mbps(log.bytes, best(rgs).ms).toFixed(0)} MB/s) (${rg.version})`,
      `ratio kahu parse / rg (medians): ${(mbps(parse.bytes, parse.ms) / mbps(log.bytes, rg.ms)).toFixed(2)}`,
    );
    if (rg.count !== parse.events) lines.push(`WARNING: kahu events ${parse.events} != rg data lines ${rg.count}`);
  } else {
    lines.push('rg not found: install ripgrep (apt-get install ripgrep) for the peer figure');
  }
  const goalSpeed = mbps(parse.bytes, parse.ms) >= 400;
  const goalRss = Math.max(...parses.map((p) => p.maxRssKiB)) / 1024 < 200;
  lines.push(`goal (>= 400 MB/s by the median run, RSS < 200 MiB in every run): speed ${goalSpeed ? 'met' : 'NOT met'}, memory ${goalRss ? 'met' : 'NOT met'}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
