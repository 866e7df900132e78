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
    // Events go to the channel's .evtx log by default, located by record id (read back in test/generate/).
    const ev = g.planted.find((p) => p.step === 'lsass-comsvcs');
    expect(ev?.file).toBe('C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx');
    expect(ev?.line).toBeNull();
    expect(ev?.record).toBeGreaterThan(0);
    expect(readFileSync(join(base, 'pl', ev?.file ?? '')).subarray(0, 8).toString('latin1')).toBe('ElfFile\0');
    // Files on disk: the web shells, the dump and the archive.
    expect(g.planted.filter((p) => p.line === null && p.record === null).map((p) => p.file.split('/').pop())).toEqual(
      expect.arrayContaining(['errorEE.aspx', 'lsass.dmp', 'it.7z']),
    );
  });

  it('event logs in both forms: the JSON line and the EVTX record of a planted event carry the same record id', () => {
    const g = generateExchangeEvidence({ out: join(base, 'both'), scenario: 'proxylogon', seed: 9, ...small, eventLogs: 'both' });
    const twins = g.planted.filter((p) => p.step === 'lsass-comsvcs');
    const evtx = twins.find((p) => p.file.endsWith('.evtx'));
    const jsonl = twins.find((p) => p.file.endsWith('.jsonl'));
    expect(jsonl?.file).toBe('EventLogs/Microsoft-Windows-Sysmon%4Operational.jsonl');
    expect(jsonl?.line).toBe(evtx?.record);
    const line = readFileSync(join(base, 'both', jsonl?.file ?? ''), 'utf8').split('\n')[(jsonl?.line ?? 0) - 1] ?? '';
    const o = JSON.parse(line);
    expect(o.Event.EventData.CommandLine).toContain('comsvcs.dll, MiniDump');
    expect(o.Event.System.EventRecordID).toBe(jsonl?.line);
    // The ground truth's counts agree: as many JSON lines as EVTX records per channel.
    expect(g.files['EventLogs/MSExchange Management.jsonl']).toBe(g.files['C/Windows/System32/winevt/Logs/MSExchange Management.evtx']);
    // Same seed, same non-event logs whichever form the event logs take ('pl' above: seed 9, .evtx only).
    const logs = Object.keys(g.files).filter((f) => /\/(W3SVC1|HttpProxy|ECP)\//.test(f));
    expect(logs.length).toBeGreaterThan(3);
    for (const f of logs) expect(readFileSync(join(base, 'both', f)).equals(readFileSync(join(base, 'pl', f)))).toBe(true);
  });

  it('writes benign traffic around the attack, with the look-alikes, and refuses a non-empty folder', () => {
    const g = generateExchangeEvidence({ out: join(base, 'bn'), scenario: 'benign', seed: 1, ...small });
    expect(g.planted).toEqual([]);
    const iis = Object.keys(g.files).filter((f) => f.includes('/W3SVC1/'));
    expect(iis.length).toBe(2);
    const text = iis.map((f) => readFileSync(join(base, 'bn', f), 'latin1')).join('');
    expect(text.split('\r\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBeGreaterThan(600);
    expect(text).toContain('/autodiscover/autodiscover.json Email=');
    // The channel's EVTX log holds the look-alike export (UTF-16 text inside BinXML values).
    // Values sit at any byte offset in a record, so look at both alignments.
    const raw = readFileSync(join(base, 'bn', 'C/Windows/System32/winevt/Logs/MSExchange Management.evtx'));
    const mgmt = raw.toString('utf16le') + raw.subarray(1).toString('utf16le');
    expect(mgmt).toContain('New-MailboxExportRequest');
    expect(mgmt).toContain('\\\\FS01\\PstExport$');
    expect(Object.keys(g.files).some((f) => f.endsWith('.jsonl'))).toBe(false);
    expect(() => generateExchangeEvidence({ out: join(base, 'bn'), scenario: 'benign' })).toThrow(/non-empty/);
  });
});
