/**
 * Factories for Exchange Server CSV logs (HttpProxy, ECP, OAB generator, Rps_Http, cmdlet logs), written the
 * way Exchange writes them: directives, `#Fields:` with comma-separated names, RFC 4180 quoting, CRLF.
 * Field lists follow docs/formats/exchange-logs.md; every value is synthetic.
 */

// Field lists are shared with the evidence generator, so tests and demo write the same layouts.
export { HTTPPROXY_FIELDS, ECP_FIELDS, RPS_FIELDS as RPS_HTTP_FIELDS } from '../../src/generate/exchange/formats.js';

/** Rps cmdlet log fields (subset that matters plus the framing columns). */
export const CMDLET_FIELDS = [
  'DateTime', 'StartTime', 'RequestId', 'ClientRequestId', 'MajorVersion', 'MinorVersion', 'BuildVersion', 'RevisionVersion',
  'ServerHostName', 'ProcessId', 'ProcessName', 'ThreadId', 'CultureInfo', 'Organization', 'AuthenticatedUser',
  'ExecutingUserSid', 'EffectiveOrganization', 'UserServicePlan', 'IsAdmin', 'ClientApplication', 'Cmdlet', 'Parameters',
  'CmdletUniqueId', 'ExecutionResult', 'GenericInfo', 'GenericErrors', 'NonPiiParameters',
] as const;

/** Quotes a CSV value when it needs it (comma, quote, CR/LF), doubling inner quotes. */
export function csvValue(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record for `fields` from a partial record (missing values empty). */
export function csvLine(fields: readonly string[], rec: Record<string, string | number | boolean | undefined>): string {
  return fields.map((f) => csvValue(rec[f])).join(',') + '\r\n';
}

/** A whole Exchange log: optional bare header line, directives, records. */
export function exchangeLog(opts: {
  logType: string;
  fields: readonly string[];
  records: Array<Record<string, string | number | boolean | undefined>>;
  /** Newer builds write the bare field list first. */
  bareHeaderFirst?: boolean;
  date?: string;
  version?: string;
}): string {
  let s = opts.bareHeaderFirst ? `${opts.fields.join(',')}\r\n` : '';
  s += '#Software: Microsoft Exchange Server\r\n';
  s += `#Version: ${opts.version ?? '15.01.2375.007'}\r\n`;
  s += `#Log-type: ${opts.logType}\r\n`;
  s += `#Date: ${opts.date ?? '2021-03-03T00:00:00.000Z'}\r\n`;
  s += `#Fields: ${opts.fields.join(',')}\r\n`;
  for (const r of opts.records) s += csvLine(opts.fields, r);
  return s;
}

/** A ProxyLogon-style (CVE-2021-26855) HttpProxy record: unauthenticated, AnchorMailbox `ServerInfo~a]@host/...`. */
export function proxyLogonRecord(overrides: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    DateTime: '2021-03-03T07:43:16.331Z',
    RequestId: '1f3c0a9e-5b7d-4c21-9e0f-2d6a8b4c7e11',
    MajorVersion: 15,
    MinorVersion: 1,
    BuildVersion: 2176,
    RevisionVersion: 2,
    Protocol: 'Ecp',
    UrlHost: 'mail.example.org',
    UrlStem: '/ecp/y.js',
    AuthenticationType: '',
    IsAuthenticated: 'false',
    AuthenticatedUser: '',
    AnchorMailbox: 'ServerInfo~a]@EX01.example.org:444/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory#',
    UserAgent: 'ExchangeServicesClient/0.0.0.0',
    ClientIpAddress: '203.0.113.7',
    ServerHostName: 'EX01',
    HttpStatus: 200,
    BackEndStatus: 200,
    Method: 'POST',
    ProxyAction: 'Proxy',
    TargetServer: 'EX01.example.org',
    RoutingHint: 'ServerInfo',
    BackEndCookie: '',
    GenericInfo: 'BeginRequest=2021-03-03T07:43:16.290Z;CorrelationID=<empty>;ProxyState-Run=None;',
    ...overrides,
  };
}
