// Line formats of the logs an Exchange 2013-2019 server writes, as the generator emits them.
// IIS: W3C extended log (Microsoft "W3C Extended Log File Format (IIS 6.0)"); Exchange logs: Exchange's CSV log
// format with `#Software/#Version/#Log-type/#Date/#Fields` headers (HttpProxy field list as in the reference notes,
// docs/exchange.md). Windows events are written by ../evtx (EVTX, and its evtx_dump JSON twin).

/** Fields IIS writes by default (IIS 8.5-10), in order. */
export const IIS_FIELDS = [
  'date',
  'time',
  's-ip',
  'cs-method',
  'cs-uri-stem',
  'cs-uri-query',
  's-port',
  'cs-username',
  'c-ip',
  'cs(User-Agent)',
  'cs(Referer)',
  'sc-status',
  'sc-substatus',
  'sc-win32-status',
  'time-taken',
] as const;

/** Header lines of an IIS log file first written at `t`. */
export function iisHeader(t: number): string[] {
  return [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    `#Date: ${iisDate(t)} ${iisTime(t)}`,
    `#Fields: ${IIS_FIELDS.join(' ')}`,
  ];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}
/** `YYYY-MM-DD` (UTC). */
export function iisDate(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
/** `HH:MM:SS` (UTC). */
export function iisTime(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** ISO 8601 with milliseconds, as Exchange logs write DateTime. */
export function isoTime(t: number): string {
  return new Date(t).toISOString();
}
/** `YYYYMMDDHH` for hourly log file names. */
export function hourStamp(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
}
/** `YYMMDD` for IIS daily file names (u_exYYMMDD.log). */
export function dayStamp(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** One IIS request. Empty values are written `-`; IIS writes spaces in header fields as `+`. */
export interface IisRequest {
  t: number;
  sIp: string;
  method: string;
  stem: string;
  query: string;
  port: number;
  user: string;
  cIp: string;
  ua: string;
  referer?: string;
  status: number;
  substatus?: number;
  win32?: number;
  taken: number;
}

function w3c(v: string | undefined): string {
  if (v === undefined || v === '') return '-';
  return v.replaceAll(' ', '+');
}

/** Formats an IIS W3C line. */
export function iisLine(r: IisRequest): string {
  return [
    iisDate(r.t),
    iisTime(r.t),
    r.sIp,
    r.method,
    r.stem,
    r.query === '' ? '-' : r.query,
    String(r.port),
    w3c(r.user),
    r.cIp,
    w3c(r.ua),
    w3c(r.referer),
    String(r.status),
    String(r.substatus ?? 0),
    String(r.win32 ?? 0),
    String(r.taken),
  ].join(' ');
}

/** Quotes a CSV value the way Exchange's log writer does (only when needed; `"` doubled). */
export function csv(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Header lines of an Exchange CSV log. */
export function exchangeHeader(logType: string, version: string, t: number, fields: readonly string[]): string[] {
  return ['#Software: Microsoft Exchange Server', `#Version: ${version}`, `#Log-type: ${logType}`, `#Date: ${isoTime(t)}`, `#Fields: ${fields.join(',')}`];
}

/** Formats one CSV row in the order of `fields`. */
export function csvRow(fields: readonly string[], values: Record<string, string | number | boolean | null | undefined>): string {
  return fields.map((f) => csv(values[f])).join(',');
}

/** HttpProxy log fields (Exchange 2016/2019), in order. */
export const HTTPPROXY_FIELDS = [
  'DateTime', 'RequestId', 'MajorVersion', 'MinorVersion', 'BuildVersion', 'RevisionVersion', 'ClientRequestId', 'Protocol',
  'UrlHost', 'UrlStem', 'ProtocolAction', 'AuthenticationType', 'IsAuthenticated', 'AuthenticatedUser', 'Organization',
  'AnchorMailbox', 'UserAgent', 'ClientIpAddress', 'ServerHostName', 'HttpStatus', 'BackEndStatus', 'ErrorCode', 'Method',
  'ProxyAction', 'TargetServer', 'TargetServerVersion', 'RoutingType', 'RoutingHint', 'BackEndCookie', 'ServerLocatorHost',
  'ServerLocatorLatency', 'RequestBytes', 'ResponseBytes', 'TargetOutstandingRequests', 'AuthModulePerfContext',
  'HttpPipelineLatency', 'CalculateTargetBackEndLatency', 'GlsLatencyBreakup', 'TotalGlsLatency', 'AccountForestLatencyBreakup',
  'TotalAccountForestLatency', 'ResourceForestLatencyBreakup', 'TotalResourceForestLatency', 'ADLatency',
  'SharedCacheLatencyBreakup', 'TotalSharedCacheLatency', 'ActivityContextLifeTime', 'ModuleToHandlerSwitchingLatency',
  'ClientReqStreamLatency', 'BackendReqInitLatency', 'BackendReqStreamLatency', 'BackendProcessingLatency',
  'BackendRespInitLatency', 'BackendRespStreamLatency', 'ClientRespStreamLatency', 'KerberosAuthHeaderLatency',
  'HandlerCompletionLatency', 'RequestHandlerLatency', 'HandlerToModuleSwitchingLatency', 'ProxyTime', 'CoreLatency',
  'RoutingLatency', 'HttpProxyOverhead', 'TotalRequestTime', 'RouteRefresherLatency', 'UrlQuery', 'BackEndGenericInfo',
  'GenericInfo', 'GenericErrors', 'EdgeTraceId', 'DatabaseGuid', 'UserADObjectGuid', 'PartitionEndpointLookupLatency',
  'RoutingStatus',
] as const;

/** ECP server log fields. */
export const ECP_FIELDS = ['TimeStamp', 'ServerName', 'EventId', 'EventData'] as const;

/** OAB generator log fields. */
export const OAB_FIELDS = ['Timestamp', 'ThreadId', 'Level', 'Source', 'Message'] as const;

/** Rps_Http (CmdletInfra\Powershell-Proxy\Http) fields, per CrowdStrike's OWASSRF script. */
export const RPS_FIELDS = [
  'DateTime', 'StartTime', 'RequestId', 'MajorVersion', 'MinorVersion', 'BuildVersion', 'RevisionVersion', 'ClientRequestId',
  'UrlHost', 'UrlStem', 'AuthenticationType', 'IsAuthenticated', 'AuthenticatedUser', 'Organization', 'ManagedOrganization',
  'ClientIpAddress', 'ServerHostName', 'FrontEndServer', 'HttpStatus', 'SubStatus', 'ErrorCode', 'Action', 'CommandId',
  'CommandName', 'SessionId', 'ShellId', 'FailFast', 'ContributeToFailFast', 'RequestBytes', 'ClientInfo', 'CPU', 'Memory',
  'ActivityContextLifeTime', 'TotalTime', 'UrlQuery', 'GenericLatency', 'GenericInfo', 'GenericErrors',
] as const;

/** CmdletInfra cmdlet log fields (subset Exchange writes for each cmdlet run). */
export const CMDLET_FIELDS = [
  'DateTime', 'RequestId', 'MajorVersion', 'MinorVersion', 'BuildVersion', 'RevisionVersion', 'ServerHostName', 'ProcessId',
  'ProcessName', 'AuthenticatedUser', 'ClientApplication', 'Cmdlet', 'Parameters', 'OutputObjectCount', 'TotalTime',
  'ErrorType', 'Error',
] as const;
