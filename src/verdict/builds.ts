import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KahuError } from '../core/index.js';
import { contentRoot } from './content-root.js';

const BuildText = z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'a build is four dot-separated numbers');
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The exploit chains Kahu judges exposure for. */
export const Chain = z.enum(['ProxyLogon', 'ProxyShell', 'ProxyNotShell']);
/** An exploit chain name. */
export type Chain = z.infer<typeof Chain>;

/** Schema of `content/exchange/fixed-builds.yaml`. */
export const FixedBuildTable = z
  .object({
    updates: z.record(
      z.string(),
      z.object({ chain: Chain, kb: z.string(), released: IsoDay, cves: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/)).min(1) }),
    ),
    chains: z.record(Chain, z.object({ disclosed: IsoDay, lookback: IsoDay })),
    cus: z.array(
      z.object({
        product: z.string(),
        cu: z.string(),
        build: BuildText,
        fixes: z.record(z.string(), BuildText),
      }),
    ),
  })
  .superRefine((t, ctx) => {
    for (const [i, row] of t.cus.entries()) {
      for (const [su, b] of Object.entries(row.fixes)) {
        if (!(su in t.updates)) ctx.addIssue({ code: 'custom', path: ['cus', i, 'fixes', su], message: `unknown update ${su}` });
        // A fix build must belong to the CU's own build line (same major.minor.build, higher revision).
        const cuB = parseBuild(row.build);
        const fx = parseBuild(b);
        if (cuB && fx && (fx[0] !== cuB[0] || fx[1] !== cuB[1] || fx[2] !== cuB[2] || fx[3] <= cuB[3])) {
          ctx.addIssue({ code: 'custom', path: ['cus', i, 'fixes', su], message: `${b} is not a later revision of ${row.build}` });
        }
      }
    }
  });
/** The fixed-build table. */
export type FixedBuildTable = z.infer<typeof FixedBuildTable>;

/** A parsed build: [major, minor, build, revision]. */
export type Build = [number, number, number, number];

/**
 * Parses an Exchange build as written in the wild: `15.1.2106.2`, `15.01.2106.002`, `Version 15.1 (Build 2106.2)`
 * (Get-ExchangeServer AdminDisplayVersion). Three parts mean revision 0. Null if it is not a build.
 */
export function parseBuild(text: string): Build | null {
  const s = text.trim();
  const admin = /^Version\s+(\d+)\.(\d+)\s*\(Build\s+(\d+)\.(\d+)\)$/i.exec(s);
  const m = admin ?? /^(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4] ?? '0'].map((p) => Number.parseInt(p ?? '0', 10));
  if (parts.some((n) => !Number.isSafeInteger(n))) return null;
  return parts as Build;
}

/** Compares two builds: negative, zero or positive. */
export function compareBuild(a: Build, b: Build): number {
  for (let i = 0; i < 4; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Formats a build as `15.1.2106.2`. */
export function formatBuild(b: Build): string {
  return b.join('.');
}

let cached: FixedBuildTable | undefined;

/** Loads and validates the fixed-build table (cached). Throws KahuError('rule-invalid') with the file path if invalid. */
export function loadFixedBuilds(path = join(contentRoot(), 'exchange', 'fixed-builds.yaml')): FixedBuildTable {
  if (cached && arguments.length === 0) return cached;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KahuError('io', `cannot read the fixed-build table: ${(err as Error).message}`, { location: { path }, cause: err });
  }
  const r = FixedBuildTable.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new KahuError('rule-invalid', `fixed-build table: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`, {
      location: { path },
    });
  }
  if (arguments.length === 0) cached = r.data;
  return r.data;
}
