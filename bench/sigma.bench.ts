// `npm run bench -- sigma [--events N] [--rounds N]`: the cost of Sigma detection next to the cost of parsing.
// Rules: every SigmaHQ rule with `product: windows` (rules, rules-emerging-threats, rules-threat-hunting).
// Inputs: (1) the evtx_dump JSON samples of SigmaHQ's regression_data, read into memory, repeated for several
// rounds; (2) a generated stream of Windows events (Sysmon 1/3/11/13, Security 4624/4688, PowerShell 4104) in
// the same evtx_dump JSON layout, 1,000,000 by default, made in slices of 50,000 so memory stays bounded.
// Parse = JSON split + JSON.parse + flattenWindowsEvent; rules = the compiled, indexed rule set on those events
// (detector.onEvents, findings included), timed per file / slice on freshly parsed events.
// Figures: events/s for parse only and for parse + rules, and the ratio rules time / parse time (goal <= 0.5).
// The corpus is small (175 events) and every event is some rule's attack sample, so it is printed three ways: the
// first round alone (cold: JIT tiers, RE2 DFA state and the per-value prefilter caches start empty), rounds 2-N
// (warm), and all rounds together (the figure this benchmark printed before the split).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../src/core/index.js';
import { createSigmaDetector, JsonObjectSplitter } from '../src/engine/index.js';
import { flattenWindowsEvent } from '../src/evidence/index.js';
import type { KahuEvent } from '../src/model/index.js';
import { loadRules } from '../src/sigma/index.js';

/** The shared corpora ($KAHU_CORPUS, else ../shared/data beside the checkout), as test/helpers/corpus.ts finds them. */
const CORPUS = process.env.KAHU_CORPUS ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const corpus = (...parts: string[]): string => join(CORPUS, ...parts);

function walk(dir: string, ext: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

function parse(text: string, path: string): KahuEvent[] {
  const sp = new JsonObjectSplitter();
  const out: KahuEvent[] = [];
  let n = 0;
  for (const o of sp.push(text)) {
    const ev = flattenWindowsEvent(JSON.parse(o.text), { evidenceId: 'bench', path, locator: { record: ++n } });
    if (ev) out.push(ev);
  }
  return out;
}

/** Deterministic generator of evtx_dump-layout Windows events as JSON text (slices of `slice` events). */
export function* generate(total: number, slice: number): Generator<string> {
  let x = 12345;
  const rnd = (n: number): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;
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
  const cmd = (): string => (rnd(100) < 2 ? pick(suspicious) : pick(benign));
  /** A process creation: image, command line, parent image (ordinary pairs; 2% attack-like command lines). */
  const normal: Array<[string, string, string]> = [
    ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\System32\\services.exe'],
    ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c dir C:\\Users\\bob\\Documents', 'C:\\Windows\\explorer.exe'],
    ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'],
    ['C:\\Windows\\System32\\conhost.exe', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff', 'C:\\Windows\\System32\\cmd.exe'],
    ['C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\bob\\report.docx"', 'C:\\Windows\\explorer.exe'],
    ['C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', 'C:\\Windows\\System32\\svchost.exe'],
    ['C:\\Windows\\System32\\RuntimeBroker.exe', 'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding', 'C:\\Windows\\System32\\svchost.exe'],
    ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -Command Get-Service', 'C:\\Windows\\explorer.exe'],
  ];
  const proc = (): [string, string, string] => {
    const p = pick(normal);
    return rnd(100) < 2 ? [p[0], pick(suspicious), p[2]] : p;
  };
  const users = ['CORP\\bob', 'CORP\\alice', 'NT AUTHORITY\\SYSTEM', 'CORP\\svc_backup'];
  const regs = ['HKLM\\System\\CurrentControlSet\\Services\\x\\Start', 'HKU\\S-1-5-21\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x', 'HKLM\\Software\\Classes\\x'];
  const sys = (channel: string, provider: string, id: number, rec: number): object => ({
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
    const parts: string[] = [];
    for (let rec = start; rec < Math.min(total, start + slice); rec++) {
      const k = rnd(100);
      let ev: object;
      if (k < 35) {
        const [image, commandLine, parentImage] = proc();
        ev = { System: sys(SYSMON, 'Microsoft-Windows-Sysmon', 1, rec), EventData: { RuleName: '-', UtcTime: '2024-01-01 00:00:00.000', ProcessGuid: '{0197231E-C424-69E1-C922-000000000800}', ProcessId: rnd(9000), Image: image, FileVersion: '10.0.19041.1', Description: 'Windows host process', Product: 'Microsoft® Windows® Operating System', Company: 'Microsoft Corporation', OriginalFileName: image.split('\\').pop()!, CommandLine: commandLine, CurrentDirectory: 'C:\\Windows\\system32\\', User: pick(users), LogonGuid: '{x}', LogonId: '0x3e7', TerminalSessionId: 0, IntegrityLevel: 'Medium', Hashes: `SHA256=${(rec * 2654435761).toString(16).toUpperCase().padStart(64, '0')}`, ParentProcessGuid: '{y}', ParentProcessId: 1000, ParentImage: parentImage, ParentCommandLine: parentImage, ParentUser: pick(users) } };
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

/** Times parse-only and rules-only on one text; returns [parseMs, rulesMs, events, findings, the events]. */
function measure(text: string, match: (evs: KahuEvent[]) => number): [number, number, number, number, KahuEvent[]] {
  const t0 = performance.now();
  const evs = parse(text, 'bench.json');
  const t1 = performance.now();
  const found = match(evs);
  const t2 = performance.now();
  return [t1 - t0, t2 - t1, evs.length, found, evs];
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Entry point. */
export async function main(args: string[]): Promise<void> {
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const total = arg('--events', 1_000_000);
  const rounds = arg('--rounds', 20);
  process.stdout.write(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.version}\n`);

  const t0 = performance.now();
  const all = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
  const windows = { ...all, detections: all.detections.filter((d) => d.logsource.product === 'windows') };
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const det = createSigmaDetector(windows);
  const compileMs = performance.now() - t1;
  process.stdout.write(
    `rules: ${windows.detections.length} SigmaHQ Windows rules (${det.index.targets.length} mapped variants, ${det.inactive} with no Kahu source); ` +
      `load ${fmt(loadMs)} ms, map+compile+index ${fmt(compileMs)} ms\n`,
  );
  const issues = new IssueCollector();
  const matchAll = (evs: KahuEvent[]): number => det.onEvents(evs, issues).length;

  // (1) Corpus: SigmaHQ regression_data evtx_dump JSON, in memory.
  const files = walk(corpus('sigma', 'regression_data'), '.json');
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  // Per round: the first pass meets every value, JIT tier and RE2 state for the first time (cold); the later
  // rounds see the same events again (warm). Both are printed, and the all-rounds figure as before.
  const cold = [0, 0, 0];
  const warm = [0, 0, 0];
  let found = 0;
  for (let i = 0; i < rounds; i++) {
    const acc = i === 0 ? cold : warm;
    for (const t of texts) {
      const [pm, rm, ne, nf] = measure(t, matchAll);
      acc[0]! += pm;
      acc[1]! += rm;
      acc[2]! += ne;
      found += nf;
    }
  }
  const line = (label: string, [pm, rm, ne]: number[]): string =>
    `  ${label.padEnd(30)} parse only ${fmt((ne! / pm!) * 1000).padStart(7)} events/s, parse + rules ${fmt((ne! / (pm! + rm!)) * 1000).padStart(7)} events/s, ` +
    `rules / parse ${(rm! / pm!).toFixed(2)}x\n`;
  const all3 = [cold[0]! + warm[0]!, cold[1]! + warm[1]!, cold[2]! + warm[2]!];
  process.stdout.write(
    `corpus  (${files.length} regression JSON files, ${(bytes / 1e6).toFixed(1)} MB, x${rounds}): ${fmt(all3[2]!)} events, ${fmt(found / rounds)} findings per round\n` +
      line('first round (cold)', cold) +
      (rounds > 1 ? line(`rounds 2-${rounds} (warm)`, warm) : '') +
      line(`all ${rounds} rounds`, all3) +
      `  rules / parse   ${(all3[1]! / all3[0]!).toFixed(2)}x all rounds, ${rounds > 1 ? (warm[1]! / warm[0]!).toFixed(2) : '-'}x warm  (goal <= 0.50)\n`,
  );

  // (2) Generated stream.
  let p = 0;
  let r = 0;
  let n = 0;
  found = 0;
  let cands = 0;
  let evaluated = 0;
  for (const text of generate(total, 50_000)) {
    const [pm, rm, ne, nf, evs] = measure(text, matchAll);
    // Outside the timed region: how many variants the index offers, and how many pass the literal prefilter.
    for (const ev of evs.slice(0, 1000)) {
      cands += det.index.candidates(ev).length;
      evaluated += det.index.match(ev, () => undefined);
    }
    p += pm;
    r += rm;
    n += ne;
    found += nf;
  }
  const sampled = Math.min(n, Math.ceil(total / 50_000) * 1000);
  process.stdout.write(
    `generated stream (${fmt(n)} events): ${fmt(found)} findings; per event ${(cands / sampled).toFixed(1)} variants by Channel/EventID ` +
        `(of ${det.index.targets.length}), ${(evaluated / sampled).toFixed(1)} evaluated after the literal prefilter\n` +
      `  parse only      ${fmt((n / p) * 1000)} events/s\n` +
      `  parse + rules   ${fmt((n / (p + r)) * 1000)} events/s\n` +
      `  rules / parse   ${(r / p).toFixed(2)}x  (goal <= 0.50)\n`,
  );
}
