import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { KahuError } from '../../core/index.js';
import { runScan } from '../../case/index.js';
import { LEVELS } from '../../model/index.js';
import type { Case, Level } from '../../model/index.js';
import { renderCaseJson, renderSummary, terminalSafe } from '../../report/index.js';
import { barProgress, silentProgress } from '../progress.js';
import { EXIT } from '../exit-codes.js';

/** Options of `kahu scan` as commander parses them. */
export interface ScanCliOptions {
  out?: string;
  json?: boolean;
  rules?: string[];
  builtinRules: boolean;
  failOn?: Level;
  quiet?: boolean;
  strict?: boolean;
}

/** `kahu-case-20261128T112612Z`: the default case folder name, UTC, sortable, no characters shells dislike. */
export function defaultCaseDir(now: Date = new Date()): string {
  return `kahu-case-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * The exit code for a finished scan: 3 when no evidence could be read, 1 when `--fail-on` is met,
 * 4 when `--strict` and an error-level issue was met, else 0.
 */
export function scanExitCode(c: Case, opts: Pick<ScanCliOptions, 'failOn' | 'strict'>): number {
  if (c.stats.files - c.stats.unreadable === 0) return EXIT.noEvidence;
  if (opts.failOn !== undefined) {
    const min = LEVELS.indexOf(opts.failOn);
    if (c.findings.some((f) => LEVELS.indexOf(f.level) >= min)) return EXIT.failOn;
  }
  if (opts.strict && c.issues.some((i) => i.severity === 'error')) return EXIT.strict;
  return EXIT.ok;
}

function isEpipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/**
 * Writes chunks with backpressure. A reader that goes away (`kahu scan --json | head`) is not an error:
 * writing stops quietly (the case folder holds the full case). Returns false when it stopped early.
 */
async function writeOut(stream: NodeJS.WriteStream, chunks: Iterable<string>): Promise<boolean> {
  let gone = false;
  const onError = (err: unknown): void => {
    if (isEpipe(err)) gone = true;
  };
  stream.on('error', onError);
  try {
    for (const chunk of chunks) {
      if (gone) return false;
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    }
    return !gone;
  } catch (err) {
    if (isEpipe(err)) return false;
    throw err;
  } finally {
    stream.off('error', onError);
  }
}

async function scanAction(paths: string[], opts: ScanCliOptions, argv: string[]): Promise<number> {
  for (const p of paths) {
    try {
      await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new KahuError('usage', `cannot read ${terminalSafe(p)} (${code})`);
    }
  }
  for (const dir of opts.rules ?? []) {
    try {
      await stat(dir);
    } catch {
      throw new KahuError('usage', `--rules ${terminalSafe(dir)} does not exist`);
    }
  }
  const out = resolve(opts.out ?? defaultCaseDir());
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  const view = tty ? barProgress(process.stderr) : silentProgress;
  let c: Case;
  try {
    c = await runScan({
      paths,
      out,
      ruleDirs: opts.rules ?? [],
      builtinRules: opts.builtinRules,
      strict: opts.strict ?? false,
      argv,
      recordOptions: {
        out,
        json: opts.json ?? false,
        rules: opts.rules ?? [],
        builtinRules: opts.builtinRules,
        failOn: opts.failOn ?? null,
        strict: opts.strict ?? false,
      },
      ...(tty ? { onProgress: (p) => view.update(p) } : {}),
    });
  } finally {
    view.stop();
  }

  if (opts.json) await writeOut(process.stdout, renderCaseJson(c));
  if (!opts.quiet) {
    // With --json, stdout carries only the case; the summary goes to stderr.
    const dest = opts.json ? process.stderr : process.stdout;
    const color = Boolean(dest.isTTY) && process.env.NO_COLOR === undefined;
    dest.write(renderSummary(c, { outDir: out, color }));
  }
  const code = scanExitCode(c, opts);
  if (code === EXIT.noEvidence) process.stderr.write('kahu: no readable evidence in the given paths\n');
  return code;
}

/** Adds `kahu scan` to the program. */
export function register(program: Command): void {
  program
    .command('scan')
    .summary('scan evidence and write a case (report.html, case.json, timeline.csv, findings.jsonl)')
    .description(
      'Scan evidence files, folders (recursive) and .zip archives (read in place), recognise each ' +
        "file's format by its content, parse it, run the detectors and write a case folder. " +
        'The evidence is only ever opened for reading.',
    )
    .argument('<path...>', 'evidence files, folders or .zip archives')
    .option('-o, --out <dir>', 'case folder to write (default: ./kahu-case-<UTC timestamp>)')
    .option('--json', 'print case.json to stdout (nothing else goes to stdout)')
    .option('--rules <dir...>', 'extra rule folders (Sigma YAML, YARA) besides the built-in packs')
    .option('--no-builtin-rules', "do not load Kahu's built-in rule packs")
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding at or above this level exists').choices(LEVELS))
    .option('-q, --quiet', 'no progress bar and no summary')
    .option('--strict', 'exit 4 when any error-level issue was met (the case is still written in full)')
    .addHelpText(
      'after',
      `
Exit codes:
  0  the scan ran (findings or not)
  1  --fail-on: a finding at or above the level exists
  2  usage error (bad option, missing path, --out inside the evidence)
  3  no readable evidence in the given paths
  4  --strict: an error-level issue was met
  5  Kahu failed (a bug or a fatal I/O error while writing the case)

Examples:
  kahu scan /cases/exch01/logs --out ./exch01-case
  kahu scan triage.zip --json > case.json
  kahu scan ./logs --fail-on high --quiet`,
    )
    .action(async (paths: string[], opts: ScanCliOptions) => {
      process.exitCode = await scanAction(paths, opts, ['kahu', ...process.argv.slice(2)]);
    });
}
