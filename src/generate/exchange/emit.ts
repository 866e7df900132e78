import {
  CMDLET_FIELDS,
  csvRow,
  dayStamp,
  ECP_FIELDS,
  exchangeHeader,
  hourStamp,
  HTTPPROXY_FIELDS,
  iisHeader,
  iisLine,
  isoTime,
  OAB_FIELDS,
  RPS_FIELDS,
  type IisRequest,
} from './formats.js';
import { Rng } from '../rng.js';
import { ev, eventJson, type EvtxValue, type WinEvent } from '../evtx/index.js';
import type { PlantedRef, SliceSink } from './sink.js';
import { EX_ROOT, type World } from './world.js';

/** How Windows event logs are written: `.evtx` as on a real server, JSON lines (evtx_dump layout), or both. */
export type EventLogForm = 'evtx' | 'jsonl' | 'both';

/** A Windows event as scenarios describe it; the emitter fills in the System details its provider writes. */
export interface WinEventSpec {
  t: number;
  channel: string;
  provider: string;
  eventId: number;
  level: number;
  version?: number;
  /** Named EventData items (object) or the unnamed insertion strings of a classic event (array). */
  data: Readonly<Record<string, EvtxValue>> | readonly EvtxValue[];
}

/** Where Windows keeps a channel's log: `%SystemRoot%\System32\winevt\Logs\<channel, / as %4>.evtx`. */
export function evtxPath(channel: string): string {
  return `C/Windows/System32/winevt/Logs/${channel.replaceAll('/', '%4')}.evtx`;
}

/** Where the JSON-lines export of a channel goes (an analyst's export, not a Windows path). */
export function jsonlPath(channel: string): string {
  return `EventLogs/${channel.replaceAll('/', '%4')}.jsonl`;
}

const SYSMON_GUID = '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}';
/** Sysmon's event versions (schema 4.x) for the events the generator writes. */
const SYSMON_VERSION: Record<number, number> = { 1: 5, 11: 2 };

type Vals = Record<string, string | number | boolean | null | undefined>;

/** Writes log records for one world into a sink: one method per log family. */
export class Emitter {
  /** Process ids of the services that log events (stable per provider, as on a running server). */
  private readonly pids = new Map<string, number>();
  // System details of events (pids, thread ids) come from their own stream, so the records of every other log
  // are the same whichever event log form is chosen.
  private readonly sysRng: Rng;

  constructor(
    readonly w: World,
    readonly sink: SliceSink,
    readonly rng: Rng,
    readonly eventLogs: EventLogForm = 'evtx',
    seed = 1,
  ) {
    this.sysRng = new Rng(seed ^ 0x0e7e_c7a1);
  }

  private get version(): string {
    const [a, b, c, d] = this.w.build;
    return `${String(a).padStart(2, '0')}.${String(b).padStart(2, '0')}.${String(c).padStart(4, '0')}.${String(d).padStart(3, '0')}`;
  }

  private buildVals(): Vals {
    const [a, b, c, d] = this.w.build;
    return { MajorVersion: a, MinorVersion: b, BuildVersion: c, RevisionVersion: d };
  }

  /** Front-end (Default Web Site, W3SVC1) IIS line. */
  iisFront(r: Omit<IisRequest, 'sIp' | 'port'> & { port?: number }, planted?: PlantedRef): void {
    const req: IisRequest = { sIp: this.w.serverIp, port: 443, ...r };
    this.sink.add({
      file: `C/inetpub/logs/LogFiles/W3SVC1/u_ex${dayStamp(r.t)}.log`,
      t: r.t,
      text: iisLine(req),
      header: () => iisHeader(r.t),
      ...(planted ? { planted } : {}),
    });
  }

  /** Back-end (Exchange Back End, W3SVC2, port 444) IIS line for a proxied request. */
  iisBack(r: Omit<IisRequest, 'sIp' | 'port' | 'cIp'>, planted?: PlantedRef): void {
    const req: IisRequest = { ...r, sIp: this.w.serverIp, port: 444, cIp: this.w.serverIp };
    this.sink.add({
      file: `C/inetpub/logs/LogFiles/W3SVC2/u_ex${dayStamp(r.t)}.log`,
      t: r.t + 3,
      text: iisLine(req),
      header: () => iisHeader(r.t),
      ...(planted ? { planted } : {}),
    });
  }

  /** HttpProxy line under Logging\HttpProxy\<protocol>. */
  httpProxy(protocol: string, t: number, v: Vals, planted?: PlantedRef): void {
    const values: Vals = {
      DateTime: isoTime(t),
      RequestId: this.rng.guid(),
      ...this.buildVals(),
      ClientRequestId: '',
      Protocol: protocol,
      UrlHost: this.w.mailHost,
      ServerHostName: this.w.host,
      TargetServer: this.w.fqdn,
      TargetServerVersion: this.version,
      ProxyAction: 'ProxyRequest',
      RoutingType: 'Mailbox',
      BackEndStatus: v.HttpStatus,
      RequestBytes: this.rng.int(200, 4000),
      ResponseBytes: this.rng.int(300, 40000),
      TotalRequestTime: this.rng.int(5, 400),
      ...v,
    };
    this.sink.add({
      file: `${EX_ROOT}/Logging/HttpProxy/${protocol}/HttpProxy_${hourStamp(t)}-1.LOG`,
      t,
      text: csvRow(HTTPPROXY_FIELDS, values),
      header: () => exchangeHeader('HttpProxy Logs', this.version, t, HTTPPROXY_FIELDS),
      ...(planted ? { planted } : {}),
    });
  }

  /** ECP server log line (Logging\ECP\Server). */
  ecp(t: number, eventData: string, planted?: PlantedRef): void {
    this.sink.add({
      file: `${EX_ROOT}/Logging/ECP/Server/ECPServer_${hourStamp(t)}-1.LOG`,
      t,
      text: csvRow(ECP_FIELDS, { TimeStamp: isoTime(t), ServerName: this.w.host, EventId: 'Microsoft.Exchange.Management.ControlPanel.ServerTraceLog', EventData: eventData }),
      header: () => exchangeHeader('ECP Server Log', this.version, t, ECP_FIELDS),
      ...(planted ? { planted } : {}),
    });
  }

  /** OAB generator log line (Logging\OABGeneratorLog). */
  oab(t: number, level: string, message: string, planted?: PlantedRef): void {
    this.sink.add({
      file: `${EX_ROOT}/Logging/OABGeneratorLog/OABGenerator_${hourStamp(t).slice(0, 8)}-1.LOG`,
      t,
      text: csvRow(OAB_FIELDS, { Timestamp: isoTime(t), ThreadId: this.rng.int(10, 90), Level: level, Source: 'OABGenerator', Message: message }),
      header: () => exchangeHeader('OAB Generator Log', this.version, t, OAB_FIELDS),
      ...(planted ? { planted } : {}),
    });
  }

  /** Rps_Http line (Logging\CmdletInfra\Powershell-Proxy\Http). */
  rps(t: number, v: Vals, planted?: PlantedRef): void {
    const values: Vals = {
      DateTime: isoTime(t),
      StartTime: isoTime(t - this.rng.int(50, 900)),
      RequestId: this.rng.guid(),
      ...this.buildVals(),
      UrlHost: this.w.fqdn,
      UrlStem: '/powershell',
      AuthenticationType: 'Kerberos',
      IsAuthenticated: true,
      ServerHostName: this.w.host,
      FrontEndServer: this.w.fqdn,
      SubStatus: 0,
      Action: 'Command',
      SessionId: this.rng.guid(),
      ShellId: this.rng.guid().toUpperCase(),
      FailFast: false,
      ContributeToFailFast: false,
      RequestBytes: this.rng.int(500, 9000),
      CPU: this.rng.int(0, 200),
      Memory: this.rng.int(1000, 9000),
      TotalTime: this.rng.int(20, 2000),
      ...v,
    };
    this.sink.add({
      file: `${EX_ROOT}/Logging/CmdletInfra/Powershell-Proxy/Http/Rps_Http_${hourStamp(t)}-1.LOG`,
      t,
      text: csvRow(RPS_FIELDS, values),
      header: () => exchangeHeader('Rps Http Logs', this.version, t, RPS_FIELDS),
      ...(planted ? { planted } : {}),
    });
  }

  /** CmdletInfra cmdlet log line (Logging\CmdletInfra\LocalPowerShell\Cmdlet). */
  cmdletLog(t: number, user: string, cmdlet: string, parameters: string, planted?: PlantedRef): void {
    const values: Vals = {
      DateTime: isoTime(t),
      RequestId: this.rng.guid(),
      ...this.buildVals(),
      ServerHostName: this.w.host,
      ProcessId: this.rng.int(1000, 30000),
      ProcessName: 'w3wp',
      AuthenticatedUser: user,
      ClientApplication: 'Unknown',
      Cmdlet: cmdlet,
      Parameters: parameters,
      OutputObjectCount: 1,
      TotalTime: this.rng.int(10, 900),
      ErrorType: '',
      Error: '',
    };
    this.sink.add({
      file: `${EX_ROOT}/Logging/CmdletInfra/LocalPowerShell/Cmdlet/LocalPowerShell_Cmdlet_${hourStamp(t)}-1.LOG`,
      t,
      text: csvRow(CMDLET_FIELDS, values),
      header: () => exchangeHeader('Cmdlet Logs', this.version, t, CMDLET_FIELDS),
      ...(planted ? { planted } : {}),
    });
  }

  private pid(provider: string): number {
    let p = this.pids.get(provider);
    if (p === undefined) this.pids.set(provider, (p = 4 * this.sysRng.int(200, 2500)));
    return p;
  }

  /** The full event: Sysmon as a manifest provider (GUID, task = event id, SYSTEM), the rest as classic sources. */
  private winEvent(e: WinEventSpec): WinEvent {
    const common = { time: e.t, ticks: this.sysRng.int(0, 9999), provider: e.provider, eventId: e.eventId, level: e.level, channel: e.channel, computer: this.w.fqdn, data: e.data };
    const threadId = 4 * this.sysRng.int(100, 3000);
    if (e.provider === 'Microsoft-Windows-Sysmon') {
      return { ...common, providerGuid: SYSMON_GUID, version: e.version ?? SYSMON_VERSION[e.eventId] ?? 2, task: e.eventId, keywords: 0x8000000000000000n, processId: this.pid(e.provider), threadId, userId: 'S-1-5-18' };
    }
    // Classic (ReportEvent) sources: the severity bits of the message id as Qualifiers (0x4004 informational,
    // 0x8004 warning, 0xC004 error, facility 4 as Exchange's messages use), the Classic keyword.
    const qualifiers = e.level <= 2 ? 0xc004 : e.level === 3 ? 0x8004 : 0x4004;
    return { ...common, ...(e.version === undefined ? {} : { version: e.version }), qualifiers, keywords: 0x80000000000000n, processId: this.pid(e.provider), threadId };
  }

  /** A Windows event, into its channel's `.evtx` log and/or JSON-lines export (`eventLogs`). */
  win(spec: WinEventSpec, planted?: PlantedRef): void {
    const e = this.winEvent(spec);
    const extra = planted ? { planted } : {};
    if (this.eventLogs !== 'jsonl') this.sink.add({ file: evtxPath(e.channel), t: e.time, event: e, ...extra });
    if (this.eventLogs !== 'evtx') {
      this.sink.add({ file: jsonlPath(e.channel), t: e.time, text: (line) => JSON.stringify(eventJson(e, BigInt(line))), header: () => [], ...extra });
    }
  }

  /** MSExchange Management EventID 1 ("Cmdlet succeeded") with unnamed Data items as Exchange writes them. */
  managementCmdlet(t: number, cmdlet: string, parameters: string, user: string, planted?: PlantedRef): void {
    this.win(
      {
        t,
        channel: 'MSExchange Management',
        provider: 'MSExchange CmdletLogs',
        eventId: 1,
        level: 4,
        data: [cmdlet, parameters, user, `S-1-5-21-1004336348-1177238915-682003330-${this.rng.int(1100, 1300)}`, 'w3wp', String(this.rng.int(1000, 30000)), 'Remote-PowerShell-Unknown', '', ''],
      },
      planted,
    );
  }

  private processGuid(): EvtxValue {
    return ev.guid(this.rng.guid());
  }

  /** Sysmon EventID 1 (process creation). */
  sysmonProcess(t: number, image: string, commandLine: string, parentImage: string, parentCommandLine: string, planted?: PlantedRef): void {
    this.win(
      {
        t,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        provider: 'Microsoft-Windows-Sysmon',
        eventId: 1,
        level: 4,
        data: {
          RuleName: '-',
          UtcTime: isoTime(t).replace('T', ' ').replace('Z', ''),
          ProcessGuid: this.processGuid(),
          ProcessId: this.rng.int(1000, 30000),
          Image: image,
          CommandLine: commandLine,
          CurrentDirectory: 'C:\\Windows\\system32\\inetsrv\\',
          User: 'NT AUTHORITY\\SYSTEM',
          IntegrityLevel: 'System',
          ParentProcessGuid: this.processGuid(),
          ParentProcessId: this.rng.int(1000, 30000),
          ParentImage: parentImage,
          ParentCommandLine: parentCommandLine,
        },
      },
      planted,
    );
  }

  /** Sysmon EventID 11 (file created). */
  sysmonFile(t: number, image: string, target: string, planted?: PlantedRef): void {
    this.win(
      {
        t,
        channel: 'Microsoft-Windows-Sysmon/Operational',
        provider: 'Microsoft-Windows-Sysmon',
        eventId: 11,
        level: 4,
        data: {
          RuleName: '-',
          UtcTime: isoTime(t).replace('T', ' ').replace('Z', ''),
          ProcessGuid: this.processGuid(),
          ProcessId: this.rng.int(1000, 30000),
          Image: image,
          TargetFilename: target,
          CreationUtcTime: isoTime(t).replace('T', ' ').replace('Z', ''),
        },
      },
      planted,
    );
  }
}

/** The w3wp command line of an Exchange application pool. */
export function w3wpCommandLine(pool: string): string {
  return `c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "${pool}" -v "v4.0" -c "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\GenericAppPoolConfigWithGCServerEnabledFalse.config" -a \\\\.\\pipe\\iisipm${'0'.repeat(8)} -h "C:\\inetpub\\temp\\apppools\\${pool}\\${pool}.config" -w "" -m 0`;
}
