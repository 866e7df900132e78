// Per-rule positive and negative cases for the IIS, Rps and process rules of the pack, on events built by us.
import { describe, expect, it } from 'vitest';
import type { FieldValue, KahuEvent } from '../../src/model/index.js';
import { event, matchTitles } from './pack.js';

const iis = (f: Record<string, FieldValue>): KahuEvent =>
  event('webserver.iis', { 'cs-method': 'GET', 'cs-uri-query': null, 'cs-username': null, 'sc-status': 200, 'cs-user-agent': 'Mozilla/5.0', 'cs-cookie': null, ...f });
const proc = (image: string, commandLine: string, parentImage: string): KahuEvent =>
  event('windows', { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Image: image, CommandLine: commandLine, ParentImage: parentImage });

const PS_OK = 'ProxyShell - Autodiscover Path Confusion Reached a Back-End Endpoint';
const PS_TRY = 'ProxyShell - Autodiscover Path Confusion Attempt Refused';
const PNS_OK = 'ProxyNotShell - Authenticated Autodiscover SSRF to Remote PowerShell Succeeded';
const OWASSRF = 'OWASSRF - POST to /owa/<mailbox>/powershell Succeeded';
const SHELL_POST = 'Exchange Web Shell - POST to an ASPX Page in a Web Shell Location';
const COOKIE = 'ProxyLogon SSRF - Back-End Routing Cookie in IIS Request';
const RPS = 'ProxyNotShell / OWASSRF - Remote PowerShell Session From a Non-WinRM Client';
const W3WP_SHELL = 'Exchange Worker Process Spawned a Shell';
const CHOPPER = 'China Chopper Command Template From a Web Server Process';
const LSASS = 'LSASS Memory Dumped With comsvcs.dll MiniDump or ProcDump';

describe('ProxyShell and ProxyNotShell on IIS', () => {
  const q = '@evil.corp/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/autodiscover.json%3F@evil.corp';
  it('unauthenticated autodiscover path confusion: success at 200, attempt at 401; authenticated is ProxyNotShell', async () => {
    expect(await matchTitles(iis({ 'cs-uri-stem': '/autodiscover/autodiscover.json', 'cs-uri-query': q }))).toContain(PS_OK);
    // Refused, the same URL is an attempt at either chain (nothing tells them apart without credentials in play).
    expect(await matchTitles(iis({ 'cs-uri-stem': '/autodiscover/autodiscover.json', 'cs-uri-query': q, 'sc-status': 401 }))).toEqual([
      'ProxyNotShell - Autodiscover Request Naming PowerShell Refused or Aborted',
      PS_TRY,
    ]);
    const authed = await matchTitles(iis({ 'cs-uri-stem': '/autodiscover/autodiscover.json', 'cs-uri-query': q, 'cs-username': 'CORP\\anna' }));
    expect(authed).toContain(PNS_OK);
    expect(authed).not.toContain(PS_OK);
  });
  it("Outlook mobile's autodiscover.json is not an attack", async () => {
    expect(await matchTitles(iis({ 'cs-uri-stem': '/autodiscover/autodiscover.json', 'cs-uri-query': 'Email=anna%40corp.example&Protocol=ActiveSync&RedirectCount=1', 'cs-username': 'CORP\\anna' }))).toEqual([]);
  });
  it('OWASSRF: POST /owa/<mailbox>/powershell with 200; WinRM clients and refused requests excluded', async () => {
    const base = { 'cs-method': 'POST', 'cs-uri-stem': '/owa/anna@corp.example/powershell', 'cs-username': 'CORP\\anna' };
    expect(await matchTitles(iis(base))).toContain(OWASSRF);
    expect(await matchTitles(iis({ ...base, 'cs-uri-stem': '/owa/anna%40corp.example/powershell' }))).toContain(OWASSRF);
    expect(await matchTitles(iis({ ...base, 'cs-user-agent': 'Microsoft WinRM Client' }))).not.toContain(OWASSRF);
    expect(await matchTitles(iis({ ...base, 'sc-status': 401 }))).not.toContain(OWASSRF);
    expect(await matchTitles(iis({ 'cs-method': 'POST', 'cs-uri-stem': '/powershell', 'cs-user-agent': 'Microsoft WinRM Client' }))).toEqual([]);
  });
});

describe('ProxyLogon and web shells on IIS', () => {
  it('POST to a page in a web shell folder, not to the shipped ones', async () => {
    expect(await matchTitles(iis({ 'cs-method': 'POST', 'cs-uri-stem': '/aspnet_client/system_web/abcdefgh.aspx' }))).toContain(SHELL_POST);
    expect(await matchTitles(iis({ 'cs-method': 'POST', 'cs-uri-stem': '/owa/auth/ohyeah.aspx' }))).toContain(SHELL_POST);
    expect(await matchTitles(iis({ 'cs-method': 'POST', 'cs-uri-stem': '/owa/auth/expiredpassword.aspx' }))).toEqual([]);
    expect(await matchTitles(iis({ 'cs-method': 'GET', 'cs-uri-stem': '/owa/auth/logon.aspx' }))).toEqual([]);
    expect(await matchTitles(iis({ 'cs-method': 'POST', 'cs-uri-stem': '/owa/auth.owa' }))).toEqual([]);
  });
  it('X-BEResource cookie shaped host/path~version; an ordinary cookie is not', async () => {
    expect(await matchTitles(iis({ 'cs-uri-stem': '/ecp/y.js', 'cs-cookie': 'X-BEResource=localhost/owa/auth/logon.aspx?~3; X-AnonResource=true' }))).toContain(COOKIE);
    expect(await matchTitles(iis({ 'cs-uri-stem': '/owa/', 'cs-cookie': 'X-BackEndCookie=S-1-5-21=abc; ClientId=XYZ' }))).toEqual([]);
  });
});

describe('Rps_Http ClientInfo', () => {
  const rps = (clientInfo: string | null, status = 200): KahuEvent => event('exchange.rps', { ClientInfo: clientInfo, HttpStatus: status, AuthenticatedUser: 'anna@corp.example' });
  it('a browser-like client reaching remote PowerShell; not WinRM, probes, empty, or refused', async () => {
    expect(await matchTitles(rps('python-requests/2.28.1'))).toEqual([RPS]);
    expect(await matchTitles(rps('Microsoft WinRM Client'))).toEqual([]);
    expect(await matchTitles(rps('Exchange BackEnd Probes'))).toEqual([]);
    expect(await matchTitles(rps(null))).toEqual([]);
    expect(await matchTitles(rps('python-requests/2.28.1', 500))).toEqual([]);
  });
});

describe('post-exploitation process rules', () => {
  const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
  it('w3wp starting cmd with the China Chopper template', async () => {
    const t = await matchTitles(proc('C:\\Windows\\System32\\cmd.exe', 'cmd /c cd /d "C:\\inetpub\\wwwroot\\aspnet_client\\"&whoami&echo [S]&cd&echo [E]', W3WP));
    expect(t).toEqual([CHOPPER, W3WP_SHELL].sort());
  });
  it("ASP.NET's compiler under w3wp is not a shell", async () => {
    expect(await matchTitles(proc('C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe', 'csc.exe /t:library /out:x.dll', W3WP))).toEqual([]);
  });
  it('comsvcs MiniDump by name or ordinal, ProcDump -ma lsass; other rundll32 uses are not', async () => {
    const cmd = 'C:\\Windows\\System32\\cmd.exe';
    expect(await matchTitles(proc('C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 688 C:\\windows\\temp\\lsass.dmp full', cmd))).toContain(LSASS);
    expect(await matchTitles(proc('C:\\Windows\\System32\\rundll32.exe', 'rundll32 comsvcs.dll #24 688 C:\\x.bin full', cmd))).toContain(LSASS);
    expect(await matchTitles(proc('C:\\Tools\\procdump64.exe', 'procdump64.exe -accepteula -ma lsass.exe C:\\root\\lsass.dmp', cmd))).toContain(LSASS);
    expect(await matchTitles(proc('C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe shell32.dll,Control_RunDLL', cmd))).toEqual([]);
  });
});
