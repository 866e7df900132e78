import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kahu } from '../e2e/cli.js';

describe('kahu exchange build', () => {
  it('prints which chains a build is exposed to', async () => {
    const r = await kahu(['exchange', 'build', '15.1.2106.2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^15\.1\.2106\.2: Exchange 2016 CU18$/m);
    expect(r.stdout).toMatch(/ProxyLogon\s+EXPOSED/);
    expect(r.stdout).toContain('build < 15.1.2106.13 (Mar21SU for CU18)');
  });
  it('--json gives the structure; a patched E2019 CU12 is fixed for all three', async () => {
    const r = await kahu(['exchange', 'build', 'Version 15.2 (Build 1118.20)', '--json']);
    const j = JSON.parse(r.stdout) as { cu: string; chains: { chain: string; exposed: boolean }[] };
    expect(j.cu).toBe('CU12');
    expect(j.chains.map((c) => [c.chain, c.exposed])).toEqual([
      ['ProxyLogon', false],
      ['ProxyShell', false],
      ['ProxyNotShell', false],
    ]);
  });
  it('rejects what is not a build with a usage error (exit 2)', async () => {
    const r = await kahu(['exchange', 'build', 'CU18']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an Exchange build');
  });
});

describe('kahu exchange generate', () => {
  it('writes a scenario tree and its ground truth; refuses a non-empty folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kahu-gen-cli-'));
    try {
      const out = join(dir, 'tree');
      const r = await kahu(['exchange', 'generate', out, '--scenario', 'proxynotshell', '--requests', '300', '--days', '3', '--truth', join(dir, 'truth.json')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^proxynotshell: \d+ files, .* build 15\.2\.1118\.7, \d+ planted step\(s\)/);
      const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { planted: { step: string; file: string; record: number | null }[] };
      expect(truth.planted.map((p) => p.step)).toContain('owassrf');
      // Windows event logs as .evtx by default; the planted PowerShell start is a record in Sysmon's log.
      const ps = truth.planted.find((p) => p.step === 'ps-spawn');
      expect(ps?.file).toBe('C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx');
      expect(ps?.record).toBeGreaterThan(0);
      expect((await kahu(['exchange', 'generate', join(dir, 'y'), '--event-logs', 'xml'])).code).toBe(2);
      const again = await kahu(['exchange', 'generate', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('non-empty');
      expect((await kahu(['exchange', 'generate', join(dir, 'x'), '--scenario', 'nope'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
