// `npm run bench -- exchange [--size 1GB] [--seed N]`: the full Exchange pack (Sigma rules, YARA, artifact checks,
// verdicts) over a generated ProxyLogon server tree of about --size bytes of Exchange/IIS/event logs, next to
// ripgrep searching the pack's key literals case-insensitively over the same files, in the same run.
// Kahu runs in a child process so its peak RSS is its own. The tree is cached in .bench/.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateExchangeEvidence } from '../src/generate/index.js';
import { best, childMode, ensureBuilt, median, modeLabel, runChild } from './child.js';

interface ChildResult {
  events: number;
  bytes: number;
  files: number;
  ms: number;
  maxRssKiB: number;
  findings: number;
  highOrCritical: number;
  exploited: string[];
  ruleIssues: number;
  rawSkipped: number;
  rawPassed: number;
}

/** The literals an analyst would grep for with this pack (the rules' most selective strings). */
export const KEY_LITERALS = [
  'ServerInfo~',
  'X-BEResource',
  'X-AnonResource-Backend',
  '/ecp/y.js',
  'autodiscover.json',
  'X-Rps-CAT',
  'powershell',
  'Download failed and temporary file',
  'VirtualDirectory',
  'New-MailboxExportRequest',
  'New-ManagementRoleAssignment',
  'Remove-MailboxExportRequest',
  'New-ExchangeCertificate',
  'InvalidCastException',
  'UMWorkerProcess',
  'aspnet_client',
  '/owa/auth/',
  '/ecp/auth/',
  'comsvcs',
  'lsass',
  'procdump',
  '7za',
  'powercat',
  'TCPClient',
  'attrib',
  'echo [S]',
  'antSword',
  'python-requests',
  'ClientInfo',
];

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad --size ${s}`);
  return Math.round(Number(m[1]) * ({ KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? '').toUpperCase()] ?? 1));
}

function ensureTree(size: number, seed: number): { dir: string; bytes: number } {
  // `-evtx`: trees cached before the generator wrote .evtx event logs (JSON lines then) are not reused.
  const dir = join(import.meta.dirname, '..', '.bench', `exchange-${size}-s${seed}-evtx`);
  const meta = `${dir}.json`;
  if (existsSync(meta) && existsSync(dir)) return JSON.parse(readFileSync(meta, 'utf8')) as { dir: string; bytes: number };
  rmSync(dir, { recursive: true, force: true });
  // About 950 bytes of logs per benign request (front-end IIS + HttpProxy + back-end IIS lines), measured.
  const requests = Math.max(1000, Math.round(size / 950));
  const days = Math.max(3, Math.ceil(requests / 40_000));
  process.stderr.write(`generating ~${(size / 1e6).toFixed(0)} MB Exchange tree (${requests} requests over ${days} days, cached in .bench/)… `);
  const t0 = performance.now();
  const g = generateExchangeEvidence({ out: dir, scenario: 'proxylogon', seed, requests, users: 2000, days });
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const r = { dir, bytes: g.bytes };
  writeFileSync(meta, JSON.stringify(r));
  return r;
}

function ripgrep(dir: string): { ms: number; lines: number; version: string } | null {
  const v = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return null;
  const pats = KEY_LITERALS.flatMap((l) => ['-e', l]);
  // -i: case-insensitive like Sigma; -F: literals; -j1: one thread, as Kahu scans on one core; --no-mmap for parity.
  const t0 = performance.now();
  const r = spawnSync('rg', ['-i', '-F', '-c', '-j1', '--no-mmap', '--no-messages', ...pats, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const lines = r.stdout.split('\n').reduce((n, l) => n + (Number(l.slice(l.lastIndexOf(':') + 1)) || 0), 0);
  return { ms, lines, version: v.stdout.split('\n')[0] ?? 'rg' };
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

/** Entry point called by bench/run.ts. */
export async function main(args: string[]): Promise<void> {
  const size = parseSize(arg(args, '--size') ?? '1GB');
  const seed = Number(arg(args, '--seed') ?? '1');
  const tree = ensureTree(size, seed);
  spawnSync('sh', ['-c', `find "${tree.dir}" -type f -exec cat {} + > /dev/null`]);
  const mode = childMode(args);
  ensureBuilt(mode);
  // Several runs, alternating rg and Kahu so that both meet the same moments of a shared machine; each side is
  // reported by its median run (and its best), and the ratio is of the medians.
  const runs = Math.max(1, Number(arg(args, '--runs') ?? '3'));
  const ks: ChildResult[] = [];
  const rgs: Array<NonNullable<ReturnType<typeof ripgrep>>> = [];
  for (let i = 0; i < runs; i++) {
    const r = ripgrep(tree.dir);
    if (r) rgs.push(r);
    ks.push(await runChild<ChildResult>('exchange-child.mjs', [tree.dir], mode));
  }
  const k = median(ks);
  const rg = rgs.length > 0 ? median(rgs) : null;
  const maxRss = Math.max(...ks.map((x) => x.maxRssKiB));
  // Same scan with a small V8 young generation: peak RSS is mostly GC headroom, not data (see docs/exchange.md).
  const kSmall = await runChild<ChildResult>('exchange-child.mjs', [tree.dir], { ...mode, nodeFlags: ['--max-semi-space-size=2'] });
  const lines = [
    `Exchange pack benchmark — ${new Date().toISOString()}`,
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`,
    `input: ${tree.dir} (${(k.bytes / 1e6).toFixed(0)} MB in ${k.files} files, ProxyLogon scenario, seed ${seed}); Kahu run as ${modeLabel(mode)}`,
    '',
    `kahu scan, full Exchange pack (one core): ${k.events.toLocaleString('en-US')} events, ${k.findings} findings (${k.highOrCritical} high/critical; exploited: ${k.exploited.join(', ') || 'none'}) in ${(k.ms / 1000).toFixed(1)} s = ${mbps(k.bytes, k.ms).toFixed(1)} MB/s (median of ${runs}; best ${mbps(k.bytes, best(ks).ms).toFixed(1)}; all ${ks.map((x) => mbps(x.bytes, x.ms).toFixed(1)).join(', ')}), peak RSS ${(maxRss / 1024).toFixed(0)} MiB (highest of the runs)`,
    `  text-log records ruled out from their bytes by the prefilter: ${k.rawSkipped.toLocaleString('en-US')}; passed to the rule index: ${k.rawPassed.toLocaleString('en-US')}`,
  ];
  lines.push(
    `kahu scan, same, node --max-semi-space-size=2: ${(kSmall.ms / 1000).toFixed(1)} s = ${mbps(kSmall.bytes, kSmall.ms).toFixed(1)} MB/s, peak RSS ${(kSmall.maxRssKiB / 1024).toFixed(0)} MiB`,
  );
  if (rg) {
    lines.push(
      `rg -i -F -j1 with ${KEY_LITERALS.length} key literals: ${rg.lines.toLocaleString('en-US')} matching lines in ${(rg.ms / 1000).toFixed(1)} s = ${mbps(k.bytes, rg.ms).toFixed(0)} MB/s (median of ${rgs.length}; best ${mbps(k.bytes, best(rgs).ms).toFixed(0)}) (${rg.version})`,
      `ratio kahu / rg (medians): ${(mbps(k.bytes, k.ms) / mbps(k.bytes, rg.ms)).toFixed(3)}`,
    );
    const speed = mbps(k.bytes, k.ms) >= 0.2 * mbps(k.bytes, rg.ms);
    lines.push(`goal (>= 20% of rg, RSS < 200 MiB): speed ${speed ? 'met' : 'NOT met'}, memory ${maxRss / 1024 < 200 ? 'met' : 'NOT met'}`);
  } else {
    lines.push('rg not found: apt-get install ripgrep for the peer figure');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
