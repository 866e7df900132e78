// `npm run bench -- evtx [--dir DIR] [--python-files N] [--big MB]`
// Events/s for Kahu (parse + evtx_dump JSON text, one core, in process; and the worker pool), libevtx's
// `evtxexport -f xml` and python-evtx's `evtx_dump.py` on the same files in the same run, as ratios on both
// wall-clock and CPU time (the machine may be shared; CPU time is the fairer single-core figure), plus Kahu's
// peak RSS. python-evtx is ~100x slower than the others, so it runs on a subset (named in the output).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../src/core/index.js';
import { fileSource, parseEvtxFiles, readEvtx, renderJson, stringifyRecord } from '../src/evidence/evtx/index.js';

const CORPUS = process.env.KAHU_CORPUS ?? join(import.meta.dirname, '..', '..', 'shared', 'data');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.evtx')) out.push(p);
  }
  return out.sort();
}

interface Run {
  records: number;
  wallMs: number;
  cpuMs: number;
}

async function kahuOnce(files: string[]): Promise<Run> {
  let records = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const f of files) {
    for await (const batch of readEvtx(fileSource(f), new IssueCollector())) {
      for (const r of batch) {
        stringifyRecord(renderJson(r.nodes));
        records++;
      }
    }
  }
  const c = process.cpuUsage(c0);
  return { records, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

async function kahuPool(files: string[], workers: number): Promise<Run> {
  let records = 0;
  const t0 = performance.now();
  for await (const r of parseEvtxFiles(files, { workers })) records += r.count;
  return { records, wallMs: performance.now() - t0, cpuMs: Number.NaN };
}

/** Runs a command per file under /usr/bin/time to get the child's CPU time; counts `<Event` in its stdout. */
function peer(files: string[], cmd: (f: string) => string[]): Run {
  let records = 0;
  let cpuMs = 0;
  const t0 = performance.now();
  for (const f of files) {
    const argv = cmd(f);
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { maxBuffer: 1 << 30, encoding: 'latin1' });
    const out = r.stdout ?? '';
    for (let i = out.indexOf('<Event '); i >= 0; i = out.indexOf('<Event ', i + 7)) records++;
    const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
    if (m) cpuMs += (Number(m[1]) + Number(m[2])) * 1000;
  }
  return { records, wallMs: performance.now() - t0, cpuMs };
}

const rate = (r: Run, cpu: boolean): number => r.records / ((cpu ? r.cpuMs : r.wallMs) / 1000);
const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

/** Builds a big synthetic file by repeating the chunks of `src` (for the RSS check), returns its path. */
function bigFile(src: string, mb: number, dir: string): string {
  const buf = readFileSync(src);
  const chunks: Buffer[] = [];
  for (let o = 4096; o + 65536 <= buf.length; o += 65536) if (buf.toString('latin1', o, o + 7) === 'ElfChnk') chunks.push(buf.subarray(o, o + 65536));
  const out = join(dir, 'big.evtx');
  const fd = openSync(out, 'w');
  writeSync(fd, buf.subarray(0, 4096));
  const n = Math.ceil((mb * 1048576) / 65536);
  for (let i = 0; i < n; i++) writeSync(fd, chunks[i % chunks.length]!);
  closeSync(fd);
  return out;
}

/** Entry point. */
export async function main(args: string[]): Promise<void> {
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
  };
  const dir = opt('dir', join(CORPUS, 'evtx'));
  if (!existsSync(dir)) {
    process.stderr.write(`bench evtx: no corpus at ${dir} (set --dir or KAHU_CORPUS)\n`);
    process.exit(2);
  }
  const files = walk(dir);
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.version}`);
  console.log(`input: ${files.length} files, ${(bytes / 1048576).toFixed(1)} MiB under ${dir}`);

  await kahuOnce(files); // warm-up: let the JIT see every code path once
  const runs = [await kahuOnce(files), await kahuOnce(files), await kahuOnce(files)];
  const kahu = runs.reduce((a, b) => (a.cpuMs < b.cpuMs ? a : b));
  const pool = await kahuPool(files, Math.min(2, cpus().length));
  const haveLibevtx = spawnSync('evtxexport', ['-h']).error === undefined;
  const lib = haveLibevtx ? peer(files, (f) => ['evtxexport', '-f', 'xml', f]) : null;

  // python-evtx subset: the first files (sorted) up to ~1,500 records by Kahu's count, skipping any it crashes on.
  const pyFiles: string[] = [];
  const pyMax = Number(opt('python-files', '0')) || Infinity;
  let pyRecords = 0;
  for (const f of files) {
    if (pyFiles.length >= pyMax || pyRecords >= 1500) break;
    let n = 0;
    for await (const b of readEvtx(fileSource(f), new IssueCollector())) n += b.length;
    if (n === 0) continue;
    pyFiles.push(f);
    pyRecords += n;
  }
  const havePy = existsSync('/usr/bin/evtx_dump.py');
  const py = havePy ? peer(pyFiles, (f) => ['/usr/bin/python3', '/usr/bin/evtx_dump.py', f]) : null;
  const kahuPy = havePy ? [await kahuOnce(pyFiles), await kahuOnce(pyFiles), await kahuOnce(pyFiles)].reduce((a, b) => (a.cpuMs < b.cpuMs ? a : b)) : null;

  const line = (name: string, r: Run): string =>
    `${name.padEnd(38)} ${String(r.records).padStart(7)} ev  ${fmt(rate(r, false)).padStart(9)} ev/s wall  ${fmt(rate(r, true)).padStart(9)} ev/s cpu`;
  console.log(line('kahu (1 core, JSON text)', kahu));
  console.log(line(`kahu pool (${Math.min(2, cpus().length)} workers, JSON objects)`, pool));
  if (lib) {
    console.log(line('evtxexport -f xml (libevtx 20181227)', lib));
    console.log(`  ratio kahu/libevtx: ${(rate(kahu, false) / rate(lib, false)).toFixed(1)}x wall, ${(rate(kahu, true) / rate(lib, true)).toFixed(1)}x cpu (goal >= 5x)`);
  } else console.log('evtxexport not installed (apt-get install libevtx-utils)');
  if (py && kahuPy) {
    console.log(`python-evtx subset: ${pyFiles.length} files, ${pyRecords} records (python-evtx is too slow for the whole set)`);
    console.log(line('evtx_dump.py (python3-evtx 0.6.1)', py));
    console.log(line('kahu on the same subset', kahuPy));
    console.log(`  ratio kahu/python-evtx: ${(rate(kahuPy, false) / rate(py, false)).toFixed(0)}x wall, ${(rate(kahuPy, true) / rate(py, true)).toFixed(0)}x cpu (goal >= 200x)`);
  } else console.log('python3-evtx not installed (apt-get install python3-evtx)');

  const bigMb = Number(opt('big', '512'));
  if (bigMb > 0) {
    // RSS on a big file: the real CLI in a child process (`kahu evtx dump big --format jsonl > /dev/null`).
    const tmp = mkdtempSync(join(tmpdir(), 'kahu-evtx-bench-'));
    try {
      const largest = files.reduce((a, b) => (statSync(a).size >= statSync(b).size ? a : b));
      const big = bigFile(largest, bigMb, tmp);
      const kahuBin = join(import.meta.dirname, '..', 'bin', 'kahu.js');
      const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S %e', process.execPath, kahuBin, 'evtx', 'dump', big, '--format', 'jsonl'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const m = /(\d+) ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
      let n = 0;
      for await (const b of readEvtx(fileSource(big), new IssueCollector())) n += b.length;
      if (m) {
        const cpu = Number(m[2]) + Number(m[3]);
        console.log(
          `kahu evtx dump on a ${bigMb} MiB file: ${n} ev, ${fmt(n / Number(m[4]))} ev/s wall, ${fmt(n / cpu)} ev/s cpu, peak RSS ${(Number(m[1]) / 1024).toFixed(0)} MiB (CLI process, jsonl to /dev/null)`,
        );
      } else console.log(`kahu evtx dump on the big file: could not read /usr/bin/time output (${(r.stderr ?? '').slice(-200)})`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  console.log(`bench process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (includes peers' captured output)`);
  writeFileSync(process.env.KAHU_BENCH_OUT ?? '/dev/null', JSON.stringify({ kahu, pool, lib, py, kahuPy }));
}
