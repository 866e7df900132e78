// Regenerates content/attack/ (and content/actors/actors.jsonl) from an ATT&CK STIX bundle and the MISP galaxy.
// Usage: npx tsx scripts/update-attack.ts [--from <bundle file|url>] [--misp <galaxy dir>]
// Defaults: the shared corpus ($KAHU_CORPUS or ../shared/data): attack/enterprise-attack.json, misp-galaxy/.
import { join, resolve } from 'node:path';
import { updateAttack } from '../src/attack/index.js';

const root = resolve(import.meta.dirname, '..');
const corpusDir = resolve(process.env.KAHU_CORPUS ?? join(root, '..', 'shared', 'data'));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const from = opt('--from', join(corpusDir, 'attack', 'enterprise-attack.json'));
const mispDir = opt('--misp', join(corpusDir, 'misp-galaxy'));
const res = await updateAttack({ from, mispDir, contentDir: join(root, 'content') });
process.stdout.write(`wrote ${res.written.length} files from ${from}: ${JSON.stringify(res.counts)}\n`);
