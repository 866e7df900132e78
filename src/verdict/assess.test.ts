import { describe, expect, it } from 'vitest';
import type { EvidenceFile, Finding, KahuEvent } from '../model/index.js';
import { IssueCollector } from '../core/index.js';
import { inventoryEvent, type EvidenceEntry } from '../evidence/index.js';
import { artifactDetector, assessExchange, BUILD_OBSERVATION_RULE, checkMatches, loadArtifactChecks } from './index.js';

const day = (d: string): number => Date.parse(`${d}T00:00:00Z`);

function ev(id: string, format: EvidenceFile['format'], first: string, last: string): EvidenceFile {
  return { id, path: `/e/${id}`, size: 1, sha256: '', mtime: null, format, events: 10, first: day(first), last: day(last) };
}
function finding(id: string, level: Finding['level'], cves: string[], attack: string[], evidenceId: string, ruleId = id): Finding {
  return {
    id,
    engine: 'sigma',
    rule: { id: ruleId, title: id, file: 'r.yml', line: 1 },
    level,
    attack,
    cves,
    tags: [],
    first: day('2021-03-02'),
    last: day('2021-03-02'),
    events: [{ time: day('2021-03-02'), host: null, prov: { evidenceId, path: '/e', locator: { line: 1 } }, values: {} }],
    eventCount: 1,
  };
}
const status = (vs: ReturnType<typeof assessExchange>, cve: string): string | undefined => vs.find((v) => v.cve === cve)?.status;

describe('assessExchange', () => {
  const logs = [ev('iis', 'iis-w3c', '2021-03-01', '2021-03-04'), ev('hp', 'exchange-httpproxy', '2021-03-01', '2021-03-04'), ev('win', 'json-events', '2020-12-01', '2021-03-04')];

  it('exploited needs a high finding for the CVE plus follow-on; without follow-on it is an attempt', () => {
    const ssrf = finding('ssrf', 'high', ['CVE-2021-26855'], ['T1190'], 'hp');
    const shell = finding('shell', 'critical', [], ['T1505.003'], 'win');
    expect(status(assessExchange({ findings: [ssrf, shell], evidence: logs }), 'CVE-2021-26855')).toBe('exploited');
    const v = assessExchange({ findings: [ssrf], evidence: logs }).find((x) => x.cve === 'CVE-2021-26855');
    expect(v?.status).toBe('attempted');
    expect(v?.findingIds).toEqual(['ssrf']);
  });

  it('a medium request-log finding is an attempt; a medium event-log finding is only context', () => {
    const probe = finding('probe', 'medium', ['CVE-2021-34473'], ['T1190'], 'iis');
    const role = finding('role', 'medium', ['CVE-2021-34523'], ['T1098'], 'win');
    const vs = assessExchange({ findings: [probe, role], evidence: [...logs.slice(0, 2), ev('win', 'json-events', '2021-06-01', '2021-08-30')] });
    expect(status(vs, 'CVE-2021-34473')).toBe('attempted');
    expect(status(vs, 'CVE-2021-34523')).not.toBe('attempted');
    expect(vs.find((x) => x.cve === 'CVE-2021-34523')?.reason).toMatch(/context finding/);
  });

  it('no findings: no-evidence when the logs reach the look-back date, cannot-tell when they start later or end earlier', () => {
    const vs = assessExchange({ findings: [], evidence: logs });
    // Windows events from 2020-12 cover the 2021-01-01 look-back for 26857; IIS/HttpProxy from 2021-03 do not for 26855.
    expect(status(vs, 'CVE-2021-26857')).toBe('no-evidence');
    expect(status(vs, 'CVE-2021-26855')).toBe('cannot-tell');
    const nsh = vs.find((x) => x.cve === 'CVE-2022-41040');
    expect(nsh?.status).toBe('cannot-tell');
    expect(nsh?.reason).toMatch(/end 2021-03-04, before ProxyNotShell/);
    expect(nsh?.coverage.map((c) => c.family)).toEqual(['iis']);
    expect(status(assessExchange({ findings: [], evidence: [] }), 'CVE-2021-26858')).toBe('cannot-tell');
  });

  it('no findings and a fixed build observed in the logs: no-evidence', () => {
    const build: Finding = { ...finding('b', 'informational', [], [], 'hp', BUILD_OBSERVATION_RULE), detail: { build: '15.1.2106.13' } };
    const vs = assessExchange({ findings: [build], evidence: logs });
    expect(status(vs, 'CVE-2021-26855')).toBe('no-evidence');
    expect(status(vs, 'CVE-2021-34473')).not.toBe('no-evidence');
    // Where the logs cannot answer, the reason still says the observed build was exposed.
    expect(vs.find((x) => x.cve === 'CVE-2021-34473')?.reason).toMatch(/build\(s\) seen in the logs: 15\.1\.2106\.13 vulnerable$/);
  });
});

describe('artifact checks', () => {
  const checks = loadArtifactChecks();
  const file = (path: string): KahuEvent => ({
    time: 0,
    host: null,
    source: 'file',
    fields: { TargetFilename: path.replaceAll('/', '\\'), FileName: path.slice(path.lastIndexOf('/') + 1) },
    prov: { evidenceId: 'x', path, locator: { offset: 0 } },
  });
  const hits = (path: string): string[] => checks.filter((c) => checkMatches(c, file(path))).map((c) => c.id);

  it('flag web shell folders but not the pages that ship there', () => {
    expect(hits('/c/C/inetpub/wwwroot/aspnet_client/system_web/abcdefgh.aspx')).toEqual(['kahu-exchange-artifact-aspnet-client-page']);
    expect(hits('/c/C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/ohyeah.aspx')).toEqual(['kahu-exchange-artifact-owa-auth-page']);
    expect(hits('/c/C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/logon.aspx')).toEqual([]);
    expect(hits('/c/C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/ecp/auth/TimeoutLogoff.aspx')).toEqual([]);
    expect(hits('/c/C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/ecp/auth/x.js')).toEqual(['kahu-exchange-artifact-ecp-auth-file']);
  });
  it('flag LSASS dumps anywhere and archives in ProgramData only', () => {
    expect(hits('/c/C/root/lsass_0312.dmp')).toEqual(['kahu-exchange-artifact-lsass-dump']);
    expect(hits('/c/C/ProgramData/it.7z')).toEqual(['kahu-exchange-artifact-programdata-archive']);
    expect(hits('/c/D/Backup/logs.zip')).toEqual([]);
  });
  it('each check points at its line in content/exchange/artifacts.yaml; builds seen become informational findings', () => {
    expect(new Set(checks.map((c) => c.line)).size).toBe(checks.length);
    const d = artifactDetector(checks);
    const iss = new IssueCollector();
    const hp: KahuEvent = { time: 5, host: 'EXCH01', source: 'exchange.httpproxy', fields: { MajorVersion: 15, MinorVersion: 1, BuildVersion: 2106, RevisionVersion: 2 }, prov: { evidenceId: 'h', path: 'hp.log', locator: { line: 6 } } };
    expect(d.onEvents([hp, { ...hp, time: 9 }], iss)).toEqual([]);
    const [b] = d.finish(iss);
    expect(b).toMatchObject({ rule: { id: BUILD_OBSERVATION_RULE }, level: 'informational', detail: { build: '15.1.2106.2' }, eventCount: 2, first: 5, last: 9 });
  });
});

describe('artifact checks on the inventory of triage collections (zip entries and extracted trees)', () => {
  const checks = loadArtifactChecks();
  /** The inventory event intake makes for a file at `path` (a zip entry when it holds `!/`). */
  const inventoried = (path: string): KahuEvent => {
    const entry: EvidenceEntry = {
      id: 'e1.2',
      path,
      size: 70,
      mtime: null,
      atime: null,
      ctime: null,
      birthtime: null,
      format: 'unrecognised',
      parser: null,
      magic: 'text',
      readable: true,
      open: async function* () {},
    };
    return inventoryEvent(entry, '0'.repeat(64));
  };
  const hits = (path: string): string[] => checks.filter((c) => checkMatches(c, inventoried(path))).map((c) => c.id);
  const OWA = 'Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth';

  it('KAPE / CyLR zips (drive letter as a folder) and archives rooted at the drive', () => {
    expect(hits(`/cases/collection.zip!/C/${OWA}/x.aspx`)).toEqual(['kahu-exchange-artifact-owa-auth-page']);
    expect(hits(`/cases/collection.zip!/2021-03-05T101010_triage/C/${OWA}/logon.aspx`)).toEqual([]);
    expect(hits('/cases/c.zip!/inetpub/wwwroot/aspnet_client/system_web/s.aspx')).toEqual(['kahu-exchange-artifact-aspnet-client-page']);
    expect(hits('/cases/c.zip!/ProgramData/out.7z')).toEqual(['kahu-exchange-artifact-programdata-archive']);
    expect(hits('/cases/c.zip!/Windows/Temp/lsass.dmp')).toEqual(['kahu-exchange-artifact-lsass-dump']);
  });
  it('Velociraptor collections (percent-encoded volume and names), zipped or extracted', () => {
    const shell = inventoried(`/cases/Collection-EXCH01.zip!/uploads/auto/C%3A/${OWA}/x.aspx`);
    expect(shell.fields).toMatchObject({ TargetFilename: `C:\\${OWA.replaceAll('/', '\\')}\\x.aspx`, FileName: 'x.aspx', Extension: 'aspx' });
    expect(checks.filter((c) => checkMatches(c, shell)).map((c) => c.id)).toEqual(['kahu-exchange-artifact-owa-auth-page']);
    expect(hits(`/cases/Collection-EXCH01/uploads/ntfs/%5C%5C.%5CC%3A/${OWA}/OutlookCN.aspx`)).toEqual([]);
    expect(hits('/cases/Collection-EXCH01.zip!/uploads/ntfs/%5C%5C.%5CC%3A/root/lsass%5F0312.dmp')).toEqual(['kahu-exchange-artifact-lsass-dump']);
    expect(hits('/cases/Collection-EXCH01.zip!/uploads/auto/C%3A/ProgramData/%2Ehidden.rar')).toEqual(['kahu-exchange-artifact-programdata-archive']);
    // An alternate data stream of a shipped page is not a page.
    expect(hits(`/cases/Collection-EXCH01.zip!/uploads/auto/C%3A/${OWA}/logon.aspx%3AZone.Identifier`)).toEqual([]);
  });
});
