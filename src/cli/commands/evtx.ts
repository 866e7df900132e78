import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { formatLocation, type Issue, type IssueSink } from '../../core/index.js';
import { fileSource, newEvtxStats, readEvtx, renderJson, renderXml, stringifyRecord } from '../../evidence/index.js';

/** Output formats of `kahu evtx dump`. */
export type EvtxDumpFormat = 'jsonl' | 'json' | 'xml';

// Exit codes (README "Exit codes"): 0 read (even with recovered damage), 2 usage, 3 nothing readable.
const EXIT_OK = 0;
const EXIT_UNREADABLE = 3;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Strips control and bidi characters from evidence-derived text before it reaches a terminal. */
function safe(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One issue as a stderr line: `kahu: evtx: warning: path@0x1000 chunk 0 record 5: message`. */
export function formatIssueLine(i: Issue): string {
  return `kahu: evtx: ${i.severity}: ${safe(formatLocation(i.location))}: ${safe(i.message)}\n`;
}

/** Buffers stdout writes and honours back-pressure (large dumps must not pile up in memory). */
class Out {
  private buf: string[] = [];
  private size = 0;
  async write(s: string): Promise<void> {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const ok = process.stdout.write(this.buf.join(''));
    this.buf = [];
    this.size = 0;
    if (!ok) await once(process.stdout, 'drain');
  }
}

/**
 * Dumps every record of one EVTX file to stdout: `jsonl` one evtx_dump JSON object per line, `json` a
 * pretty array, `xml` the event XML inside an `<Events>` root. Issues go to stderr. Returns the exit code.
 */
export async function dumpEvtx(path: string, format: EvtxDumpFormat, opts: { slack: boolean }): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isFile()) {
      process.stderr.write(`kahu: evtx: ${safe(path)}: not a regular file\n`);
      return EXIT_UNREADABLE;
    }
  } catch (err) {
    process.stderr.write(`kahu: evtx: ${safe(path)}: ${safe((err as Error).message)}\n`);
    return EXIT_UNREADABLE;
  }
  // A closed pipe (`| head`) ends the dump quietly, like other Unix tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
  });
  const issues: IssueSink = { report: (i) => void process.stderr.write(formatIssueLine(i)) };
  const stats = newEvtxStats();
  const out = new Out();
  let n = 0;
  if (format === 'xml') await out.write('<?xml version="1.0" encoding="utf-8"?>\n<Events>\n');
  else if (format === 'json') await out.write('[');
  try {
    for await (const batch of readEvtx(fileSource(path), issues, { slack: opts.slack, stats })) {
      for (const rec of batch) {
        if (format === 'jsonl') await out.write(`${stringifyRecord(renderJson(rec.nodes))}\n`);
        else if (format === 'json') await out.write(`${n ? ',' : ''}\n${stringifyRecord(renderJson(rec.nodes), 2)}`);
        else await out.write(`${renderXml(rec.nodes)}\n`);
        n++;
      }
    }
  } catch (err) {
    await out.flush();
    process.stderr.write(`kahu: evtx: ${safe(path)}: read failed: ${safe((err as Error).message)}\n`);
    return EXIT_UNREADABLE;
  }
  if (format === 'xml') await out.write('</Events>\n');
  else if (format === 'json') await out.write(n ? '\n]\n' : ']\n');
  await out.flush();
  if (!stats.header && stats.chunks === 0) return EXIT_UNREADABLE;
  return EXIT_OK;
}

/** `kahu evtx dump <file> [--format jsonl|json|xml]`. */
export function register(program: Command): void {
  const evtx = program.command('evtx').description('Windows EVTX event logs');
  evtx
    .command('dump')
    .argument('<file>', 'an .evtx file (read-only)')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json', 'xml']).default('jsonl'))
    .option('--no-slack', 'do not recover records from chunk slack (space after the free-space offset)')
    .description(
      'print every record: jsonl/json in the evtx_dump JSON layout, or event XML. Damaged files are read as far as possible ' +
        '(issues on stderr, exit 0); exit 3 when nothing could be read',
    )
    .action(async (file: string, opts: { format: EvtxDumpFormat; slack: boolean }) => {
      process.exitCode = await dumpEvtx(file, opts.format, { slack: opts.slack });
    });
}
