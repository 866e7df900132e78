import type { Command } from 'commander';
import { defaultContentDir, updateAttack } from '../../attack/index.js';
import { terminalSafe } from '../../report/index.js';

/** Adds `kahu attack ...` (ATT&CK knowledge maintenance) to the program. */
export function register(program: Command): void {
  const attack = program.command('attack').summary('ATT&CK knowledge base: update the extract in content/attack');
  attack
    .command('update')
    .summary('regenerate content/attack (and content/actors) from an ATT&CK STIX 2.0/2.1 bundle')
    .description(
      'Read an ATT&CK Enterprise STIX bundle (file or http(s) URL, STIX 2.0 or 2.1) and rewrite the fact extract ' +
        '(IDs, names, tactics, platforms, flags, aliases, relationships with their citation keys; no MITRE prose). ' +
        'With --misp, also rewrite content/actors/actors.jsonl from the MISP galaxy folder.',
    )
    .requiredOption('--from <file|url>', 'STIX bundle, e.g. enterprise-attack.json')
    .option('--misp <dir>', 'MISP galaxy clusters folder (threat-actor.json, mitre-intrusion-set.json, ...)')
    .option('--content <dir>', 'content folder to write (default: the installed content/)')
    .action(async (opts: { from: string; misp?: string; content?: string }) => {
      const res = await updateAttack({
        from: opts.from,
        contentDir: opts.content ?? defaultContentDir(),
        ...(opts.misp ? { mispDir: opts.misp } : {}),
      });
      process.stdout.write(`wrote ${res.written.length} files from ${terminalSafe(opts.from)}\n`);
      for (const [k, v] of Object.entries(res.counts)) process.stdout.write(`  ${k}: ${v}\n`);
    });
}
