// `npm run bench -- yara [--files N] [--kib K]`
// YARA over a triage collection, zipped and extracted: Kahu's scan (intake + hash + YARA-X, no Sigma) reading the
// zip in place and reading the same tree from disk, beside the `yara` CLI (libyara 4) on the extracted tree, which
// cannot read zips at all. Same rules, same files, same run; files/s and MB/s as ratios, findings counted on both
// sides, Kahu's peak RSS (each Kahu run in its own process), and the same scans with no detector, so YARA's own
// share of the time shows apart from intake. The collection is generated: N files (default 5000) of about K KiB (default 8) under a
// KAPE-like `C/...` layout, one in a hundred a web shell.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IssueCollector } from '../src/core/index.js';
import { builtinYaraDir, findYaraFiles } from '../src/yara/index.js';
import { buildZip, type ZipEntrySpec } from '../test/factories/zip.js';
import { best, childMode, ensureBuilt, modeLabel, runChild } from './child.js';

const SHELL = '<%@ Page Language="Jscript"%><%eval(Request.Item["pass"],"unsafe");%>';

/** Deterministic filler: HTML-ish text and some binary, so deflate and YARA both do real work. */
function filler(i: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = (i * 2654435761) >>> 0;
  const text = i % 3 !== 0;
  for (let o = 0; o < bytes; o++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[o] = text ? 32 + ((x >>> 16) % 90) : (x >>> 16) & 0xff;
  }
  return b;
}

function collection(n: number, kib: number): ZipEntrySpec[] {
  const out: ZipEntrySpec[] = [];
  for (let i = 0; i < n; i++) {
    const shell = i % 100 === 42;
    const name = shell
      ? `C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/s${i}.aspx`
      : `C/Users/u${i % 37}/AppData/Local/Temp/f${i}.${i % 3 === 0 ? 'bin' : 'txt'}`;
    const body = filler(i, kib * 1024 - (shell ? SHELL.length : 0));
    out.push({ name, data: shell ? Buffer.concat([body, Buffer.from(SHELL)]) : body });
  }
  return out;
}

interface Run {
  ms: number;
  findings: number;
  rssMiB?: number;
}


function yaraCli(dir: string): Run {
  const rules = findYaraFiles([builtinYaraDir()], new IssueCollector());
  const t0 = performance.now();
  const r = spawnSync('yara', ['-r', '-p', '1', ...rules, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`yara failed: ${r.stderr}`);
  return { ms, findings: r.stdout.split('\n').filter((l) => l.trim() !== '').length };
}

/** Entry point. */
export async function main(args: string[]): Promise<void> {
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const n = opt('files', 5000);
  const kib = opt('kib', 8);
  const work = mkdtempSync(join(tmpdir(), 'kahu-bench-yara-'));
  try {
    const entries = collection(n, kib);
    const zip = join(work, 'Collection-EXCH01.zip');
    writeFileSync(zip, buildZip(entries));
    const tree = join(work, 'tree');
    for (const e of entries) {
      const p = join(tree, String(e.name));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, e.data);
    }
    const mb = (n * kib) / 1024;
    console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.version}, yara ${spawnSync('yara', ['--version'], { encoding: 'utf8' }).stdout.trim()}`);
    console.log(`input: ${n} files of ${kib} KiB (${mb.toFixed(1)} MiB), ${n / 100} web shells; zip and extracted tree`);
    const mode = childMode(args);
    ensureBuilt(mode);
    console.log(`kahu run as ${modeLabel(mode)}`);
    /** One Kahu scan in a child process (see bench/yara-child.mjs). */
    const kahu = (m: 'yara' | 'none', path: string): Promise<Run> => runChild<Run>('yara-child.mjs', [m, path], mode);
    await kahu('yara', zip); // warm-up (page cache)
    yaraCli(tree);
    const best3 = async (f: () => Run | Promise<Run>): Promise<Run> => best([await f(), await f(), await f()]);
    const inZip = await best3(() => kahu('yara', zip));
    const onDisk = await best3(() => kahu('yara', tree));
    const zipBare = await best3(() => kahu('none', zip));
    const diskBare = await best3(() => kahu('none', tree));
    const peer = await best3(() => yaraCli(tree));
    const line = (label: string, r: Run): string =>
      `${label.padEnd(36)} ${(r.ms / 1000).toFixed(2).padStart(6)} s ${Math.round(n / (r.ms / 1000)).toLocaleString('en-US').padStart(7)} files/s ${(mb / (r.ms / 1000)).toFixed(1).padStart(6)} MB/s` +
      `  ${String(r.findings).padStart(3)} findings  ratio ${(peer.ms / r.ms).toFixed(2)}${r.rssMiB !== undefined ? `  RSS ${Math.round(r.rssMiB)} MiB` : ''}`;
    console.log(line('kahu YARA, zip read in place', inZip));
    console.log(line('kahu YARA, extracted tree', onDisk));
    console.log(line('kahu no detector, zip (intake cost)', zipBare));
    console.log(line('kahu no detector, tree (intake cost)', diskBare));
    console.log(line('yara -r -p 1, extracted tree', peer));
    // On a shared machine the difference can come out negative: read it as "within the noise".
    const delta = (a: Run, b: Run): string => `${a.ms >= b.ms ? '+' : ''}${((a.ms - b.ms) / 1000).toFixed(2)} s`;
    console.log(`YARA's own cost (YARA run minus no-detector run, best of 3 each): zip ${delta(inZip, zipBare)}, tree ${delta(onDisk, diskBare)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
