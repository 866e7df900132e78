import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../core/index.js';
import { flattenWindowsEvent } from '../evidence/windows/flatten.js';
import type { KahuEvent } from '../model/index.js';
import { Finding } from '../model/index.js';
import { loadRuleTexts } from '../sigma/index.js';
import { createSigmaDetector, splitTags } from './detector.js';

/** Builds an evtx_dump-layout event and flattens it, as the JSON and EVTX readers do. */
function winEvent(channel: string, id: number, data: Record<string, string | number>, record = 1): KahuEvent {
  const ev = flattenWindowsEvent(
    {
      Event: {
        System: {
          Provider: { '#attributes': { Name: channel === 'Security' ? 'Microsoft-Windows-Security-Auditing' : 'Microsoft-Windows-Sysmon' } },
          EventID: id,
          Channel: channel,
          Computer: 'host1',
          TimeCreated: { '#attributes': { SystemTime: '2024-03-01T10:00:00.000000Z' } },
          EventRecordID: record,
        },
        EventData: data,
      },
    },
    { evidenceId: 'e1', path: 'Security.evtx', locator: { record } },
  );
  if (!ev) throw new Error('not an event');
  return ev;
}

const RULES = `title: Encoded PowerShell
id: 11111111-1111-4111-8111-111111111111
status: test
tags: [attack.execution, attack.t1059.001, cve.2021-26855]
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: sel
level: high
---
title: Logon
id: 22222222-2222-4222-8222-222222222222
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4624
    LogonType: 10
  condition: sel
level: medium
`;

describe('createSigmaDetector', () => {
  const issues = new IssueCollector();
  const set = loadRuleTexts([{ file: 'rules/test.yml', text: RULES }], issues);
  const det = createSigmaDetector(set);

  it('reports a Sysmon match with rule location, tags split into ATT&CK and CVE, and the values looked at', () => {
    const ev = winEvent('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: 'powershell -enc SQBFAFgA', User: 'x' });
    const [f, ...rest] = det.onEvents([ev], issues);
    expect(rest).toEqual([]);
    expect(Finding.parse(f)).toBeTruthy();
    expect(f).toMatchObject({
      engine: 'sigma',
      rule: { id: '11111111-1111-4111-8111-111111111111', title: 'Encoded PowerShell', file: 'rules/test.yml', line: 1 },
      level: 'high',
      attack: ['T1059.001'],
      cves: ['CVE-2021-26855'],
      tags: ['attack.execution'],
      eventCount: 1,
    });
    expect(f!.events[0]!.prov).toEqual(ev.prov);
    expect(f!.events[0]!.values).toMatchObject({ Image: expect.stringContaining('powershell.exe'), CommandLine: 'powershell -enc SQBFAFgA', EventID: 1 });
    expect(f!.events[0]!.values).not.toHaveProperty('User');
  });

  it("reports the rule's fields: attribute with a keyword match, renamed for the mapping", () => {
    const kw = loadRuleTexts(
      [
        {
          file: 'rules/kw.yml',
          text: `title: Keyword
id: 33333333-3333-4333-8333-333333333333
logsource:
  product: windows
  category: process_creation
detection:
  keywords: ['-enc ']
  condition: keywords
fields: [Image, CommandLine]
level: low
`,
        },
      ],
      issues,
    );
    const d = createSigmaDetector(kw);
    const sysmon = winEvent('Microsoft-Windows-Sysmon/Operational', 1, { Image: 'C:\\p.exe', CommandLine: 'p -enc AA', User: 'x' });
    expect(d.onEvents([sysmon], issues)[0]!.events[0]!.values).toMatchObject({ Image: 'C:\\p.exe', CommandLine: 'p -enc AA' });
    const sec = winEvent('Security', 4688, { NewProcessName: 'C:\\q.exe', CommandLine: 'q -enc BB' });
    const v = d.onEvents([sec], issues)[0]!.events[0]!.values;
    expect(v).toMatchObject({ NewProcessName: 'C:\\q.exe', CommandLine: 'q -enc BB' });
    expect(v).not.toHaveProperty('User');
  });

  it('matches the same rule on Security 4688 through the renamed fields', () => {
    const ev = winEvent('Security', 4688, { NewProcessName: 'C:\\x\\powershell.exe', CommandLine: 'powershell.exe -enc AAAA' });
    const fs = det.onEvents([ev], issues);
    expect(fs.map((f) => f.rule.title)).toEqual(['Encoded PowerShell']);
    expect(fs[0]!.events[0]!.values).toHaveProperty('NewProcessName');
  });

  it('does not match another channel or EventID (logsource conditions)', () => {
    const wrong = winEvent('Microsoft-Windows-Sysmon/Operational', 3, { Image: 'C:\\powershell.exe', CommandLine: 'x -enc y' });
    expect(det.onEvents([wrong], issues)).toEqual([]);
    const logon = winEvent('Security', 4624, { LogonType: 10 });
    expect(det.onEvents([logon], issues).map((f) => f.rule.title)).toEqual(['Logon']);
  });

  it('offers an event only the rules indexed under its Channel and EventID', () => {
    expect(det.index.candidates(winEvent('Security', 4624, {})).map((t) => t.rule.title)).toEqual(['Logon']);
    expect(det.index.candidates(winEvent('Security', 1102, {}))).toEqual([]);
    expect(det.index.candidates(winEvent('Microsoft-Windows-Sysmon/Operational', 1, {})).map((t) => t.mapping)).toEqual(['sysmon']);
  });

  it('gives a stable finding id per rule and event: rule digest, file digest and locator', () => {
    const ev = winEvent('Security', 4624, { LogonType: 10 }, 7);
    const id = det.onEvents([ev], issues)[0]!.id;
    expect(id).toBe(det.onEvents([ev], issues)[0]!.id);
    const sha = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);
    expect(id).toBe(`${sha('sigma\u000022222222-2222-4222-8222-222222222222', 12)}.${sha('e1\u0000Security.evtx', 16)}.r7`);
    // Another record, file or evidence gives another id; every locator member present is written out.
    const other = (prov: Partial<KahuEvent['prov']>): string => det.onEvents([{ ...ev, prov: { ...ev.prov, ...prov } }], issues)[0]!.id;
    expect(other({ locator: { record: 8 } })).not.toBe(id);
    expect(other({ path: 'Other.evtx' })).not.toBe(id);
    expect(other({ evidenceId: 'e2' })).not.toBe(id);
    expect(other({ locator: { line: 3, offset: 40, record: 2, chunk: 1 } })).toMatch(/\.l3o40r2c1$/);
  });
});

describe('splitTags', () => {
  it('upper-cases techniques and formats CVEs', () => {
    expect(splitTags(['attack.t1505.003', 'attack.T1190', 'cve.2021-34473', 'attack.s0001', 'detection.emerging-threats'])).toEqual({
      attack: ['T1505.003', 'T1190'],
      cves: ['CVE-2021-34473'],
      other: ['attack.s0001', 'detection.emerging-threats'],
    });
  });
});
