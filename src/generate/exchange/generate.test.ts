import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateExchangeEvidence } from './generate.js';

function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(root, p)).update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

describe('Exchange evidence generator', () => {
  const base = mkdtempSync(join(tmpdir(), 'kahu-gen-'));
  const small = { requests: 800, users: 40, days: 2 } as const;
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    generateExchangeEvidence({ out: join(base, 'a'), scenario: 'proxylogon', seed: 3, ...small });
    generateExchangeEvidence({ out: join(base, 'b'), scenario: 'proxylogon', seed: 3, ...small });
    generateExchangeEvidence({ out: join(base, 'c'), scenario: 'proxylogon', seed: 4, ...small });
    expect(treeHash(join(base, 'a'))).toBe(treeHash(join(base, 'b')));
    expect(treeHash(join(base, 'a'))).not.toBe(treeHash(join(base, 'c')));
  });

  it('ground truth points at the planted line in each file', () => {
    const g = generateExchangeEvidence({ out: join(base, 'pl'), scenario: 'proxylogon', seed: 9, ...small });
    expect(g.planted.length).toBeGreaterThan(20);
    const byStep = new Map(g.planted.map((p) => [p.step, p]));
    const probe = byStep.get('ssrf-mapi');
    expect(probe?.line).not.toBeNull();
    const lines = readFileSync(join(base, 'pl', probe?.file ?? ''), 'latin1').split('\r\n');
    expect(lines[(probe?.line ?? 0) - 1]).toContain('/ecp/y.js');
    const ecp = g.planted.find((p) => p.step === 'ecp-set-vdir-script');
    const ecpLine = readFileSync(join(base, 'pl', ecp?.file ?? ''), 'latin1').split('\r\n')[(ecp?.line ?? 0) - 1];
    expect(ecpLine).toContain('S:CMD=Set-OabVirtualDirectory.ExternalUrl=');
    const ev = g.planted.find((p) => p.step === 'lsass-comsvcs');
    const evLine = readFileSync(join(base, 'pl', ev?.file ?? ''), 'utf8').split('\n')[(ev?.line ?? 0) - 1] ?? '';
    expect(JSON.parse(evLine).Event.EventData.CommandLine).toContain('comsvcs.dll, MiniDump');
    // Files on disk: the web shells, the dump and the archive.
    expect(g.planted.filter((p) => p.line === null).map((p) => p.file.split('/').pop())).toEqual(
      expect.arrayContaining(['errorEE.aspx', 'lsass.dmp', 'it.7z']),
    );
  });

  it('writes benign traffic around the attack, with the look-alikes, and refuses a non-empty folder', () => {
    const g = generateExchangeEvidence({ out: join(base, 'bn'), scenario: 'benign', seed: 1, ...small });
    expect(g.planted).toEqual([]);
    const iis = Object.keys(g.files).filter((f) => f.includes('/W3SVC1/'));
    expect(iis.length).toBe(2);
    const text = iis.map((f) => readFileSync(join(base, 'bn', f), 'latin1')).join('');
    expect(text.split('\r\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBeGreaterThan(600);
    expect(text).toContain('/autodiscover/autodiscover.json Email=');
    const mgmt = readFileSync(join(base, 'bn', 'EventLogs', 'MSExchange Management.jsonl'), 'utf8');
    expect(mgmt).toContain('New-MailboxExportRequest');
    expect(mgmt).toContain('\\\\\\\\FS01\\\\PstExport$');
    expect(() => generateExchangeEvidence({ out: join(base, 'bn'), scenario: 'benign' })).toThrow(/non-empty/);
  });
});
