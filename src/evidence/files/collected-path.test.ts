import { describe, expect, it } from 'vitest';
import { collectedWindowsPath } from './collected-path.js';

describe('collectedWindowsPath', () => {
  it('decodes a Velociraptor upload path (auto accessor) to the original Windows path', () => {
    expect(collectedWindowsPath('uploads/auto/C%3A/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/x.aspx')).toBe(
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx',
    );
    // The collection folder before `uploads` is dropped; so is a disk path to an extracted collection.
    expect(collectedWindowsPath('/cases/Collection-EXCH01-2021-03-05/uploads/file/D%3A/ProgramData/out.7z')).toBe('D:\\ProgramData\\out.7z');
  });
  it('maps the ntfs accessor device volume to its drive, keeps shadow copy devices', () => {
    expect(collectedWindowsPath('uploads/ntfs/%5C%5C.%5CC%3A/Windows/Temp/lsass.dmp')).toBe('C:\\Windows\\Temp\\lsass.dmp');
    expect(collectedWindowsPath('uploads/ntfs_vss/%5C%5C%3F%5CGLOBALROOT%5CDevice%5CHarddiskVolumeShadowCopy1/inetpub/wwwroot/aspnet_client/a.aspx')).toBe(
      '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\inetpub\\wwwroot\\aspnet_client\\a.aspx',
    );
  });
  it('decodes escaped characters in names: leading dot, percent, colon of a stream, UTF-8', () => {
    expect(collectedWindowsPath('uploads/auto/C%3A/Users/x/%2Essh/Client%254Admin.evtx')).toBe('C:\\Users\\x\\.ssh\\Client%4Admin.evtx');
    expect(collectedWindowsPath('uploads/auto/C%3A/inetpub/a.aspx%3AZone.Identifier')).toBe('C:\\inetpub\\a.aspx:Zone.Identifier');
    expect(collectedWindowsPath('uploads/auto/C%3A/Users/%E5%B1%B1%E7%94%B0/a.txt')).toBe('C:\\Users\\山田\\a.txt');
    // Not UTF-8 once decoded: each escape as one byte, the rest as is.
    expect(collectedWindowsPath('uploads/auto/C%3A/x/%E9t%C3%A9 100%.txt')).toBe('C:\\x\\\u00e9t\u00c3\u00a9 100%.txt');
  });
  it('leaves KAPE / CyLR layouts and plain trees as they are, with backslashes', () => {
    expect(collectedWindowsPath('2021-03-05T101010_triage/C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/x.aspx')).toBe(
      '2021-03-05T101010_triage\\C\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx',
    );
    // A literal `%` in a name outside a Velociraptor layout is not decoded.
    expect(collectedWindowsPath('/evidence/C/Windows/System32/winevt/Logs/Microsoft-Windows-Dhcpv6-Client%4Admin.evtx')).toBe(
      '\\evidence\\C\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-Dhcpv6-Client%4Admin.evtx',
    );
    expect(collectedWindowsPath('inetpub\\wwwroot\\aspnet_client\\a.aspx')).toBe('inetpub\\wwwroot\\aspnet_client\\a.aspx');
  });
});
