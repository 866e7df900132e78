import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { KahuError, type IssueSink } from '../core/index.js';
import { collectedWindowsPath } from '../evidence/index.js';
import { fieldOf, Level, type Detector, type Finding, type KahuEvent } from '../model/index.js';
import { contentRoot } from './content-root.js';

const Check = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    level: Level,
    attack: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)),
    cves: z.array(z.string()).default([]),
    pathContains: z.array(z.string()).optional(),
    extensions: z.array(z.string()).optional(),
    exceptNames: z.array(z.string()).optional(),
    nameRegex: z.string().optional(),
  })
  .strict();

/** One artifact check, with where it is defined. */
export type ArtifactCheck = z.infer<typeof Check> & { file: string; line: number; re: RegExp | null };

/** Loads `content/exchange/artifacts.yaml` (schema-validated; throws KahuError with file:line when invalid). */
export function loadArtifactChecks(path = join(contentRoot(), 'exchange', 'artifacts.yaml')): ArtifactCheck[] {
  const text = readFileSync(path, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) throw new KahuError('rule-invalid', doc.errors[0]?.message ?? 'bad YAML', { location: { path } });
  const list = doc.get('checks', true) as { items?: { range?: [number, number, number] | null }[] } | undefined;
  const raw = (doc.toJS() as { checks?: unknown[] }).checks ?? [];
  return raw.map((c, i) => {
    const line = lc.linePos(list?.items?.[i]?.range?.[0] ?? 0).line;
    const r = Check.safeParse(c);
    if (!r.success) {
      throw new KahuError('rule-invalid', `artifact check ${i}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`, { location: { path, line } });
    }
    return { ...r.data, file: path, line, re: r.data.nameRegex ? new RegExp(r.data.nameRegex, 'i') : null };
  });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** True when the inventory event's file is what the check looks for. */
export function checkMatches(c: ArtifactCheck, e: KahuEvent): boolean {
  // Inventory events carry the rooted Windows path (evidence/files/inventory.ts); others are read from provenance.
  const path = str(e.fields.TargetFilename) || collectedWindowsPath(e.prov.path);
  const lower = path.toLowerCase();
  const name = str(e.fields.FileName) || path.slice(path.lastIndexOf('\\') + 1);
  const ext = (str(e.fields.Extension) || (name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '')).toLowerCase();
  if (c.pathContains && !c.pathContains.some((p) => lower.includes(p.toLowerCase()))) return false;
  if (c.extensions && !c.extensions.includes(ext)) return false;
  if (c.exceptNames?.some((n) => n.toLowerCase() === name.toLowerCase())) return false;
  if (c.re && !c.re.test(name)) return false;
  return true;
}

function findingFor(c: ArtifactCheck, e: KahuEvent): Finding {
  const id = createHash('sha256').update(`artifact\0${c.id}\0${e.prov.evidenceId}\0${e.prov.path}`).digest('hex').slice(0, 16);
  return {
    id: `artifact-${id}`,
    engine: 'artifact',
    rule: { id: c.id, title: c.title, file: c.file, line: c.line },
    level: c.level,
    attack: c.attack,
    cves: c.cves,
    tags: c.attack.map((t) => `attack.${t.toLowerCase()}`),
    first: e.time,
    last: e.time,
    events: [
      {
        time: e.time,
        host: e.host,
        prov: e.prov,
        values: { TargetFilename: e.fields.TargetFilename ?? null, Size: e.fields.Size ?? null, SHA256: e.fields.SHA256 ?? null },
      },
    ],
    eventCount: 1,
    detail: { file: e.prov.path },
  };
}

/** Exchange build fields of HttpProxy / Rps_Http / cmdlet log records. */
const BUILD_SOURCES = new Set(['exchange.httpproxy', 'exchange.rps', 'exchange.cmdlet']);

/** Reads `Major.Minor.Build.Revision` from an Exchange log record's version columns, or null. */
export function buildOfEvent(e: KahuEvent): string | null {
  if (!BUILD_SOURCES.has(e.source)) return null;
  // One value at a time: a lazy log record is not decoded whole for its build.
  const parts = [fieldOf(e, 'MajorVersion'), fieldOf(e, 'MinorVersion'), fieldOf(e, 'BuildVersion'), fieldOf(e, 'RevisionVersion')].map((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null));
  if (parts.some((p) => p === null) || parts[0] !== 15) return null;
  return parts.join('.');
}

/** Rule id of the informational "Exchange build observed" findings that the verdicts read. */
export const BUILD_OBSERVATION_RULE = 'kahu-exchange-build-observed';

/**
 * The artifact detector: file-inventory checks (web shell folders, LSASS dumps, ProgramData archives) and the
 * Exchange builds seen in HttpProxy/Rps/cmdlet logs (one informational finding per build, with its first record and
 * the time range, so verdicts can judge exposure from evidence).
 */
export function artifactDetector(checks: ArtifactCheck[] = loadArtifactChecks()): Detector {
  const builds = new Map<string, { first: KahuEvent; count: number; min: number | null; max: number | null }>();
  return {
    name: 'exchange-artifacts',
    onEvents(events: readonly KahuEvent[], _issues: IssueSink): Finding[] {
      const out: Finding[] = [];
      for (const e of events) {
        if (e.source === 'file') {
          for (const c of checks) if (checkMatches(c, e)) out.push(findingFor(c, e));
          continue;
        }
        const b = buildOfEvent(e);
        if (b === null) continue;
        const s = builds.get(b);
        if (!s) builds.set(b, { first: e, count: 1, min: e.time, max: e.time });
        else {
          s.count++;
          if (e.time !== null) {
            s.min = s.min === null ? e.time : Math.min(s.min, e.time);
            s.max = s.max === null ? e.time : Math.max(s.max, e.time);
          }
        }
      }
      return out;
    },
    finish(): Finding[] {
      return [...builds.entries()].map(([build, s]) => ({
        id: `artifact-build-${build}`,
        engine: 'artifact' as const,
        rule: { id: BUILD_OBSERVATION_RULE, title: `Exchange build ${build} observed in the logs`, file: 'src/verdict/artifacts.ts', line: 1 },
        level: 'informational' as const,
        attack: [],
        cves: [],
        tags: [],
        first: s.min,
        last: s.max,
        events: [{ time: s.first.time, host: s.first.host, prov: s.first.prov, values: { build } }],
        eventCount: s.count,
        detail: { build },
      }));
    },
  };
}

/** Detector factory for the scan pipeline (`detectorFactories`). */
export function artifactDetectors(): Detector[] {
  return [artifactDetector()];
}
