import { compareBuild, formatBuild, loadFixedBuilds, parseBuild, type Build, type Chain, type FixedBuildTable } from './builds.js';

/** Whether a build carries one security update's fix. */
export type UpdateStatus = 'fixed' | 'vulnerable' | 'out-of-scope';

/** Exposure of one build to one security update (and so to its CVEs). */
export interface UpdateExposure {
  update: string;
  kb: string;
  chain: Chain;
  cves: string[];
  status: UpdateStatus;
  /** The first build that fixes it on this CU line, when one exists. */
  fixedIn: string | null;
  /** Why, in words. */
  reason: string;
}

/** Exposure of one build to one exploit chain. */
export interface ChainExposure {
  chain: Chain;
  exposed: boolean | null;
  updates: UpdateExposure[];
}

/** What `kahu exchange build` and the verdicts know about a build. */
export interface BuildExposure {
  build: string;
  product: string | null;
  cu: string | null;
  chains: ChainExposure[];
}

const PRODUCT_BY_LINE: Record<string, string> = { '15.0': 'Exchange 2013', '15.1': 'Exchange 2016', '15.2': 'Exchange 2019' };

/**
 * Decides, per security update, whether `build` is fixed, following HealthChecker's rule
 * (CSS-Exchange CompareExchangeBuildLevel.ps1): fixed if >= the update's build for the newest CU that has one;
 * else fixed only if the build's own CU has an entry and the build is >= it; else vulnerable.
 * Builds outside Exchange 2013/2016/2019 (15.0-15.2) are out of the table's scope.
 */
export function assessBuild(buildText: string, table: FixedBuildTable = loadFixedBuilds()): BuildExposure {
  const b = parseBuild(buildText);
  if (!b) throw new TypeError(`not an Exchange build: ${buildText}`);
  const line = `${b[0]}.${b[1]}`;
  const product = PRODUCT_BY_LINE[line] ?? null;
  const rows = table.cus.filter((r) => product !== null && r.product === product);
  const own = rows.find((r) => {
    const cb = parseBuild(r.build);
    return cb !== null && cb[2] === b[2];
  });
  const updates: UpdateExposure[] = [];
  for (const [name, u] of Object.entries(table.updates)) {
    const base = { update: name, kb: u.kb, chain: u.chain, cves: u.cves };
    if (product === null) {
      updates.push({
        ...base,
        status: 'out-of-scope',
        fixedIn: null,
        reason:
          b[0] === 14
            ? 'Exchange 2010 is outside the fixed-build table (of ProxyLogon only CVE-2021-26857 applied, with the UM role)'
            : `build line ${line} is not Exchange 2013/2016/2019`,
      });
      continue;
    }
    const withFix = rows
      .map((r) => ({ row: r, fix: r.fixes[name] ? parseBuild(r.fixes[name]) : null }))
      .filter((x): x is { row: (typeof rows)[number]; fix: Build } => x.fix !== null)
      .sort((x, y) => compareBuild(y.fix, x.fix));
    const newest = withFix[0];
    if (!newest) {
      updates.push({ ...base, status: 'fixed', fixedIn: null, reason: `${name} has no build for ${product}: not affected` });
      continue;
    }
    if (compareBuild(b, newest.fix) >= 0) {
      updates.push({
        ...base,
        status: 'fixed',
        fixedIn: formatBuild(newest.fix),
        reason: `build >= ${formatBuild(newest.fix)} (${name} on ${newest.row.cu}, included in later CUs)`,
      });
      continue;
    }
    const ownFix = own?.fixes[name] ? parseBuild(own.fixes[name]) : null;
    if (ownFix) {
      const ok = compareBuild(b, ownFix) >= 0;
      updates.push({
        ...base,
        status: ok ? 'fixed' : 'vulnerable',
        fixedIn: formatBuild(ownFix),
        reason: ok ? `build >= ${formatBuild(ownFix)} (${name} for ${own?.cu})` : `build < ${formatBuild(ownFix)} (${name} for ${own?.cu})`,
      });
      continue;
    }
    updates.push({
      ...base,
      status: 'vulnerable',
      fixedIn: null,
      reason: own
        ? `${product} ${own.cu} has no ${name}: update to a CU that has one`
        : `build is older than every CU with ${name} (unknown or unsupported CU)`,
    });
  }
  const chains: ChainExposure[] = (['ProxyLogon', 'ProxyShell', 'ProxyNotShell'] as const).map((chain) => {
    const us = updates.filter((u) => u.chain === chain);
    const exposed = us.every((u) => u.status === 'out-of-scope') ? null : us.some((u) => u.status === 'vulnerable');
    return { chain, exposed, updates: us };
  });
  return { build: formatBuild(b), product, cu: own?.cu ?? null, chains };
}

/** The chain a CVE belongs to, from the table (null if the table does not know it). */
export function chainOfCve(cve: string, table: FixedBuildTable = loadFixedBuilds()): Chain | null {
  for (const u of Object.values(table.updates)) if (u.cves.includes(cve)) return u.chain;
  return null;
}
