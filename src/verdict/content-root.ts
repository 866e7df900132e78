import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's `content/` folder. Walks up from this module so it works both from `src/` (tsx) and from
 * `dist/src/` (built); `$KAHU_CONTENT` overrides it.
 */
export function contentRoot(): string {
  const env = process.env.KAHU_CONTENT;
  if (env) return env;
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'content');
    if (existsSync(join(candidate, 'exchange'))) return candidate;
    dir = dirname(dir);
  }
  return join(import.meta.dirname, '..', '..', 'content');
}
