import { describe, expect, it } from 'vitest';
import { flattenWindowsEvent } from './flatten.js';

const prov = { evidenceId: 'e1', path: 'x.json', locator: { line: 1 } };

describe('flattenWindowsEvent', () => {
  it('flattens System and EventData the way Sigma names them', () => {
    const ev = flattenWindowsEvent(
      {
        Event: {
          '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F' } },
            EventID: 1,
            TimeCreated: { '#attributes': { SystemTime: '2021-03-14T01:40:19.5Z' } },
            EventRecordID: 7,
            Execution: { '#attributes': { ProcessID: 3208, ThreadID: 1724 } },
            Channel: 'Microsoft-Windows-Sysmon/Operational',
            Computer: 'EX01',
            Security: { '#attributes': { UserID: 'S-1-5-18' } },
          },
          EventData: { Image: 'C:\\Windows\\System32\\cmd.exe', ProcessId: 15 },
        },
      },
      prov,
    );
    expect(ev?.fields).toMatchObject({
      EventID: 1,
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'EX01',
      EventRecordID: 7,
      ProcessID: 3208,
      UserID: 'S-1-5-18',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      ProcessId: 15,
    });
    expect(ev?.time).toBe(Date.UTC(2021, 2, 14, 1, 40, 19, 500));
    expect(ev?.host).toBe('EX01');
  });

  it('reads EventID with Qualifiers and UserData payloads', () => {
    const ev = flattenWindowsEvent(
      {
        Event: {
          System: { EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4625 }, Channel: 'Security' },
          UserData: { Op: { '#attributes': { xmlns: 'x' }, User: 'a\\b', ResultCode: '0x1' } },
        },
      },
      prov,
    );
    expect(ev?.fields.EventID).toBe(4625);
    expect(ev?.fields.EventID_Qualifiers).toBe(16384);
    expect(ev?.fields.User).toBe('a\\b');
    expect(ev?.time).toBeNull();
  });

  it('returns null for objects that are not Windows events', () => {
    expect(flattenWindowsEvent({ foo: 1 }, prov)).toBeNull();
    expect(flattenWindowsEvent('x', prov)).toBeNull();
  });
});
