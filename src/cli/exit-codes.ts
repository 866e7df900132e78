/** Kahu's documented exit codes (README "Exit codes"). Never renumber one. */
export const EXIT = {
  /** The command ran (for scan: whether or not there were findings). */
  ok: 0,
  /** `--fail-on`: a finding at or above the level exists. */
  failOn: 1,
  /** Usage error: bad option or argument, missing path, refused output folder. */
  usage: 2,
  /** No readable evidence in the given paths. */
  noEvidence: 3,
  /** `--strict`: an error-level issue was met. */
  strict: 4,
  /** Kahu itself failed: a bug or a fatal I/O error. */
  internal: 5,
} as const;
