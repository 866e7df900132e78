import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Case, LEVELS } from '../../src/model/index.js';
import { iisHeader, iisLine, IIS_DEFAULT_FIELDS } from '../factories/iis.js';
import { kahu } from './cli.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kahu-e2e-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A small IIS log with a few ProxyLogon-shaped requests among benign ones; `ua` lands in every line. */
function iisEvidence(ua = 'Mozilla/5.0'): string {
  const f = IIS_DEFAULT_FIELDS;
  const rec = (time: string, m: string, stem: string, agent: string) => ({
    date: '2021-03-03',
    time,
    's-ip': '10.0.0.5',
    'cs-method': m,
    'cs-uri-stem': stem,
    's-port': 443,
    'c-ip': '203.0.113.66',
    'cs(User-Agent)': agent,
    'sc-status': 200,
    'sc-substatus': 0,
    'sc-win32-status': 0,
    'time-taken': 12,
  });
  return (
    iisHeader(f) +
    iisLine(f, rec('03:41:00', 'GET', '/owa/', ua)) +
    iisLine(f, rec('03:41:05', 'POST', '/ecp/y.js', 'ExchangeServicesClient/0.0.0.0')) +
    iisLine(f, rec('03:42:40', 'POST', '/aspnet_client/system_web/supp0rt.aspx', ua))
  );
}

describe('kahu CLI: help, version, usage errors', () => {
  it('prints help for the program and for scan, and the version', async () => {
    const [top, scan, version] = await Promise.all([kahu(['--help']), kahu(['scan', '--help']), kahu(['--version'])]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('scan');
    expect(scan.code).toBe(0);
    expect(scan.stdout).toContain('--fail-on');
    expect(scan.stdout).toContain('Exit codes');
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 for a missing path, a bad level and an --out inside the evidence', async () => {
    const ev = join(root, 'usage-ev');
    await mkdir(ev);
    await writeFile(join(ev, 'u_ex210303.log'), iisEvidence());
    const [missing, level, inside] = await Promise.all([
      kahu(['scan', join(root, 'nope'), '--out', join(root, 'c1')]),
      kahu(['scan', ev, '--fail-on', 'severe', '--out', join(root, 'c2')]),
      kahu(['scan', ev, '--out', join(ev, 'case')]),
    ]);
    expect([missing.code, level.code, inside.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('cannot read');
    expect(inside.stderr).toContain('inside the evidence');
    expect(missing.stdout + level.stdout + inside.stdout).toBe('');
  });

  it('exits 3 when nothing readable is given', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    const dangling = join(root, 'only-link');
    await mkdir(dangling);
    await symlink(join(root, 'does-not-exist'), join(dangling, 'u_ex.log'));
    const [a, b] = await Promise.all([kahu(['scan', empty, '--out', join(root, 'c3')]), kahu(['scan', dangling, '--out', join(root, 'c4'), '--json'])]);
    expect(a.code).toBe(3);
    expect(b.code).toBe(3);
    // The case is still written and says why.
    const c = Case.parse(JSON.parse(b.stdout));
    expect(c.evidence[0]?.reason).toMatch(/symbolic link/);
  });
});

describe('kahu scan --json', () => {
  it('prints only the case on stdout; it validates, lists each file with format and events, and matches case.json', async () => {
    const ev = join(root, 'json-ev');
    await mkdir(join(ev, 'W3SVC1'), { recursive: true });
    await writeFile(join(ev, 'W3SVC1', 'u_ex210303.log'), iisEvidence());
    await writeFile(join(ev, 'notes.txt'), 'analyst notes\n');
    const out = join(root, 'json-case');
    const r = await kahu(['scan', ev, '--json', '--out', out, '--fail-on', 'high']);
    const c = Case.parse(JSON.parse(r.stdout));
    expect(c.evidence.map((e) => [e.path.slice(ev.length), e.format, e.events])).toEqual([
      ['/W3SVC1/u_ex210303.log', 'iis-w3c', 3],
      ['/notes.txt', 'unrecognised', 0],
    ]);
    expect(c.stats.bySource['webserver.iis']?.events).toBe(3);
    expect(c.command.inputs).toEqual([ev]);
    expect(JSON.parse(await readFile(join(out, 'case.json'), 'utf8'))).toEqual(JSON.parse(r.stdout));
    // The summary went to stderr, not stdout.
    expect(r.stderr).toContain('report.html');
    // --fail-on high: 1 exactly when a finding at or above high exists (whatever rules are built in).
    const high = c.findings.some((f) => LEVELS.indexOf(f.level) >= LEVELS.indexOf('high'));
    expect(r.code).toBe(high ? 1 : 0);
  });
});

describe('kahu scan with bad input', () => {
  it('keeps going past a corrupt archive and garbage, reports them, and exits 4 only with --strict', async () => {
    const ev = join(root, 'bad-ev');
    await mkdir(ev);
    await writeFile(join(ev, 'u_ex210303.log'), iisEvidence());
    // A local-file-header signature followed by junk: detected as ZIP by content, unreadable as one.
    await writeFile(join(ev, 'collection.zip'), Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 0x41)]));
    await writeFile(join(ev, 'random.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
    const [plain, strict] = await Promise.all([
      kahu(['scan', ev, '--json', '--out', join(root, 'bad-case-1')]),
      kahu(['scan', ev, '--json', '--strict', '--out', join(root, 'bad-case-2')]),
    ]);
    expect(plain.code).toBe(0);
    expect(strict.code).toBe(4);
    const c = Case.parse(JSON.parse(plain.stdout));
    const zip = c.evidence.find((e) => e.path.endsWith('collection.zip'));
    expect(zip?.reason).toBeTruthy();
    expect(zip?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(c.issues.some((i) => i.severity === 'error' && i.location?.path?.endsWith('collection.zip'))).toBe(true);
    expect(c.evidence.find((e) => e.path.endsWith('u_ex210303.log'))?.events).toBe(3);
    expect(c.evidence.find((e) => e.path.endsWith('random.bin'))).toMatchObject({ format: 'unrecognised', events: 0 });
  });
});

describe('kahu scan terminal output with hostile evidence', () => {
  it('never passes escape sequences or bidi controls from file names or log lines to the terminal', async () => {
    const ev = join(root, 'hostile-ev');
    await mkdir(ev);
    const name = 'u_ex\u001b]0;pwned\u0007\u001b[31mRED\u202egol.log';
    await writeFile(join(ev, name), iisEvidence('\u001b[2J\u001b[1;32mALL+CLEAR\u001b[0m'));
    await writeFile(join(ev, 'garbage\u001b[5m.bin'), Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0, 0xff]));
    const r = await kahu(['scan', ev, '--out', join(root, 'hostile-case')]);
    expect(r.code).toBe(0);
    for (const stream of [r.stdout, r.stderr]) {
      expect(stream).not.toMatch(/[\u001b\u009b\u0007\u202e]/);
    }
    expect(r.stdout).toContain('Report:');
    const page = await readFile(join(root, 'hostile-case', 'report.html'), 'utf8');
    expect(page).not.toMatch(/[\u001b\u202e]/);
    expect(page).toContain('\\u202e');
  });
});
