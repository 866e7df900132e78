import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KahuError } from '../core/index.js';
import { EXTRACT_FILES, extractAttack } from './extract.js';
import { extractActors, type GroupName, type MispGalaxies } from './actors-extract.js';

/** Reads and parses a STIX bundle from a file path or an http(s) URL. */
export async function loadBundle(from: string): Promise<unknown> {
  let text: string;
  if (/^https?:\/\//i.test(from)) {
    const res = await fetch(from).catch((cause: unknown) => {
      throw new KahuError('io', `cannot fetch ${from}`, { cause });
    });
    if (!res.ok) throw new KahuError('io', `cannot fetch ${from}: HTTP ${res.status}`);
    text = await res.text();
  } else {
    text = await readFile(from, 'utf8').catch((cause: unknown) => {
      throw new KahuError('io', `cannot read ${from}`, { cause, location: { path: from } });
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new KahuError('bad-record', `${from} is not JSON`, { cause, location: { path: from } });
  }
}

/** Reads the MISP galaxy files from a folder (threat-actor.json, mitre-intrusion-set.json, microsoft-activity-group.json). */
export async function loadGalaxies(dir: string): Promise<MispGalaxies> {
  const read = async (name: string): Promise<{ values?: [] }> => {
    const p = join(dir, name);
    try {
      return JSON.parse(await readFile(p, 'utf8')) as { values?: [] };
    } catch (cause) {
      throw new KahuError('io', `cannot read MISP galaxy ${p}`, { cause, location: { path: p } });
    }
  };
  const g: MispGalaxies = {
    threatActor: await read('threat-actor.json'),
    mitreIntrusionSet: await read('mitre-intrusion-set.json'),
  };
  if (existsSync(join(dir, 'microsoft-activity-group.json'))) g.microsoft = await read('microsoft-activity-group.json');
  return g;
}

/** Outcome of an update: the files written and the object counts. */
export interface UpdateResult {
  written: string[];
  counts: Record<string, number>;
}

/** Files an update writes for one bundle (+ galaxy), in memory: relative name -> content. */
export function buildContent(bundle: unknown, galaxies: MispGalaxies | null): Record<string, string> {
  const { files } = extractAttack(bundle);
  const out: Record<string, string> = {};
  for (const f of EXTRACT_FILES) out[`attack/${f}`] = files[f];
  if (galaxies) {
    const groups: GroupName[] = files['groups.jsonl']
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as GroupName & { revoked?: boolean })
      .filter((g) => !(g as { revoked?: boolean }).revoked);
    out['actors/actors.jsonl'] = extractActors(groups, galaxies);
  }
  return out;
}

/**
 * Regenerates `<contentDir>/attack/` (and `<contentDir>/actors/actors.jsonl` when a galaxy folder is given).
 * Each file is written to a temporary name and renamed, so a failed run never leaves half a file.
 */
export async function updateAttack(opts: { from: string; mispDir?: string; contentDir: string }): Promise<UpdateResult> {
  const bundle = await loadBundle(opts.from);
  const galaxies = opts.mispDir ? await loadGalaxies(opts.mispDir) : null;
  const content = buildContent(bundle, galaxies);
  const written: string[] = [];
  for (const [rel, text] of Object.entries(content)) {
    const p = join(opts.contentDir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(`${p}.tmp`, text);
    await rename(`${p}.tmp`, p);
    written.push(p);
  }
  const meta = JSON.parse(content['attack/meta.json']!) as { counts: Record<string, number> };
  return { written, counts: meta.counts };
}
