// The real lab capture: OTRF Security-Datasets "Exchange ProxyLogon SSRF RCE Vuln POC" (zipped JSON lines: Sysmon,
// Security, MSExchange Management, Application). A public CVE-2021-26855/27065 PoC ran and dropped owa/auth/ohyeah.aspx.
import { beforeAll, expect, it } from 'vitest';
import { IssueCollector } from '../../src/core/index.js';
import { collectEvidence } from '../../src/evidence/index.js';
import { runScan } from '../../src/case/index.js';
import type { Case, Finding } from '../../src/model/index.js';
import { assessExchange } from '../../src/verdict/index.js';
import { corpus, describeCorpus } from '../helpers/corpus.js';
import { packDetectors } from './pack.js';

describeCorpus('OTRF ProxyLogon capture (exchange-logs/otrf-security-datasets)', () => {
  let c: Case;
  beforeAll(async () => {
    c = await runScan({ paths: [corpus('exchange-logs', 'otrf-security-datasets')], detectors: await packDetectors(), steps: [] });
  });
  const valueText = (f: Finding): string => JSON.stringify(f.events.map((e) => e.values));

  it('flags the CVE-2021-27065 exploitation: Set-OabVirtualDirectory with a script in ExternalUrl, traced to its record', async () => {
    const f = c.findings.find((x) => x.cves.includes('CVE-2021-27065') && x.level === 'critical');
    expect(f?.rule.title).toMatch(/Cmdlet Set a Virtual Directory URL Holding Script/);
    const e = f?.events[0];
    expect(e?.prov.path).toMatch(/proxylogon_ssrf_rce_poc\.zip!\/proxylogon_ssrf_rce_poc_2021-03-14T01401970\.json$/);
    expect(e?.prov.locator.line).toBe(10485);
    // Follow the provenance back to the record itself (keyword matches carry no field values).
    let text = '';
    for await (const entry of collectEvidence([corpus('exchange-logs', 'otrf-security-datasets')], new IssueCollector())) {
      if (entry.path !== e?.prov.path) continue;
      const parts: Buffer[] = [];
      for await (const b of entry.open()) parts.push(b);
      text = Buffer.concat(parts).toString('utf8');
    }
    const record = JSON.parse(text.split('\n')[(e?.prov.locator.line ?? 0) - 1] ?? '{}') as { Message?: string };
    expect(record.Message).toMatch(/Cmdlet Set-OabVirtualDirectory, parameters -ExternalUrl "http:\/\/ffff\/#<script language="JScript" runat="server">/);
  });

  it('flags the web shell written to owa/auth (ohyeah.aspx), traced to the Sysmon file-creation record', () => {
    const f = c.findings.find((x) => x.rule.title.includes('ASPX File Created in a Web Shell Location'));
    expect(f?.level).toBe('critical');
    expect(f?.attack).toContain('T1505.003');
    expect(valueText(f as Finding)).toContain('owa\\\\auth\\\\ohyeah.aspx');
    expect(f?.events[0]?.prov.locator.line).toBe(3733);
  });

  it('flags the web shell being used: w3wp (OWA pool) starting cmd /c whoami, in Sysmon and Security 4688', () => {
    const fs = c.findings.filter((x) => x.rule.title === 'Exchange Worker Process Spawned a Shell');
    expect(fs.length).toBe(4);
    expect(fs.every((f) => valueText(f).includes('cmd'))).toBe(true);
  });

  it('verdicts: CVE-2021-27065 exploited; CVE-2021-26855 cannot tell (no IIS or HttpProxy logs in the capture)', () => {
    const vs = assessExchange(c);
    expect(vs.find((v) => v.cve === 'CVE-2021-27065')?.status).toBe('exploited');
    const ssrf = vs.find((v) => v.cve === 'CVE-2021-26855');
    expect(ssrf?.status).toBe('cannot-tell');
    expect(ssrf?.reason).toMatch(/no httpproxy \/ iis logs/);
  });

  it('raises nothing high or critical outside the attack (the capture also holds ~10k routine events)', () => {
    const loud = c.findings.filter((f) => f.level === 'high' || f.level === 'critical');
    expect(loud.every((f) => (f.first ?? 0) >= Date.parse('2021-03-14T01:40:00Z'))).toBe(true);
    expect(loud.length).toBe(6);
  });
});
