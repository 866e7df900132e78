import { mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { KahuError } from '../core/index.js';
import type { Case } from '../model/index.js';
import { CASE_FILES, renderCaseJson, renderFindingsJsonl, renderHtml, renderTimelineCsv } from '../report/index.js';

/** Resolves symlinks of the longest existing prefix of `p`, so containment checks see real locations. */
async function realish(p: string): Promise<string> {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(await realpath(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      tail.push(head.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
      head = up;
    }
  }
}

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * Refuses a case folder that would write into the evidence (inside an input folder, or holding an
 * input) or over a folder that is not a Kahu case. Evidence is never written to.
 */
export async function assertOutsideEvidence(out: string, inputs: readonly string[]): Promise<void> {
  const o = await realish(out);
  for (const input of inputs) {
    const i = await realish(input);
    if (inside(o, i)) {
      throw new KahuError('usage', `the case folder ${out} is inside the evidence ${input}; choose --out elsewhere (evidence is never written to)`);
    }
    if (inside(i, o)) {
      throw new KahuError('usage', `the evidence ${input} is inside the case folder ${out}; choose another --out`);
    }
  }
  let names: string[];
  try {
    names = await readdir(o);
  } catch {
    return; // does not exist yet
  }
  if (names.length > 0 && !names.includes(CASE_FILES.case)) {
    throw new KahuError('usage', `${out} exists and is not a Kahu case folder (no ${CASE_FILES.case}); choose another --out`);
  }
}

async function writeAtomic(path: string, data: string | Iterable<string>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data, { encoding: 'utf8', mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes the case folder: case.json, findings.jsonl, timeline.csv, report.html. Each file is written
 * to a temporary name and renamed, so a reader never sees half a file; case.json goes last.
 */
export async function writeCaseFiles(c: Case, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, CASE_FILES.findings), renderFindingsJsonl(c));
  await writeAtomic(join(dir, CASE_FILES.timeline), renderTimelineCsv(c));
  await writeAtomic(join(dir, CASE_FILES.report), renderHtml(c));
  await writeAtomic(join(dir, CASE_FILES.case), renderCaseJson(c));
}
