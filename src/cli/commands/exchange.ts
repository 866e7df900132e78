import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KahuError } from '../../core/index.js';
import { generateExchangeEvidence, SCENARIOS, type EventLogForm, type ScenarioName } from '../../generate/index.js';
import { assessBuild, parseBuild, type BuildExposure } from '../../verdict/index.js';

/** Renders a build's exposure as plain text lines (the input build is ours to print; nothing here is evidence). */
export function renderBuildExposure(e: BuildExposure): string {
  const out: string[] = [];
  out.push(`${e.build}: ${e.product ?? 'not Exchange 2013/2016/2019'}${e.cu ? ` ${e.cu}` : e.product ? ' (CU not in the table)' : ''}`);
  for (const c of e.chains) {
    const word = c.exposed === null ? 'OUT OF SCOPE' : c.exposed ? 'EXPOSED' : 'fixed';
    out.push(`  ${c.chain.padEnd(14)} ${word}`);
    for (const u of c.updates) {
      out.push(`    ${u.update} ${u.kb.padEnd(10)} ${u.status.padEnd(12)} ${u.cves.join(', ')}`);
      out.push(`      ${u.reason}`);
    }
  }
  return out.join('\n');
}

/** `kahu exchange build <version>`: which of ProxyLogon / ProxyShell / ProxyNotShell a build is exposed to. */
export function register(program: Command): void {
  const ex = program.command('exchange').description('Exchange Server campaign tools (ProxyLogon, ProxyShell, ProxyNotShell)');
  ex.command('build')
    .argument('<version>', 'Exchange build, e.g. 15.1.2106.2 or "Version 15.1 (Build 2106.2)"')
    .option('--json', 'print JSON')
    .description('which exploit chains a build is exposed to, per the fixed-build table (content/exchange/fixed-builds.yaml)')
    .action((version: string, opts: { json?: boolean }) => {
      if (!parseBuild(version)) throw new KahuError('usage', `not an Exchange build: ${JSON.stringify(version)} (expected e.g. 15.1.2106.2)`);
      const e = assessBuild(version);
      process.stdout.write(opts.json ? `${JSON.stringify(e, null, 2)}\n` : `${renderBuildExposure(e)}\n`);
    });
  ex.command('generate')
    .argument('<out>', 'folder to create (must not exist or be empty)')
    .option('--scenario <name>', `one of ${SCENARIOS.join(', ')}`, 'proxylogon')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
    .option('--requests <n>', 'benign client requests over the window', '6000')
    .option('--days <n>', 'days of evidence', '3')
    .option('--event-logs <form>', 'Windows event logs as evtx (winevt\\Logs, as on a server), jsonl (evtx_dump JSON lines) or both', 'evtx')
    .option('--truth <file>', 'also write the ground truth (planted steps: file, line or EVTX record, CVEs, techniques) as JSON')
    .description('write a synthetic Exchange server evidence tree (IIS and Exchange logs, Windows event logs, files) for a scenario')
    .action((out: string, opts: { scenario: string; seed: string; requests: string; days: string; eventLogs: string; truth?: string }) => {
      if (!(SCENARIOS as readonly string[]).includes(opts.scenario)) throw new KahuError('usage', `unknown scenario ${JSON.stringify(opts.scenario)} (${SCENARIOS.join(', ')})`);
      const forms: readonly EventLogForm[] = ['evtx', 'jsonl', 'both'];
      const eventLogs = forms.find((f) => f === opts.eventLogs);
      if (eventLogs === undefined) throw new KahuError('usage', `--event-logs must be one of ${forms.join(', ')}`);
      const num = (v: string, name: string): number => {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < 1) throw new KahuError('usage', `--${name} must be a positive integer`);
        return n;
      };
      let g;
      try {
        g = generateExchangeEvidence({ out, scenario: opts.scenario as ScenarioName, seed: num(opts.seed, 'seed'), requests: num(opts.requests, 'requests'), days: num(opts.days, 'days'), eventLogs });
      } catch (err) {
        throw new KahuError('usage', (err as Error).message, { cause: err });
      }
      if (opts.truth) writeFileSync(opts.truth, `${JSON.stringify(g, null, 2)}\n`);
      process.stdout.write(`${opts.scenario}: ${Object.keys(g.files).length} files, ${(g.bytes / 1e6).toFixed(1)} MB, build ${g.build}, ${g.planted.length} planted step(s) in ${out}\n`);
    });
}
