import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Case } from '../../src/model/index.js';
import { corpus, describeCorpus } from '../helpers/corpus.js';
import { kahu } from './cli.js';

interface Snapshot {
  [rel: string]: { sha256: string; mtimeNs: bigint; size: number; mode: number };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out.sort();
}

async function snapshot(dir: string): Promise<Snapshot> {
  const snap: Snapshot = {};
  for (const p of await walk(dir)) {
    const st = await stat(p, { bigint: true });
    snap[relative(dir, p)] = {
      sha256: createHash('sha256').update(await readFile(p)).digest('hex'),
      mtimeNs: st.mtimeNs,
      size: Number(st.size),
      mode: Number(st.mode),
    };
  }
  return snap;
}

describeCorpus('kahu scan on a copy of the Exchange corpus', () => {
  let root: string;
  let ev: string;
  let before: Snapshot;
  let run: Awaited<ReturnType<typeof kahu>>;
  let c: Case;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kahu-corpus-'));
    ev = join(root, 'evidence');
    // cp -a keeps mtimes, so the copy is evidence as it was collected. The shared corpus itself is never scanned here.
    execFileSync('cp', ['-a', corpus('exchange-logs'), ev]);
    before = await snapshot(ev);
    run = await kahu(['scan', ev, '--json', '--out', join(root, 'case')]);
    c = Case.parse(JSON.parse(run.stdout));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('leaves every evidence file byte-for-byte and mtime-for-mtime unchanged, and adds nothing', async () => {
    expect(run.code).toBe(0);
    expect(Object.keys(before).length).toBeGreaterThan(3);
    expect(await snapshot(ev)).toEqual(before);
  });

  it('lists every file with its SHA-256 (as read during the scan), detected format and event count', () => {
    const onDisk = c.evidence.filter((e) => !e.path.includes('!/'));
    expect(onDisk.map((e) => relative(ev, e.path)).sort()).toEqual(Object.keys(before).sort());
    for (const e of onDisk) {
      expect(e.sha256, e.path).toBe(before[relative(ev, e.path)]?.sha256);
      expect(e.size).toBe(before[relative(ev, e.path)]?.size);
    }
    const tunna = c.evidence.find((e) => e.path.endsWith('Tunna_rdp_tunnel_IIS.log'));
    expect(tunna?.format).toBe('iis-w3c');
    expect(tunna?.events).toBeGreaterThan(4000);
    // Zip entries are listed too, under archive.zip!/inner.
    expect(c.evidence.some((e) => e.path.includes('.zip!/'))).toBe(true);
    for (const e of c.evidence) {
      if (e.format === 'unrecognised' || e.format === 'zip') expect(e.events).toBe(0);
      if (e.format === 'unrecognised') expect(e.reason, e.path).toBeTruthy();
    }
    expect(c.stats.events).toBe(c.evidence.reduce((n, e) => n + e.events, 0));
  });

  it('writes a report that names every evidence file', async () => {
    const page = await readFile(join(root, 'case', 'report.html'), 'utf8');
    for (const e of c.evidence) expect(page).toContain(relative(ev, e.path).split('/').at(-1)?.replace(/&/g, '&amp;') ?? '');
  });
});
