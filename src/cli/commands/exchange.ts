import type { Command } from 'commander';
import { KahuError } from '../../core/index.js';
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
}
