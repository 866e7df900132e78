import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { KahuError } from '../core/index.js';
import { normaliseName } from './actors-extract.js';
import {
  ActorFacts,
  AttackMeta,
  Campaign,
  Citation,
  CountryOffsets,
  CveFact,
  Group,
  Mitigation,
  Relationship,
  Software,
  Tactic,
  Technique,
} from './kb.schema.js';

/** The loaded, indexed ATT&CK knowledge base plus actor facts. Read-only after load. */
export interface AttackKb {
  meta: AttackMeta;
  tactics: Map<string, Tactic>;
  techniques: Map<string, Technique>;
  groups: Map<string, Group>;
  software: Map<string, Software>;
  campaigns: Map<string, Campaign>;
  mitigations: Map<string, Mitigation>;
  relationships: Relationship[];
  citations: Map<string, string>;
  /** MISP facts per group id. */
  actors: Map<string, ActorFacts>;
  /** Campaign id -> groups it is attributed to. */
  campaignGroups: Map<string, string[]>;
  /** CVE -> facts (table in content/actors plus ATT&CK citation keys that name a CVE). */
  cves: Map<string, Array<{ group: string; sources: string[] }>>;
  /** Country -> standard UTC offsets. */
  countryOffsets: CountryOffsets;
  /** Revoked object id -> the id that replaces it. */
  revokedBy: Map<string, string>;
  /** Normalised software name/alias -> ids. */
  softwareByName: Map<string, string[]>;
  /** Normalised group name/alias/vendor name -> ids. */
  groupByName: Map<string, string[]>;
}

/** Finds the repository's `content/` folder from this module (works from src/ with tsx and from dist/). */
export function defaultContentDir(): string {
  if (process.env.KAHU_CONTENT) return process.env.KAHU_CONTENT;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'content', 'attack', 'meta.json'))) return join(dir, 'content');
    dir = dirname(dir);
  }
  throw new KahuError('io', 'cannot find content/attack/meta.json (set KAHU_CONTENT to the content folder)');
}

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new KahuError('io', `cannot read ${path}`, { cause, location: { path } });
  }
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (cause) {
      throw new KahuError('bad-record', 'not JSON', { cause, location: { path, line: i + 1 } });
    }
    const r = schema.safeParse(v);
    if (!r.success) {
      throw new KahuError('bad-record', `invalid record: ${r.error.issues[0]?.message ?? 'schema'}`, {
        location: { path, line: i + 1 },
      });
    }
    out.push(r.data);
  }
  return out;
}

function readJson<T>(path: string, schema: z.ZodType<T>): T {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new KahuError('io', `cannot read ${path}`, { cause, location: { path } });
  }
  const r = schema.safeParse(v);
  if (!r.success) throw new KahuError('bad-record', `invalid ${path}: ${r.error.message}`, { location: { path } });
  return r.data;
}

const CVE_IN_KEY = /CVE-\d{4}-\d{4,}/gi;

function addName(index: Map<string, string[]>, name: string, id: string): void {
  const k = normaliseName(name);
  if (!k) return;
  const list = index.get(k);
  if (!list) index.set(k, [id]);
  else if (!list.includes(id)) list.push(id);
}

const cache = new Map<string, AttackKb>();

/** Loads (once per folder) and indexes `content/attack/` and `content/actors/`, validating every record. */
export function loadAttackKb(contentDir: string = defaultContentDir()): AttackKb {
  const hit = cache.get(contentDir);
  if (hit) return hit;
  const a = (f: string): string => join(contentDir, 'attack', f);
  const meta = readJson(a('meta.json'), AttackMeta);
  const byId = <T extends { id: string }>(rows: T[]): Map<string, T> => new Map(rows.map((r) => [r.id, r]));
  const tactics = new Map(readJsonl(a('tactics.jsonl'), Tactic).map((t) => [t.short, t]));
  const techniques = byId(readJsonl(a('techniques.jsonl'), Technique));
  const groups = byId(readJsonl(a('groups.jsonl'), Group));
  const software = byId(readJsonl(a('software.jsonl'), Software));
  const campaigns = byId(readJsonl(a('campaigns.jsonl'), Campaign));
  const mitigations = byId(readJsonl(a('mitigations.jsonl'), Mitigation));
  const relationships = readJsonl(a('relationships.jsonl'), Relationship);
  const citations = new Map(readJsonl(a('citations.jsonl'), Citation).map((c) => [c.k, c.url]));

  const actorsPath = join(contentDir, 'actors', 'actors.jsonl');
  const actors = existsSync(actorsPath) ? byId(readJsonl(actorsPath, ActorFacts)) : new Map<string, ActorFacts>();
  const cvePath = join(contentDir, 'actors', 'cve-attribution.json');
  const cveTable = existsSync(cvePath) ? readJson(cvePath, CveFact.array()) : [];
  const tzPath = join(contentDir, 'actors', 'timezones.json');
  const countryOffsets = existsSync(tzPath) ? readJson(tzPath, CountryOffsets) : {};

  const campaignGroups = new Map<string, string[]>();
  const revokedBy = new Map<string, string>();
  const cves = new Map<string, Array<{ group: string; sources: string[] }>>();
  const addCve = (cve: string, group: string, source: string): void => {
    const list = cves.get(cve) ?? [];
    const e = list.find((x) => x.group === group);
    if (e) {
      if (!e.sources.includes(source)) e.sources.push(source);
    } else list.push({ group, sources: [source] });
    cves.set(cve, list);
  };
  for (const r of relationships) {
    if (r.r === 'attributed-to' && campaigns.has(r.s) && groups.has(r.t)) {
      const l = campaignGroups.get(r.s) ?? [];
      l.push(r.t);
      campaignGroups.set(r.s, l);
    } else if (r.r === 'revoked-by') {
      revokedBy.set(r.s, r.t);
    }
  }
  // A group relationship cited by a report whose citation key names a CVE: the report is about that CVE's use.
  for (const r of relationships) {
    if (r.r !== 'uses') continue;
    const owners = groups.has(r.s) ? [r.s] : (campaignGroups.get(r.s) ?? []);
    for (const key of r.c) {
      for (const m of key.matchAll(CVE_IN_KEY)) for (const g of owners) addCve(m[0].toUpperCase(), g, key);
    }
  }
  for (const f of cveTable) for (const g of f.groups) for (const s of f.sources) addCve(f.cve, g, `${s.title} <${s.url}>`);

  const softwareByName = new Map<string, string[]>();
  for (const s of software.values()) {
    if (s.revoked) continue;
    addName(softwareByName, s.id, s.id);
    addName(softwareByName, s.name, s.id);
    for (const al of s.aliases) addName(softwareByName, al, s.id);
  }
  const groupByName = new Map<string, string[]>();
  for (const g of groups.values()) {
    if (g.revoked) continue;
    addName(groupByName, g.id, g.id);
    addName(groupByName, g.name, g.id);
    for (const al of g.aliases) addName(groupByName, al, g.id);
    for (const n of actors.get(g.id)?.names ?? []) addName(groupByName, n, g.id);
  }

  const kb: AttackKb = {
    meta,
    tactics,
    techniques,
    groups,
    software,
    campaigns,
    mitigations,
    relationships,
    citations,
    actors,
    campaignGroups,
    cves,
    countryOffsets,
    revokedBy,
    softwareByName,
    groupByName,
  };
  cache.set(contentDir, kb);
  return kb;
}

/** Current id for a technique/software id (follows revoked-by), or undefined when unknown. */
export function resolveId(kb: AttackKb, id: string): string | undefined {
  let cur = id.toUpperCase();
  for (let i = 0; i < 5; i++) {
    const next = kb.revokedBy.get(cur);
    if (!next) break;
    cur = next;
  }
  return kb.techniques.has(cur) || kb.software.has(cur) || kb.groups.has(cur) ? cur : undefined;
}

/** Resolves a software reference (id like S0020, or a name/alias like "China Chopper") to software ids. */
export function findSoftware(kb: AttackKb, ref: string): string[] {
  const id = /^S\d{4}$/i.test(ref.trim()) ? resolveId(kb, ref.trim()) : undefined;
  if (id) return [id];
  return kb.softwareByName.get(normaliseName(ref)) ?? [];
}

/** Resolves a group reference (G0125, HAFNIUM, Silk Typhoon) to group ids. */
export function findGroup(kb: AttackKb, ref: string): string[] {
  const id = /^G\d{4}$/i.test(ref.trim()) ? resolveId(kb, ref.trim()) : undefined;
  if (id) return [id];
  return kb.groupByName.get(normaliseName(ref)) ?? [];
}

/** Display name of a country code ("CN" -> "China"). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
