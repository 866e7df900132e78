import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';

/** The shared corpora folder: $KAHU_CORPUS, else ../shared/data beside the checkout. */
export const CORPUS: string = resolve(process.env.KAHU_CORPUS ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'));

/** True when the corpora are present. */
export const HAVE_CORPUS: boolean = existsSync(CORPUS);

/**
 * `describe` for suites that read the real corpora. Without them the suite is skipped locally,
 * but in CI (KAHU_REQUIRE_CORPUS=1) a missing corpus fails instead of passing silently.
 */
export function describeCorpus(name: string, fn: () => void): void {
  if (!HAVE_CORPUS && process.env.KAHU_REQUIRE_CORPUS === '1') {
    throw new Error(`corpus suite "${name}" needs ${CORPUS} (KAHU_REQUIRE_CORPUS=1)`);
  }
  (HAVE_CORPUS ? describe : describe.skip)(name, fn);
}

/** Path inside the corpora. */
export function corpus(...parts: string[]): string {
  return join(CORPUS, ...parts);
}
