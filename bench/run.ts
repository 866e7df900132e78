// `npm run bench -- <name>` runs bench/<name>.bench.ts. Each benchmark prints Kahu's figure beside a peer's,
// measured in the same run on the same input, as a ratio, with the machine and Node version.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = import.meta.dirname;
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${names.join('|') || 'name'}> [options]\n`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { main(args: string[]): Promise<void> };
await mod.main(process.argv.slice(3));
