import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessBuild, chainOfCve } from './exposure.js';
import { compareBuild, loadFixedBuilds, parseBuild } from './builds.js';

const exposed = (build: string): Record<string, boolean | null> =>
  Object.fromEntries(assessBuild(build).chains.map((c) => [c.chain, c.exposed]));

describe('parseBuild', () => {
  it('reads dotted builds, zero-padded parts and AdminDisplayVersion', () => {
    expect(parseBuild('15.1.2106.2')).toEqual([15, 1, 2106, 2]);
    expect(parseBuild('15.01.2106.002')).toEqual([15, 1, 2106, 2]);
    expect(parseBuild('Version 15.1 (Build 2106.2)')).toEqual([15, 1, 2106, 2]);
    expect(parseBuild('15.2.858')).toEqual([15, 2, 858, 0]);
    expect(parseBuild('CU18')).toBeNull();
    expect(compareBuild([15, 1, 2106, 13], [15, 1, 2106, 2])).toBeGreaterThan(0);
  });
});

describe('assessBuild (HealthChecker rule over the CSS-Exchange fixed-build table)', () => {
  it('unpatched E2016 CU18 is exposed to all three chains', () => {
    expect(exposed('15.1.2106.2')).toEqual({ ProxyLogon: true, ProxyShell: true, ProxyNotShell: true });
  });
  it('the March 2021 SU on its own CU fixes ProxyLogon only', () => {
    expect(exposed('15.1.2106.13')).toEqual({ ProxyLogon: false, ProxyShell: true, ProxyNotShell: true });
  });
  it('one revision below the fix stays exposed', () => {
    expect(exposed('15.2.792.9').ProxyLogon).toBe(true);
    expect(exposed('15.2.792.10').ProxyLogon).toBe(false);
  });
  it('E2019 CU9 (15.2.858.5) includes the March fixes (EOMT) but needs Apr/May SUs for ProxyShell', () => {
    expect(exposed('15.2.858.5')).toEqual({ ProxyLogon: false, ProxyShell: true, ProxyNotShell: true });
    const shell = assessBuild('15.2.858.10').chains.find((c) => c.chain === 'ProxyShell');
    // Apr21SU alone leaves CVE-2021-31207 (May21SU) open.
    expect(shell?.updates.map((u) => [u.update, u.status])).toEqual([
      ['Apr21SU', 'fixed'],
      ['May21SU', 'vulnerable'],
    ]);
    expect(exposed('15.2.858.12').ProxyShell).toBe(false);
  });
  it('a CU with no Nov 2022 SU (E2016 CU21, E2019 CU10) stays exposed to ProxyNotShell', () => {
    expect(exposed('15.1.2308.14')).toEqual({ ProxyLogon: false, ProxyShell: false, ProxyNotShell: true });
    expect(exposed('15.2.922.27').ProxyNotShell).toBe(true);
  });
  it('builds newer than every row are fixed; old unknown CUs are exposed', () => {
    expect(exposed('15.2.1544.4')).toEqual({ ProxyLogon: false, ProxyShell: false, ProxyNotShell: false });
    expect(exposed('15.1.1261.35').ProxyLogon).toBe(true);
    expect(assessBuild('15.1.1261.35').cu).toBeNull();
  });
  it('Exchange 2013 CU23 with the Nov 2022 SU is fixed; Exchange 2010 is out of scope', () => {
    expect(exposed('15.0.1497.44')).toEqual({ ProxyLogon: false, ProxyShell: false, ProxyNotShell: false });
    expect(exposed('14.3.513.0')).toEqual({ ProxyLogon: null, ProxyShell: null, ProxyNotShell: null });
  });
  it('maps CVEs to chains', () => {
    expect(chainOfCve('CVE-2021-26855')).toBe('ProxyLogon');
    expect(chainOfCve('CVE-2021-31207')).toBe('ProxyShell');
    expect(chainOfCve('CVE-2022-41082')).toBe('ProxyNotShell');
    expect(chainOfCve('CVE-2020-0688')).toBeNull();
  });
});

describe('loadFixedBuilds', () => {
  it('rejects a fix that is not a later revision of its CU, naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kahu-fb-'));
    const p = join(dir, 't.yaml');
    writeFileSync(
      p,
      [
        'updates: { Mar21SU: { chain: ProxyLogon, kb: K, released: "2021-03-02", cves: [CVE-2021-26855] } }',
        'chains: { ProxyLogon: { disclosed: "2021-03-02", lookback: "2021-01-01" },',
        '  ProxyShell: { disclosed: "2021-07-13", lookback: "2021-07-01" }, ProxyNotShell: { disclosed: "2022-09-29", lookback: "2022-08-01" } }',
        'cus: [ { product: Exchange 2016, cu: CU18, build: 15.1.2106.2, fixes: { Mar21SU: 15.1.2176.9 } } ]',
      ].join('\n'),
    );
    expect(() => loadFixedBuilds(p)).toThrow(/cus\.0\.fixes\.Mar21SU: 15\.1\.2176\.9 is not a later revision/);
  });
});
