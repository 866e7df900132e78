import { z } from 'zod';

/** Verdict on one CVE: exploited (exploitation plus follow-on), attempted (probes without success), no evidence, or cannot tell. */
export const VerdictStatus = z.enum(['exploited', 'attempted', 'no-evidence', 'cannot-tell']);
/** Verdict status. */
export type VerdictStatus = z.infer<typeof VerdictStatus>;

/** How far back and forward one log family reaches, to judge whether the exposure window is covered. */
export const LogCoverage = z.object({
  family: z.string(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  events: z.number().int().nonnegative(),
});
/** Log coverage of one family. */
export type LogCoverage = z.infer<typeof LogCoverage>;

/** Verdict on one CVE with the findings behind it. */
export const CveVerdict = z.object({
  cve: z.string(),
  /** Exploit chain name: ProxyLogon, ProxyShell, ProxyNotShell. */
  chain: z.string(),
  status: VerdictStatus,
  /** One-sentence reason a responder can read. */
  reason: z.string(),
  findingIds: z.array(z.string()),
  /** The disclosure date (epoch ms UTC) the coverage is judged against. */
  disclosed: z.number().nullable(),
  coverage: z.array(LogCoverage),
});
/** Verdict on one CVE. */
export type CveVerdict = z.infer<typeof CveVerdict>;
