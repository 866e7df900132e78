import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import { CMDLET_FIELDS, ECP_FIELDS, HTTPPROXY_FIELDS, RPS_HTTP_FIELDS, exchangeLog, proxyLogonRecord } from '../../../test/factories/exchange.js';
import { memorySource } from '../../../test/factories/source.js';
import { splitCsv } from './csv.js';
import { detectExchange, ecpEventDataFields, parseExchangeLog, protocolFromPath, type ExchangeKind } from './parser.js';

async function parse(kind: ExchangeKind, text: string, path = 'Logging/HttpProxy/Ecp/HttpProxy_2021030307-1.LOG', chunk = 65536) {
  const issues = new IssueCollector();
  const events: KahuEvent[] = [];
  for await (const b of parseExchangeLog(kind, memorySource(text, { path, chunk }), issues)) events.push(...b);
  return { events, issues: issues.all() };
}

describe('CSV splitting', () => {
  it('reads quoted commas, doubled quotes and embedded line breaks', () => {
    expect(splitCsv('a,"b,c","say ""hi""",,"x\ny"').values).toEqual(['a', 'b,c', 'say "hi"', '', 'x\ny']);
    expect(splitCsv('"open').malformed).toBe(true);
  });
});

describe('Exchange log parsers', () => {
  it('reads HttpProxy records by header name, with the status as a number and UTC time', async () => {
    const text = exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [proxyLogonRecord()] });
    const { events, issues } = await parse('httpproxy', text);
    expect(issues).toEqual([]);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.source).toBe('exchange.httpproxy');
    expect(e.time).toBe(Date.parse('2021-03-03T07:43:16.331Z'));
    expect(e.host).toBe('EX01');
    expect(e.fields).toMatchObject({
      AnchorMailbox: 'ServerInfo~a]@EX01.example.org:444/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory#',
      AuthenticatedUser: '',
      UrlStem: '/ecp/y.js',
      HttpStatus: 200,
      Protocol: 'Ecp',
      GenericInfo: 'BeginRequest=2021-03-03T07:43:16.290Z;CorrelationID=<empty>;ProxyState-Run=None;',
    });
    expect(e.prov.locator.line).toBe(6);
  });

  it('does not depend on column order, and fills Protocol from the folder when the column is absent', async () => {
    const fields = ['UrlStem', 'AnchorMailbox', 'DateTime', 'HttpStatus', 'ServerHostName'];
    const text = exchangeLog({ logType: 'HttpProxy Logs', fields, records: [proxyLogonRecord()] });
    const { events } = await parse('httpproxy', text, 'case.zip!/V15/Logging/HttpProxy/Owa/HttpProxy_2021030307-1.LOG');
    expect(events[0]!.fields).toEqual({
      UrlStem: '/ecp/y.js',
      AnchorMailbox: proxyLogonRecord().AnchorMailbox,
      DateTime: '2021-03-03T07:43:16.331Z',
      HttpStatus: 200,
      ServerHostName: 'EX01',
      Protocol: 'Owa',
    });
  });

  it('keeps commas, quotes and line breaks inside quoted values; line numbers stay true', async () => {
    const r1 = proxyLogonRecord({ UserAgent: 'Mozilla/5.0 (KHTML, like Gecko) "quoted"', GenericErrors: 'first line\r\nsecond, line' });
    const r2 = proxyLogonRecord({ UrlStem: '/owa/' });
    const text = exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [r1, r2] });
    for (const chunk of [3, 100, 65536]) {
      const { events, issues } = await parse('httpproxy', text, undefined, chunk);
      expect(issues).toEqual([]);
      expect(events.map((e) => e.fields.UserAgent)).toEqual(['Mozilla/5.0 (KHTML, like Gecko) "quoted"', 'ExchangeServicesClient/0.0.0.0']);
      expect(events[0]!.fields.GenericErrors).toBe('first line\r\nsecond, line'.replace('\r\n', '\n'));
      expect(events.map((e) => e.prov.locator.line)).toEqual([6, 8]);
    }
  });

  it('accepts the bare header line newer builds write first, and a field set change mid-file', async () => {
    const a = exchangeLog({ logType: 'Rps Http Logs', fields: RPS_HTTP_FIELDS, bareHeaderFirst: true, records: [{ DateTime: '2022-12-20T10:00:00.000Z', UrlStem: '/powershell', HttpStatus: 200, ClientInfo: 'python-requests/2.28', ClientIpAddress: '10.0.0.9 203.0.113.7', ServerHostName: 'EX01' }] });
    const fields2 = ['DateTime', 'ClientInfo', 'HttpStatus', 'UrlStem'];
    const b = `#Fields: ${fields2.join(',')}\r\n2022-12-20T10:00:01.000Z,Microsoft WinRM Client,401,/powershell\r\n`;
    const { events, issues } = await parse('rps', a + b, 'Logging/CmdletInfra/Powershell-Proxy/Http/Rps_Http_2022122010-1.LOG');
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.source, e.fields.ClientInfo, e.fields.HttpStatus])).toEqual([
      ['exchange.rps', 'python-requests/2.28', 200],
      ['exchange.rps', 'Microsoft WinRM Client', 401],
    ]);
    expect(events[0]!.fields.ClientIpAddress).toBe('10.0.0.9 203.0.113.7');
  });

  it('reads ECP server logs and pulls the command out of EventData', async () => {
    const data = "S:TIME=13;S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://f/<script language=\"JScript\" runat=\"server\">function Page_Load(){eval(Request[\"x\"],\"unsafe\");}</script>'.Identity='abc';S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject";
    const text = exchangeLog({ logType: 'ECP Server Log', fields: ECP_FIELDS, records: [{ TimeStamp: '2021-03-03T07:45:00.000Z', ServerName: 'EX01', EventId: 'ECP.Request', EventData: data }] });
    const { events } = await parse('ecp', text, 'Logging/ECP/Server/ECPServer20210303-1.LOG');
    expect(events[0]!.source).toBe('exchange.ecp');
    expect(events[0]!.host).toBe('EX01');
    expect(events[0]!.fields.Cmd).toContain('Set-OabVirtualDirectory.ExternalUrl=');
    expect(events[0]!.fields.Cmd).toContain('function Page_Load(){eval(Request["x"],"unsafe");}');
    expect(events[0]!.fields.Url).toBe('/ecp/DDI/DDIService.svc/SetObject');
    expect(ecpEventDataFields('S:A=1;I32:B.C[x]=2')).toEqual({ A: '1', 'B.C[x]': '2' });
  });

  it('reads cmdlet logs with quoted parameters', async () => {
    const text = exchangeLog({
      logType: 'Rps Cmdlet Logs',
      fields: CMDLET_FIELDS,
      records: [{ DateTime: '2021-08-10T01:02:03.000Z', ServerHostName: 'EX01', Cmdlet: 'New-MailboxExportRequest', Parameters: '-Mailbox "admin@example.org" -FilePath "\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\x.aspx"', AuthenticatedUser: 'SYSTEM' }],
    });
    const { events } = await parse('cmdlet', text, 'Logging/CmdletInfra/Powershell-Proxy/Cmdlet/Rps_Cmdlet_2021081001-1.LOG');
    expect(events[0]!.source).toBe('exchange.cmdlet');
    expect(events[0]!.fields.Parameters).toBe('-Mailbox "admin@example.org" -FilePath "\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\x.aspx"');
  });

  it('names the temporary file of an OAB download failure', async () => {
    const text = exchangeLog({
      logType: 'OABGen Log',
      fields: ['Timestamp', 'ServerName', 'Level', 'Message'],
      records: [{ Timestamp: '2021-03-03T08:00:00.000Z', ServerName: 'EX01', Level: 'Error', Message: "Download failed and temporary file 'C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx' needs to be removed" }],
    });
    const { events } = await parse('oab', text, 'Logging/OABGeneratorLog/OABGen20210303-1.LOG');
    expect(events[0]!.source).toBe('exchange.oab');
    expect(events[0]!.fields.TemporaryFile).toBe("'C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx'");
  });

  it('reports wrong-width, timeless and cut records with their lines, keeping the good ones', async () => {
    const good = proxyLogonRecord();
    let text = exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [good] });
    text += 'garbage,line\r\n';
    text += exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [{ ...good, DateTime: 'yesterday' }] }).split('\r\n').slice(5).join('\r\n');
    text += exchangeLog({ logType: 'HttpProxy Logs', fields: HTTPPROXY_FIELDS, records: [good] }).split('\r\n').slice(5).join('\r\n');
    text += '2021-03-03T07:50:00.000Z,"unterminated';
    const { events, issues } = await parse('httpproxy', text);
    expect(events.map((e) => e.prov.locator.line)).toEqual([6, 9]);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['bad-record', 7],
      ['bad-record', 8],
      ['truncated', 10],
    ]);
  });

  it('keeps hostile column names as data, never as code or prototype', async () => {
    const fields = ['DateTime', '__proto__', 'constructor', '"});process.exit(1);({', 'AnchorMailbox', 'UrlStem'];
    const text = exchangeLog({ logType: 'HttpProxy Logs', fields, records: [{ DateTime: '2021-03-03T07:43:16.331Z', ['__proto__']: 'p', constructor: 'c', '"});process.exit(1);({': 'x', AnchorMailbox: 'a', UrlStem: '/' }] });
    const { events } = await parse('httpproxy', text);
    const f = events[0]!.fields;
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(f, '__proto__')).toBe(true);
    expect(f['"});process.exit(1);({']).toBe('x');
    expect(f.constructor).toBe('c');
    expect(Object.getOwnPropertyDescriptor(f, '__proto__')?.value).toBe('p');
  });

  it('detects each kind by #Log-type, or by field names without one', () => {
    const head = (logType: string, fields: readonly string[]) => Buffer.from(exchangeLog({ logType, fields, records: [] }));
    expect(detectExchange('httpproxy', head('HttpProxy Logs', HTTPPROXY_FIELDS))).toBe(1);
    expect(detectExchange('ecp', head('HttpProxy Logs', HTTPPROXY_FIELDS))).toBe(0);
    expect(detectExchange('ecp', head('ECP Activity Context Log', ECP_FIELDS))).toBe(1);
    expect(detectExchange('rps', head('Rps Http Logs', RPS_HTTP_FIELDS))).toBe(1);
    expect(detectExchange('cmdlet', head('Rps Cmdlet Logs', CMDLET_FIELDS))).toBe(1);
    expect(detectExchange('httpproxy', Buffer.from(HTTPPROXY_FIELDS.join(',') + '\r\n'))).toBeGreaterThan(0.5);
    expect(detectExchange('httpproxy', head('Agent Log', ['Timestamp', 'SessionId', 'Agent']))).toBe(0);
    expect(detectExchange('httpproxy', Buffer.from('#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time\r\n'))).toBe(0);
  });

  it('finds the protocol folder in disk and zip paths', () => {
    expect(protocolFromPath('C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\Autodiscover\\HttpProxy_1.LOG')).toBe('Autodiscover');
    expect(protocolFromPath('kape.zip!/Logging/HttpProxy/Mapi/HttpProxy_1.LOG')).toBe('Mapi');
    expect(protocolFromPath('HttpProxy_1.LOG')).toBeNull();
  });
});

describe('exchangeTime', () => {
  // The direct path must agree with Date.parse (the previous and fallback reading) on every value.
  it('reads what Date.parse reads, bit for bit', async () => {
    const { exchangeTime } = await import('./parser.js');
    const cases = [
      '2021-03-01T00:00:30.431Z', '1999-12-31T23:59:59.999Z', '2021-02-28T12:00:00.000Z', '2021-02-29T12:00:00.000Z',
      '2021-02-30T12:00:00.000Z', '2021-04-31T00:00:00.000Z', '2021-13-01T00:00:00.000Z', '2021-00-10T00:00:00.000Z',
      '2021-03-01T24:00:00.000Z', '2021-03-01T23:60:00.000Z', '2021-03-01T23:59:60.000Z', '0050-03-01T00:00:00.000Z',
      '0999-03-01T00:00:00.000Z', '2021-03-01T00:00:30.4a1Z', '2021-03-01T00:00:30.431z', '2021-03-01 00:00:30.431Z',
      '2021-03-01T00:00:30.431', '2021-03-01T00:00:30Z', '2021-03-01T00:00:30.431+02:00', '2021-3-01T00:00:30.4310Z',
      'garbage-is-24-chars-long', '2021-03-01T0a:00:30.431Z',
    ];
    for (let i = 0; i < 2000; i++) {
      const t = Date.UTC(1970 + (i % 90), i % 12, 1 + (i % 28), i % 24, (i * 7) % 60, (i * 13) % 60, (i * 37) % 1000);
      cases.push(new Date(t).toISOString());
    }
    for (const v of cases) {
      const expected = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
      expect([v, exchangeTime(v)]).toEqual([v, expected]);
    }
  });
});
