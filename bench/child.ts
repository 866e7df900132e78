// Shared by the benchmarks that measure Kahu in a child process (so its peak RSS is its own).
// By default the child runs the compiled package (dist/, what `npm install kahu` ships; built here first, tsc is
// incremental); `--tsx` runs the TypeScript source through tsx instead, which costs about 60 MiB more RSS (tsx's
// loader thread and in-memory transpiled sources) and a slower start.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** How the child runs Kahu. */
export interface ChildMode {
  /** Run the TypeScript source through tsx instead of dist/. */
  tsx: boolean;
  /** Extra node flags (e.g. `--max-semi-space-size=2`). */
  nodeFlags?: string[];
}

/** The mode asked for on the command line (`--tsx`). */
export function childMode(args: string[]): ChildMode {
  return { tsx: args.includes('--tsx') };
}

/** Compiles src/ to dist/ (incremental) unless the source is to be run. */
export function ensureBuilt(mode: ChildMode): void {
  if (mode.tsx) return;
  process.stderr.write('building dist/ (tsc -p tsconfig.build.json)… ');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('tsc -p tsconfig.build.json failed');
  process.stderr.write('done\n');
}

/** Runs `bench/<script>` with `args` in a fresh node process and parses the JSON it prints. */
export function runChild<T>(script: string, args: string[], mode: ChildMode): Promise<T> {
  const flags = [...(mode.nodeFlags ?? []), ...(mode.tsx ? ['--import', 'tsx'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, join(ROOT, 'bench', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, KAHU_BENCH_LIB: mode.tsx ? 'src' : 'dist' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code !== 0 ? reject(new Error(`bench child ${script} exited ${code}`)) : resolve(JSON.parse(out) as T)));
  });
}

/** How the child ran, for the report. */
export function modeLabel(mode: ChildMode): string {
  return mode.tsx ? 'TypeScript source via tsx' : 'compiled dist/ under plain node';
}

/** The median run (the lower middle one for an even count). */
export function median<T extends { ms: number }>(xs: readonly T[]): T {
  return [...xs].sort((a, b) => a.ms - b.ms)[Math.floor((xs.length - 1) / 2)]!;
}

/** The fastest run. */
export function best<T extends { ms: number }>(xs: readonly T[]): T {
  return [...xs].sort((a, b) => a.ms - b.ms)[0]!;
}
