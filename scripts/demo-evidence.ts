// A small, synthetic Exchange front-end evidence folder for `npm run demo`: one day of IIS (W3SVC1) and
// HttpProxy (Ecp, Owa) logs with benign traffic and a handful of ProxyLogon-style requests mixed in.
// Everything is made up here (RFC 5737 / RFC 1918 addresses, contoso.local); deterministic from a seed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the generator wrote. */
export interface DemoEvidence {
  root: string;
  files: string[];
  /** Requests planted as attack traffic (for the demo's closing note). */
  planted: number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = Date.UTC(2021, 2, 3); // 2021-03-03, the week ProxyLogon was mass-exploited
const SERVER_IP = '10.0.0.15';
const FQDN = 'mail.contoso.local';
const HOST = 'EXCH01';
const ATTACKER = '203.0.113.66';
const USERS = ['CONTOSO\\alice', 'CONTOSO\\bob', 'CONTOSO\\carol', 'CONTOSO\\dave'];
const CLIENTS = ['10.0.1.21', '10.0.1.34', '10.0.2.7', '198.51.100.23'];
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';
const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13801; Pro)';
const EAS = 'Apple-iPhone12C1/1805.114';

const IIS_FIELDS = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';

/** HttpProxy log columns of Exchange 2016/2019 (parsed by header, so the order is the file's own). */
const HTTPPROXY_FIELDS = [
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
];

interface Request {
  t: number;
  method: string;
  stem: string;
  query?: string;
  user?: string;
  ip: string;
  ua: string;
  status: number;
  protocol: 'Ecp' | 'Owa' | 'Eas' | 'Ews';
  anchor?: string;
  taken: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const iisDate = (t: number): string => new Date(t).toISOString().slice(0, 10);
const iisTime = (t: number): string => new Date(t).toISOString().slice(11, 19);
const csv = (v: string | number | undefined): string => {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const uuid = (r: () => number): string =>
  'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const v = Math.floor(r() * 16);
    return (c === 'x' ? v : (v & 3) | 8).toString(16);
  });

function benign(r: () => number, t: number): Request {
  const user = USERS[Math.floor(r() * USERS.length)] ?? 'CONTOSO\\alice';
  const ip = CLIENTS[Math.floor(r() * CLIENTS.length)] ?? '10.0.1.21';
  const pick = r();
  if (pick < 0.45) return { t, method: 'POST', stem: '/owa/service.svc', query: 'action=GetItem&ID=-37&AC=1', user, ip, ua: BROWSER, status: 200, protocol: 'Owa', anchor: `SMTP:${user.slice(8)}@contoso.local`, taken: 20 + Math.floor(r() * 200) };
  if (pick < 0.65) return { t, method: 'GET', stem: '/owa/', user, ip, ua: BROWSER, status: 200, protocol: 'Owa', anchor: `SMTP:${user.slice(8)}@contoso.local`, taken: 40 + Math.floor(r() * 100) };
  if (pick < 0.8) return { t, method: 'POST', stem: '/Microsoft-Server-ActiveSync/default.eas', query: `Cmd=Ping&User=${user.slice(8)}&DeviceId=ApplDNPXK1&DeviceType=iPhone`, user, ip, ua: EAS, status: 200, protocol: 'Eas', taken: 900000 + Math.floor(r() * 1000) };
  if (pick < 0.92) return { t, method: 'POST', stem: '/EWS/Exchange.asmx', user, ip, ua: OUTLOOK, status: 200, protocol: 'Ews', taken: 15 + Math.floor(r() * 60) };
  return { t, method: 'GET', stem: '/ecp/', user, ip, ua: BROWSER, status: 200, protocol: 'Ecp', anchor: `SMTP:${user.slice(8)}@contoso.local`, taken: 120 + Math.floor(r() * 300) };
}

/** The ProxyLogon chain as Volexity and CISA AA21-062A describe it: SSRF via a static resource, then a web shell. */
function attack(): Request[] {
  const t = DAY + (3 * 3600 + 41 * 60) * 1000; // 03:41 UTC, off-hours for the victim
  const ua = 'ExchangeServicesClient/0.0.0.0';
  const ssrf = `ServerInfo~a]@${HOST.toLowerCase()}.contoso.local:444/ecp/DDI/DDIService.svc/GetList?schema=VirtualDirectory#`;
  return [
    { t, method: 'POST', stem: '/ecp/y.js', ip: ATTACKER, ua, status: 200, protocol: 'Ecp', anchor: `ServerInfo~a]@${HOST.toLowerCase()}.contoso.local:444/autodiscover/autodiscover.xml?#`, taken: 310 },
    { t: t + 4_000, method: 'POST', stem: '/ecp/y.js', ip: ATTACKER, ua, status: 200, protocol: 'Ecp', anchor: `ServerInfo~a]@${HOST.toLowerCase()}.contoso.local:444/mapi/emsmdb?#`, taken: 280 },
    { t: t + 9_000, method: 'POST', stem: '/ecp/y.js', ip: ATTACKER, ua, status: 241, protocol: 'Ecp', anchor: `ServerInfo~a]@${HOST.toLowerCase()}.contoso.local:444/ecp/proxyLogon.ecp?#`, taken: 512 },
    { t: t + 15_000, method: 'POST', stem: '/ecp/y.js', ip: ATTACKER, ua, status: 200, protocol: 'Ecp', anchor: ssrf, taken: 390 },
    { t: t + 21_000, method: 'POST', stem: '/ecp/y.js', ip: ATTACKER, ua, status: 200, protocol: 'Ecp', anchor: ssrf.replace('GetList?schema=VirtualDirectory', 'SetObject?schema=OABVirtualDirectory'), taken: 640 },
    { t: t + 95_000, method: 'POST', stem: '/aspnet_client/system_web/supp0rt.aspx', ip: ATTACKER, ua: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:52.0) Gecko/20100101 Firefox/52.0', status: 200, protocol: 'Owa', taken: 1200 },
    { t: t + 130_000, method: 'POST', stem: '/aspnet_client/system_web/supp0rt.aspx', ip: ATTACKER, ua: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:52.0) Gecko/20100101 Firefox/52.0', status: 200, protocol: 'Owa', taken: 2100 },
  ];
}

function iisLine(q: Request): string {
  const v = (s: string | undefined): string => (s === undefined || s === '' ? '-' : s.replaceAll(' ', '+'));
  return [iisDate(q.t), iisTime(q.t), SERVER_IP, q.method, q.stem, v(q.query), '443', v(q.user), q.ip, v(q.ua), '-', String(q.status), '0', '0', String(Math.min(q.taken, 999999))].join(' ');
}

function proxyLine(r: () => number, q: Request): string {
  const ssrf = q.anchor?.startsWith('ServerInfo~') ?? false;
  const values: Record<string, string | number | undefined> = {
    DateTime: new Date(q.t).toISOString(),
    RequestId: uuid(r),
    MajorVersion: 15,
    MinorVersion: 1,
    BuildVersion: 2176,
    RevisionVersion: 2,
    Protocol: q.protocol,
    UrlHost: FQDN,
    UrlStem: q.stem,
    AuthenticationType: q.user ? 'Negotiate' : undefined,
    IsAuthenticated: q.user ? 'True' : 'False',
    AuthenticatedUser: q.user ? `${q.user.slice(8).toLowerCase()}@contoso.local` : undefined,
    AnchorMailbox: q.anchor,
    UserAgent: q.ua,
    ClientIpAddress: q.ip,
    ServerHostName: HOST,
    HttpStatus: q.status,
    BackEndStatus: q.status === 241 ? 241 : 200,
    Method: q.method,
    ProxyAction: 'Proxy',
    TargetServer: ssrf ? `${HOST.toLowerCase()}.contoso.local` : `${HOST}.contoso.local`,
    TargetServerVersion: 'Version 15.1 (Build 2176.2)',
    RoutingType: ssrf ? 'ServerInfo' : 'Smtp',
    RoutingHint: ssrf ? 'ServerInfo-Header' : 'AnchorMailbox-Header',
    UrlQuery: q.query ? `?${q.query}` : undefined,
    TotalRequestTime: q.taken,
    RoutingStatus: '',
  };
  return HTTPPROXY_FIELDS.map((f) => csv(values[f])).join(',');
}

/**
 * Writes the demo evidence under `root`: `inetpub/logs/LogFiles/W3SVC1/u_ex210303.log` and
 * `Exchange/Logging/HttpProxy/{Ecp,Owa}/HttpProxy_2021030303-1.LOG`, as an Exchange 2016 CU19 front
 * end would. Deterministic for a given `seed`.
 */
export async function generateDemoEvidence(root: string, seed = 20210303): Promise<DemoEvidence> {
  const r = rng(seed);
  const requests: Request[] = [];
  for (let i = 0; i < 1500; i++) {
    // Office hours weigh more: a business's Exchange, UTC-5.
    const hour = Math.floor(r() * 24);
    const busy = hour >= 13 && hour <= 23 ? 1 : 0.25;
    if (r() > busy) continue;
    requests.push(benign(r, DAY + hour * 3600_000 + Math.floor(r() * 3600_000)));
  }
  const planted = attack();
  requests.push(...planted);
  requests.sort((a, b) => a.t - b.t);

  const iisDir = join(root, 'inetpub', 'logs', 'LogFiles', 'W3SVC1');
  await mkdir(iisDir, { recursive: true });
  const iis = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    `#Date: ${iisDate(DAY)} 00:00:00`,
    `#Fields: ${IIS_FIELDS}`,
    ...requests.map(iisLine),
  ];
  const files = [join(iisDir, 'u_ex210303.log')];
  await writeFile(files[0] ?? '', `${iis.join('\r\n')}\r\n`);

  // HttpProxy rolls hourly per protocol; the demo keeps the attack hour of Ecp and Owa.
  const hourStart = DAY + 3 * 3600_000;
  for (const protocol of ['Ecp', 'Owa'] as const) {
    const dir = join(root, 'Exchange', 'Logging', 'HttpProxy', protocol);
    await mkdir(dir, { recursive: true });
    const inHour = requests.filter((q) => q.protocol === protocol && q.t >= hourStart && q.t < hourStart + 3600_000);
    const lines = [
      '#Software: Microsoft Exchange Server',
      '#Version: 15.01.2176.002',
      '#Log-type: HttpProxy Logs',
      `#Date: ${new Date(hourStart).toISOString()}`,
      `#Fields: ${HTTPPROXY_FIELDS.join(',')}`,
      ...inHour.map((q) => proxyLine(r, q)),
    ];
    const file = join(dir, `HttpProxy_${iisDate(hourStart).replaceAll('-', '')}${pad(3)}-1.LOG`);
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    files.push(file);
  }
  return { root, files, planted: planted.length };
}
