// Every Test-ProxyLogon check (CSS-Exchange Security/src/Test-ProxyLogon.ps1) against Kahu's rule(s), each with a
// positive and a negative case. The table in docs/exchange.md lists the same rows.
import { describe, expect, it } from 'vitest';
import type { KahuEvent } from '../../src/model/index.js';
import { checkMatches, loadArtifactChecks } from '../../src/verdict/index.js';
import { event, matchTitles } from './pack.js';

const TPL_26855 = 'ProxyLogon SSRF - HttpProxy AnchorMailbox Targets a Back-End Server (Test-ProxyLogon Check)';
const BLOG_26855 = 'ProxyLogon SSRF - Unauthenticated HttpProxy Request Anchored on ServerInfo (MS-Blog Variant)';
const UM_26857 = 'ProxyLogon - Unified Messaging Deserialisation Error (CVE-2021-26857)';
const OAB_26858 = 'ProxyLogon - OAB Generator Temporary File Outside ClientAccess\\OAB (CVE-2021-26858)';
const ECP_27065A = 'ProxyLogon - ECP Reset Virtual Directory Through the SSRF (CVE-2021-27065, Test-ProxyLogon Check)';
const ECP_27065B = 'ProxyLogon - ECP Set-VirtualDirectory With a Script Tag in a URL (CVE-2021-27065, Test-ProxyLogon Check)';

const hp = (fields: Record<string, string | number | null>): KahuEvent =>
  event('exchange.httpproxy', { UrlStem: '/ecp/y.js', Method: 'POST', HttpStatus: 200, AuthenticatedUser: '', ...fields });

describe('Test-ProxyLogon CVE-2021-26855: HttpProxy AnchorMailbox like ServerInfo~*/*', () => {
  it('positive: anchor to a back-end path', async () => {
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~EXCH01.corp.example:444/mapi/emsmdb?#' }))).toContain(TPL_26855);
  });
  it('negative: autodiscover and localhost anchors (Test-ProxyLogon exclusions) and ordinary anchors', async () => {
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~EXCH01.corp.example:444/autodiscover/autodiscover.xml?#' }))).not.toContain(TPL_26855);
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~localhost/ecp/', AuthenticatedUser: 'HealthMailbox1@corp.example' }))).not.toContain(TPL_26855);
    expect(await matchTitles(hp({ AnchorMailbox: 'Smtp~anna.smith@corp.example' }))).not.toContain(TPL_26855);
  });
  it('MS-blog variant: unauthenticated anchors, autodiscover included; authenticated ones excluded', async () => {
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~EXCH01.corp.example:444/autodiscover/autodiscover.xml?#' }))).toContain(BLOG_26855);
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~EXCH01.corp.example:444/mapi/emsmdb?#', AuthenticatedUser: null }))).toContain(BLOG_26855);
    expect(await matchTitles(hp({ AnchorMailbox: 'ServerInfo~EXCH01.corp.example/autodiscover/autodiscover.xml', AuthenticatedUser: 'HealthMailbox1@corp.example' }))).not.toContain(BLOG_26855);
  });
});

describe('Test-ProxyLogon CVE-2021-26857: Application log, MSExchange Unified Messaging, Error, System.InvalidCastException', () => {
  const app = (level: number, text: string, provider = 'MSExchange Unified Messaging'): KahuEvent =>
    event('windows', { Channel: 'Application', EventID: 1001, Provider_Name: provider, Level: level, Data: [text] });
  it('positive', async () => {
    expect(await matchTitles(app(2, 'An unhandled exception occurred in a UM worker process: System.InvalidCastException: Unable to cast object'))).toContain(UM_26857);
  });
  it('negative: informational level, another exception, another provider', async () => {
    expect(await matchTitles(app(4, 'System.InvalidCastException'))).not.toContain(UM_26857);
    expect(await matchTitles(app(2, 'System.OutOfMemoryException'))).not.toContain(UM_26857);
    expect(await matchTitles(app(2, 'System.InvalidCastException', 'MSExchange Control Panel'))).not.toContain(UM_26857);
  });
});

describe('Test-ProxyLogon CVE-2021-26858: OABGeneratorLog "Download failed and temporary file" outside ClientAccess\\OAB', () => {
  const oab = (msg: string): KahuEvent => event('exchange.oab', { Level: 'Warning', Source: 'OABGenerator', Message: msg });
  it('positive: temporary file on a loopback share in the web root', async () => {
    expect(await matchTitles(oab("Download failed and temporary file '\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\discover.aspx' needs to be removed."))).toContain(OAB_26858);
  });
  it('negative: temporary file inside ClientAccess\\OAB', async () => {
    expect(await matchTitles(oab("Download failed and temporary file 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\ClientAccess\\OAB\\Temp\\a\\b.lzx' needs to be removed."))).not.toContain(OAB_26858);
  });
});

describe('Test-ProxyLogon CVE-2021-27065 (A): Ecp HttpProxy AnchorMailbox like ServerInfo~*/*Reset*VirtualDirectory# and 200', () => {
  const anchor = 'ServerInfo~EXCH01.corp.example:444/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory#';
  it('positive: the Test-ProxyLogon form, and a variant keeping canary and version after the schema', async () => {
    expect(await matchTitles(hp({ AnchorMailbox: anchor }))).toContain(ECP_27065A);
    expect(await matchTitles(hp({ AnchorMailbox: anchor.replace('#', '&msExchEcpCanary=x&a=~1942062522') }))).toContain(ECP_27065A);
  });
  it('negative: the same request refused, and a SetObject that is not a reset', async () => {
    expect(await matchTitles(hp({ AnchorMailbox: anchor, HttpStatus: 500 }))).not.toContain(ECP_27065A);
    expect(await matchTitles(hp({ AnchorMailbox: anchor.replace('ResetOABVirtualDirectory', 'OABVirtualDirectory') }))).not.toContain(ECP_27065A);
  });
});

describe('Test-ProxyLogon CVE-2021-27065 (B): ECP server log Set-*VirtualDirectory with a tag in a Url', () => {
  const ecp = (data: string): KahuEvent => event('exchange.ecp', { TimeStamp: '2021-03-02T02:37:15.200Z', ServerName: 'EXCH01', EventId: 'x', EventData: data });
  it('positive', async () => {
    expect(
      await matchTitles(ecp(`S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["a"],"unsafe");}</script>'.Identity='x';S:URL=/ecp/DDI/DDIService.svc/SetObject`)),
    ).toContain(ECP_27065B);
  });
  it('negative: an administrator setting a normal URL', async () => {
    const titles = await matchTitles(ecp(`S:CMD=Set-OabVirtualDirectory.ExternalUrl='https://mail.corp.example/OAB'.Identity='x';S:URL=/ecp/DDI/DDIService.svc/SetObject`));
    expect(titles).not.toContain(ECP_27065B);
    expect(titles).toEqual(['ECP Changed the OAB Virtual Directory ExternalUrl']);
  });
});

describe('Test-ProxyLogon suspicious files: lsass*.dmp (LsassDump) and .7z/.zip/.rar under ProgramData (SuspiciousArchive)', () => {
  const checks = loadArtifactChecks();
  // As the inventory gives them: rooted (a collection's `C/Windows/Temp/x` is `\C\Windows\Temp\x`).
  const file = (p: string): KahuEvent => ({ ...event('file', { TargetFilename: `\\${p}`, FileName: p.slice(p.lastIndexOf('\\') + 1) }), prov: { evidenceId: 'f', path: p, locator: { offset: 0 } } });
  const ids = (p: string): string[] => checks.filter((c) => checkMatches(c, file(p))).map((c) => c.id);
  it('positive', () => {
    expect(ids('C\\Windows\\Temp\\lsass.dmp')).toEqual(['kahu-exchange-artifact-lsass-dump']);
    expect(ids('C\\root\\lsass_x64.dmp')).toEqual(['kahu-exchange-artifact-lsass-dump']);
    expect(ids('C\\ProgramData\\it.zip')).toEqual(['kahu-exchange-artifact-programdata-archive']);
  });
  it('negative', () => {
    expect(ids('C\\Windows\\Temp\\w3wp.dmp')).toEqual([]);
    expect(ids('C\\ProgramData\\Microsoft\\setup.log')).toEqual([]);
    expect(ids('D\\Backup\\it.zip')).toEqual([]);
  });
});
