/**
 * Factories for Windows events exported as JSON in the layouts Kahu reads (evtx_dump, OTRF/Mordor,
 * Winlogbeat/ECS, Velociraptor). One logical event — a Sysmon process creation — rendered four ways, so
 * tests can check that all four become the same Windows event.
 */

/** One logical Windows event, independent of layout. */
export interface WinEventSpec {
  eventId: number;
  channel: string;
  provider: string;
  computer: string;
  recordId: number;
  time: string;
  data: Record<string, string>;
}

/** The logical event every layout below renders. */
export const SYSMON_1: WinEventSpec = {
  eventId: 1,
  channel: 'Microsoft-Windows-Sysmon/Operational',
  provider: 'Microsoft-Windows-Sysmon',
  computer: 'EX01.example.org',
  recordId: 4242,
  time: '2021-03-03T07:44:01.123Z',
  data: {
    Image: 'C:\\Windows\\System32\\cmd.exe',
    CommandLine: 'cmd.exe /c whoami & echo [S]',
    ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
    ParentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeECPAppPool"',
  },
};

/** evtx_dump / SigmaHQ regression layout. */
export function evtxDumpJson(e: WinEventSpec = SYSMON_1): Record<string, unknown> {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: e.provider, Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
        EventID: e.eventId,
        TimeCreated: { '#attributes': { SystemTime: e.time.replace('Z', '000Z') } },
        EventRecordID: e.recordId,
        Channel: e.channel,
        Computer: e.computer,
      },
      EventData: { ...e.data },
    },
  };
}

/** OTRF Security-Datasets (NXLog/Logstash) flat layout. */
export function otrfJson(e: WinEventSpec = SYSMON_1): Record<string, unknown> {
  return {
    SourceName: e.provider,
    Channel: e.channel,
    Hostname: e.computer,
    EventID: e.eventId,
    RecordNumber: e.recordId,
    '@timestamp': e.time,
    TimeCreated: e.time.replace('T', ' ').replace('Z', ''),
    Message: 'Process Create:',
    ...e.data,
  };
}

/** Winlogbeat / ECS layout. */
export function ecsJson(e: WinEventSpec = SYSMON_1): Record<string, unknown> {
  return {
    '@timestamp': e.time,
    event: { code: String(e.eventId), provider: e.provider },
    host: { name: 'ex01' },
    winlog: {
      event_id: String(e.eventId),
      channel: e.channel,
      provider_name: e.provider,
      computer_name: e.computer,
      record_id: e.recordId,
      event_data: { ...e.data },
    },
  };
}

/** Velociraptor parse_evtx row layout (SystemTime in epoch seconds). */
export function velociraptorJson(e: WinEventSpec = SYSMON_1): Record<string, unknown> {
  return {
    System: {
      Provider: { Name: e.provider, Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' },
      EventID: { Value: e.eventId },
      TimeCreated: { SystemTime: Date.parse(e.time) / 1000 },
      EventRecordID: e.recordId,
      Channel: e.channel,
      Computer: e.computer,
    },
    EventData: { ...e.data },
    Message: 'Process Create:',
  };
}
