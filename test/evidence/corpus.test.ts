import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { IssueCollector } from '../../src/core/index.js';
import { collectEvidence, type EvidenceEntry } from '../../src/evidence/index.js';
import type { KahuEvent } from '../../src/model/index.js';
import { corpus, describeCorpus } from '../helpers/corpus.js';

async function collectAll(paths: string[]) {
  const issues = new IssueCollector();
  const out: Array<{ entry: EvidenceEntry; events: KahuEvent[] }> = [];
  for await (const entry of collectEvidence(paths, issues)) {
    const events: KahuEvent[] = [];
    if (entry.parser) for await (const b of entry.parser.parse(entry, issues)) events.push(...b);
    out.push({ entry, events });
  }
  return { out, issues: issues.all() };
}

function walk(dir: string, ext: string): string[] {
  const found: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) found.push(...walk(p, ext));
    else if (n.endsWith(ext)) found.push(p);
  }
  return found;
}

describeCorpus('evidence corpus: exchange-logs', () => {
  const tunna = corpus('exchange-logs', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'Tunna_rdp_tunnel_IIS.log');

  it('reads the Tunna IIS log: one event per data line, each with its own line number', async () => {
    const { out, issues } = await collectAll([tunna]);
    const { entry, events } = out[0]!;
    expect(entry.format).toBe('iis-w3c');
    const lines = readFileSync(tunna, 'latin1').split('\n');
    const dataLines = lines.map((l, i) => [l.replace(/\r$/, ''), i + 1] as const).filter(([l]) => l !== '' && !l.startsWith('#'));
    expect(events.map((e) => e.prov.locator.line)).toEqual(dataLines.map(([, n]) => n));
    // The upstream author's hand edit left one blank line among the records: it is reported, not counted.
    const blanks = issues.filter((i) => i.message.startsWith('blank line'));
    const nonComment = lines.filter((l, i) => !l.startsWith('#') && !(i === lines.length - 1 && l === '')).length;
    expect(events.length + blanks.length).toBe(nonComment);
    expect(issues.filter((i) => i.severity !== 'info')).toEqual([]);
    const first = events[0]!;
    expect(first.fields).toMatchObject({ 'cs-method': 'GET', 'cs-uri-stem': '/erp/conn.aspx', 'cs-uri-query': 'proxy&port=3389&ip=127.0.0.1', 'sc-status': 200, 'c-ip': '10.0.2.17' });
    expect(first.time).toBe(Date.UTC(2019, 8, 3, 10, 13, 36));
  });

  it('lists every file of the folder with a format or a reason, and reads the OTRF ProxyLogon zip in place', async () => {
    const { out } = await collectAll([corpus('exchange-logs')]);
    for (const { entry } of out) {
      if (entry.format === 'unrecognised') expect(entry.reason, entry.path).toBeTruthy();
    }
    const tomcat = out.find((o) => o.entry.path.endsWith('web_attack_and_isp_webshell_localhost_access_log.txt'))!;
    expect(tomcat.entry.format).toBe('unrecognised');
    const pl = out.find((o) => o.entry.path.includes('proxylogon_ssrf_rce_poc.zip!/'))!;
    expect(pl.entry.format).toBe('json-events');
    expect(pl.events).toHaveLength(10487);
    const mgmt = pl.events.filter((e) => e.fields.Channel === 'MSExchange Management');
    expect(mgmt).toHaveLength(3);
    expect(mgmt.every((e) => e.fields.Provider_Name === 'MSExchange CmdletLogs' && typeof e.fields.EventID === 'number')).toBe(true);
    expect(pl.events.every((e) => e.host === 'MXS01.azsentinel.local' && e.time !== null)).toBe(true);
  });
});

describeCorpus('evidence corpus: security-datasets', () => {
  it('reads every zipped JSON-lines dataset without extraction; events carry Channel, EventID and Provider_Name', async () => {
    const { out, issues } = await collectAll([corpus('security-datasets')]);
    const zips = out.filter((o) => o.entry.format === 'zip');
    expect(zips).toHaveLength(10);
    const inner = out.filter((o) => o.entry.parent !== undefined);
    expect(inner).toHaveLength(10);
    for (const { entry, events } of inner) {
      expect(entry.format, entry.path).toBe('json-events');
      expect(events.length, entry.path).toBeGreaterThan(100);
      for (const e of events) {
        expect(typeof e.fields.EventID).toBe('number');
        expect(typeof e.fields.Channel).toBe('string');
        expect(typeof e.fields.Provider_Name).toBe('string');
        expect(e.source).toBe('windows');
      }
    }
    // schtask_create has one empty line among its records: skipped without an issue, nothing else is bad.
    const schtask = inner.find((o) => o.entry.path.includes('schtask_create'))!;
    expect(schtask.events).toHaveLength(1041);
    expect(issues.filter((i) => i.code === 'bad-record' || i.code === 'truncated')).toEqual([]);
  });
});

describeCorpus('evidence corpus: SigmaHQ regression JSON', () => {
  it('reads every pretty-printed evtx_dump file: one event per top-level object, all Windows events', async () => {
    const files = walk(corpus('sigma', 'regression_data'), '.json');
    expect(files.length).toBeGreaterThan(100);
    const { out, issues } = await collectAll(files);
    expect(issues).toEqual([]);
    for (const { entry, events } of out) {
      const objects = readFileSync(entry.path, 'utf8').split('\n').filter((l) => l === '{').length;
      expect(entry.format, entry.path).toBe('json-events');
      expect(events.length, entry.path).toBe(objects);
      for (const e of events) expect(typeof e.fields.EventID, entry.path).toBe('number');
    }
  });
});
