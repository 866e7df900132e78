import type { Rng } from '../rng.js';
import { w3wpCommandLine, type Emitter } from './emit.js';
import { EX_WIN } from './world.js';

/** Relative weight of traffic per UTC hour (office hours busy, nights quiet). */
export function hourWeight(hour: number): number {
  if (hour >= 7 && hour <= 18) return 1;
  if (hour === 6 || hour === 19 || hour === 20) return 0.45;
  return 0.12;
}

/** One benign client request: front-end IIS, HttpProxy and back-end IIS lines. */
export function benignRequest(em: Emitter, rng: Rng, t: number): void {
  const w = em.w;
  const u = rng.pick(w.users);
  const r = rng.next();
  const taken = rng.int(15, 900);
  const user = `${w.netbios}\\${u.sam}`;
  const proxied = (protocol: string, method: string, stem: string, query: string, status: number, ua: string, anchor: string, authUser = u.upn): void => {
    em.iisFront({ t, method, stem, query, user: authUser === '' ? '' : user, cIp: u.ip, ua, status, taken });
    em.httpProxy(protocol, t, {
      UrlStem: stem,
      UrlQuery: query === '' ? '' : `?${query}`,
      AuthenticationType: authUser === '' ? '' : rng.pick(['Negotiate', 'Basic', 'Bearer', 'OAuth']),
      IsAuthenticated: authUser !== '',
      AuthenticatedUser: authUser,
      AnchorMailbox: anchor,
      UserAgent: ua,
      ClientIpAddress: u.ip,
      HttpStatus: status,
      Method: method,
      RoutingHint: anchor === '' ? '' : `${anchor.split('~')[0]}-Header`,
      DatabaseGuid: u.mailboxGuid,
    });
    em.iisBack({ t, method, stem, query, user: authUser === '' ? '' : user, ua, status, taken: Math.max(1, taken - 10) });
  };
  if (r < 0.25) {
    const action = rng.pick(['GetItem', 'FindItem', 'GetConversationItems', 'FindConversation', 'GetCalendarEvent', 'CreateItem', 'GetOwaUserConfiguration']);
    proxied('Owa', 'POST', '/owa/service.svc', `action=${action}&EP=1&ID=-${rng.int(10, 400)}&AC=1`, 200, u.ua, `Smtp~${u.upn}`);
  } else if (r < 0.4) {
    proxied('Ews', 'POST', '/EWS/Exchange.asmx', '', 200, 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13127; Pro)', `Smtp~${u.upn}`);
  } else if (r < 0.55) {
    const cmd = rng.pick(['Sync', 'Ping', 'FolderSync', 'SendMail', 'ItemOperations']);
    proxied('Eas', 'POST', '/Microsoft-Server-ActiveSync/default.eas', `Cmd=${cmd}&User=${u.sam}&DeviceId=${rng.hex(16).toUpperCase()}&DeviceType=iPhone`, 200, 'Apple-iPhone12C1/1804.78', `Smtp~${u.upn}`);
  } else if (r < 0.75) {
    proxied('Mapi', 'POST', '/mapi/emsmdb/', `MailboxId=${u.mailboxGuid}@${w.domain}`, 200, 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13127; Pro)', `MailboxGuidWithDomain~${u.mailboxGuid}@${w.domain}`);
  } else if (r < 0.83) {
    proxied('Autodiscover', 'POST', '/Autodiscover/Autodiscover.xml', '', 200, 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13127; Pro)', `Smtp~${u.upn}`);
  } else if (r < 0.86) {
    // Outlook mobile's autodiscover.json: a benign look-alike of the ProxyShell/ProxyNotShell URL shape.
    proxied('Autodiscover', 'GET', '/autodiscover/autodiscover.json', `Email=${u.sam}%40${w.domain}&Protocol=ActiveSync&RedirectCount=1`, 200, 'Outlook-iOS/723.4027091.prod.iphone (4.2109.0)', `Smtp~${u.upn}`);
  } else if (r < 0.9) {
    // OWA sign-in: anonymous logon page and theme, then forms authentication.
    em.iisFront({ t, method: 'GET', stem: '/owa/', query: '', user: '', cIp: u.ip, ua: u.ua, status: 302, taken: 2 });
    em.iisFront({ t: t + 40, method: 'GET', stem: '/owa/auth/logon.aspx', query: 'url=https%3a%2f%2fmail.corp.example%2fowa%2f&reason=0', user: '', cIp: u.ip, ua: u.ua, status: 200, taken: 9 });
    em.iisFront({ t: t + 90, method: 'GET', stem: `/owa/auth/${w.build.join('.')}/themes/resources/logon.css`, query: '', user: '', cIp: u.ip, ua: u.ua, status: 200, taken: 1 });
    em.iisFront({ t: t + 4000, method: 'POST', stem: '/owa/auth.owa', query: '', user: '', cIp: u.ip, ua: u.ua, status: 302, taken: 30 });
    proxied('Owa', 'GET', '/owa/', '', 200, u.ua, `Smtp~${u.upn}`);
  } else if (r < 0.93) {
    proxied('Oab', 'GET', `/OAB/${w.oabGuid}/oab.xml`, '', 200, 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13127; Pro)', `Smtp~${u.upn}`);
  } else if (r < 0.95) {
    const admin = rng.pick(w.admins);
    em.iisFront({ t, method: 'POST', stem: '/ecp/DDI/DDIService.svc/GetList', query: `schema=MailboxService&msExchEcpCanary=${rng.hex(40)}`, user: `${w.netbios}\\${admin}`, cIp: '10.20.1.15', ua: CHROME, status: 200, taken });
    em.httpProxy('Ecp', t, {
      UrlStem: '/ecp/DDI/DDIService.svc/GetList',
      UrlQuery: `?schema=MailboxService&msExchEcpCanary=${rng.hex(40)}`,
      AuthenticationType: 'Negotiate',
      IsAuthenticated: true,
      AuthenticatedUser: `${admin}@${w.domain}`,
      AnchorMailbox: `Smtp~${admin}@${w.domain}`,
      UserAgent: CHROME,
      ClientIpAddress: '10.20.1.15',
      HttpStatus: 200,
      Method: 'POST',
    });
  } else {
    // Managed-availability probes: authenticated HealthMailbox requests anchored on the server (the reason
    // Test-ProxyLogon excludes autodiscover and localhost anchors).
    const target = rng.pick(['autodiscover/autodiscover.xml', 'ecp/', 'owa/', 'ews/exchange.asmx']);
    const host = rng.chance(0.5) ? 'localhost' : w.fqdn;
    const stem = `/${target.startsWith('autodiscover') ? 'Autodiscover/Autodiscover.xml' : target}`;
    const anchor = target.startsWith('autodiscover') ? `ServerInfo~${w.fqdn}/autodiscover/autodiscover.xml` : `ServerInfo~localhost/${target}`;
    em.iisFront({ t, method: 'GET', stem, query: '', user: w.healthMailbox, cIp: '127.0.0.1', ua: 'AMProbe/Local/ClientAccessProbe', status: 200, taken: 12 });
    em.httpProxy(target.startsWith('autodiscover') ? 'Autodiscover' : target.startsWith('ecp') ? 'Ecp' : target.startsWith('owa') ? 'Owa' : 'Ews', t, {
      UrlStem: stem,
      AuthenticationType: 'Basic',
      IsAuthenticated: true,
      AuthenticatedUser: w.healthMailbox,
      AnchorMailbox: host === 'localhost' ? anchor : anchor,
      UserAgent: 'AMProbe/Local/ClientAccessProbe',
      ClientIpAddress: '127.0.0.1',
      HttpStatus: 200,
      Method: 'GET',
    });
  }
}

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36';

/** Administrator remote PowerShell session (Rps_Http with the WinRM client) and a health probe session. */
export function benignRemotePowerShell(em: Emitter, rng: Rng, t: number): void {
  const w = em.w;
  const admin = rng.pick(w.admins);
  em.iisFront({ t, method: 'POST', stem: '/powershell', query: `serializationLevel=Full;ExchClientVer=${w.build.join('.')};clientApplication=ManagementShell;TargetServer=;PSVersion=5.1.17763.1490`, user: `${w.netbios}\\${admin}`, cIp: '10.20.1.15', ua: 'Microsoft WinRM Client', status: 200, taken: 120 });
  em.rps(t, { AuthenticatedUser: `${admin}@${w.domain}`, ClientIpAddress: '10.20.1.15', HttpStatus: 200, CommandName: rng.pick(['Get-Mailbox', 'Get-ExchangeServer', 'Get-MessageTrackingLog', 'Get-Queue']), ClientInfo: 'Microsoft WinRM Client' });
  em.rps(t + 500, { AuthenticatedUser: w.healthMailbox, ClientIpAddress: '127.0.0.1', HttpStatus: 200, CommandName: 'Get-ExchangeServer', ClientInfo: 'Exchange BackEnd Probes' });
}

/** Once-a-day administrative work that looks like attack steps but is not (the benign look-alikes). */
export function benignAdminDay(em: Emitter, rng: Rng, dayStart: number, dayIndex: number): void {
  const w = em.w;
  const admin = w.admins[dayIndex % w.admins.length] ?? 'exch.admin';
  const t = dayStart + 10 * 3600_000 + rng.int(0, 3600_000);
  const vdirId = rng.guid();
  // Admin sets the OAB external URL in the admin center (ECP log + cmdlet event): a normal URL.
  em.httpProxy('Ecp', t, {
    UrlStem: '/ecp/DDI/DDIService.svc/SetObject',
    UrlQuery: `?schema=OABVirtualDirectory&msExchEcpCanary=${rng.hex(40)}`,
    AuthenticationType: 'Negotiate',
    IsAuthenticated: true,
    AuthenticatedUser: `${admin}@${w.domain}`,
    AnchorMailbox: `Smtp~${admin}@${w.domain}`,
    UserAgent: CHROME,
    ClientIpAddress: '10.20.1.15',
    HttpStatus: 200,
    Method: 'POST',
  });
  em.ecp(t + 20, `S:ActivityID=${rng.guid()};S:CMD=Set-OabVirtualDirectory.ExternalUrl='https://${w.mailHost}/OAB'.Identity='${vdirId}';S:REQID=;S:URL=/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory&msExchEcpCanary=${rng.hex(40)}`);
  em.managementCmdlet(t + 30, 'Set-OabVirtualDirectory', `-ExternalUrl "https://${w.mailHost}/OAB" -Identity "${vdirId}"`, `${w.domain}/Users/${admin}`);
  em.managementCmdlet(t + 600_000, 'Set-OwaVirtualDirectory', `-InternalUrl "https://${w.fqdn}/owa" -ExternalUrl "https://${w.mailHost}/owa" -Identity "${w.host}\\owa (Default Web Site)"`, `${w.domain}/Users/${admin}`);
  // A planned, legitimate mailbox export to a file share (.pst), with the role grant and the clean-up.
  const leaver = rng.pick(w.users);
  const t2 = t + 3 * 3600_000;
  em.managementCmdlet(t2, 'New-ManagementRoleAssignment', `-Role "Mailbox Import Export" -User "${admin}"`, `${w.domain}/Users/${admin}`);
  em.managementCmdlet(t2 + 60_000, 'New-MailboxExportRequest', `-Mailbox "${leaver.sam}" -FilePath "\\\\FS01\\PstExport$\\${leaver.sam}.pst"`, `${w.domain}/Users/${admin}`);
  em.cmdletLog(t2 + 60_000, `${w.domain}/Users/${admin}`, 'New-MailboxExportRequest', `-Mailbox "${leaver.sam}" -FilePath "\\\\FS01\\PstExport$\\${leaver.sam}.pst"`);
  em.managementCmdlet(t2 + 7200_000, 'Remove-MailboxExportRequest', `-Identity "${leaver.sam}\\MailboxExport" -Confirm "False"`, `${w.domain}/Users/${admin}`);
  // OAB generation: temporary files inside ClientAccess\OAB (the normal place).
  for (let i = 0; i < 3; i++) {
    const to = dayStart + (2 + i * 8) * 3600_000 + rng.int(0, 600_000);
    em.oab(to, 'Info', `Begin generation of OAB '\\Default Offline Address Book' (${w.oabGuid}).`);
    em.oab(to + 5000, 'Warning', `Download failed and temporary file '${EX_WIN}\\ClientAccess\\OAB\\Temp\\${rng.guid()}\\${rng.hex(8)}.lzx' needs to be removed.`);
    em.oab(to + 9000, 'Info', `Finished generation of OAB '\\Default Offline Address Book' (${w.oabGuid}).`);
  }
  // ASP.NET compiling shipped pages (w3wp children and Temporary ASP.NET Files), a backup with 7-Zip outside ProgramData.
  em.sysmonProcess(t + 1000, 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe', `"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /t:library /utf8output /nostdlib+ /R:"System.dll" /out:"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\owa\\${rng.hex(8)}\\${rng.hex(8)}\\App_Web_${rng.letters(8)}.dll"`, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', w3wpCommandLine('MSExchangeOWAAppPool'));
  em.sysmonFile(t + 1500, 'c:\\windows\\system32\\inetsrv\\w3wp.exe', `C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\owa\\${rng.hex(8)}\\${rng.hex(8)}\\logon.aspx.${rng.hex(8)}.compiled`);
  em.sysmonProcess(dayStart + 23 * 3600_000, 'C:\\Program Files\\7-Zip\\7z.exe', `"C:\\Program Files\\7-Zip\\7z.exe" a -tzip D:\\Backup\\iislogs-${dayIndex}.zip C:\\inetpub\\logs\\LogFiles\\W3SVC1\\*.log`, 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\system32\\cmd.exe /c D:\\Scripts\\backup-logs.cmd');
  em.win({ t: t + 50_000, channel: 'Application', provider: 'MSExchange Unified Messaging', eventId: 1000, level: 4, data: ['The Microsoft Exchange Unified Messaging service started.'] });
  em.win({ t: t + 80_000, channel: 'Application', provider: 'MSExchange Front End HTTP Proxy', eventId: 1002, level: 4, data: ['ServerLocator'] });
  benignRemotePowerShell(em, rng, t + 900_000);
}
