import { KahuError } from '../core/index.js';

/**
 * STIX bundle (2.0 or 2.1) -> the compact ATT&CK fact extract in `content/attack/`.
 *
 * Facts only: IDs, names, tactics, platforms, flags, aliases, relationships and the citation keys
 * (`external_references[].source_name`) behind each relationship. MITRE's description prose is never
 * read into the output. The output is a pure function of the set of objects (everything is sorted), so
 * the same bundle in any object order gives byte-identical files (the reproducibility test relies on it).
 */

/** Minimal view of a STIX object: only the properties the extract reads. */
interface StixObject {
  type: string;
  id: string;
  name?: string;
  aliases?: string[];
  x_mitre_aliases?: string[];
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  x_mitre_platforms?: string[];
  x_mitre_shortname?: string;
  x_mitre_version?: string;
  x_mitre_attack_spec_version?: string;
  first_seen?: string;
  last_seen?: string;
  modified?: string;
  kill_chain_phases?: Array<{ kill_chain_name: string; phase_name: string }>;
  external_references?: Array<{ source_name: string; external_id?: string; url?: string }>;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
}

/** The relationship types the extract keeps (detection strategies and analytics are not extracted). */
const KEPT_RELATIONSHIPS = new Set(['uses', 'mitigates', 'subtechnique-of', 'attributed-to', 'revoked-by']);

/** STIX types that carry an ATT&CK id we extract, and the file each goes to. */
const KINDS: Record<string, string> = {
  'x-mitre-tactic': 'tactics',
  'attack-pattern': 'techniques',
  'intrusion-set': 'groups',
  malware: 'software',
  tool: 'software',
  campaign: 'campaigns',
  'course-of-action': 'mitigations',
};

/** File names written into `content/attack/`, in write order. */
export const EXTRACT_FILES = [
  'meta.json',
  'tactics.jsonl',
  'techniques.jsonl',
  'groups.jsonl',
  'software.jsonl',
  'campaigns.jsonl',
  'mitigations.jsonl',
  'relationships.jsonl',
  'citations.jsonl',
] as const;

function attackId(o: StixObject): string | undefined {
  // ATT&CK ids live in the `mitre-attack` external reference (STIX 2.0 and 2.1 alike).
  return o.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
}

/** Citation keys of an object: every external reference except ATT&CK's own id reference. */
function citationKeys(o: StixObject): string[] {
  const keys = new Set<string>();
  for (const r of o.external_references ?? []) {
    if (r.source_name && r.source_name !== 'mitre-attack') keys.add(r.source_name);
  }
  return [...keys].sort(cmp);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares ATT&CK ids numerically within a prefix (T1003 < T1003.001 < T1005, G0007 < G0125). */
export function compareAttackIds(a: string, b: string): number {
  const pa = /^([A-Z]+)(\d+)(?:\.(\d+))?$/.exec(a);
  const pb = /^([A-Z]+)(\d+)(?:\.(\d+))?$/.exec(b);
  if (!pa || !pb) return cmp(a, b);
  if (pa[1] !== pb[1]) return cmp(pa[1]!, pb[1]!);
  const d = Number(pa[2]) - Number(pb[2]);
  if (d !== 0) return d;
  return Number(pa[3] ?? -1) - Number(pb[3] ?? -1);
}

function aliasesOf(o: StixObject, name: string): string[] {
  const all = [...(o.aliases ?? []), ...(o.x_mitre_aliases ?? [])].filter((a) => a && a !== name);
  return [...new Set(all)].sort(cmp);
}

/** Adds flags only when set, so the files stay small. */
function flags(o: StixObject): { revoked?: true; deprecated?: true } {
  const f: { revoked?: true; deprecated?: true } = {};
  if (o.revoked) f.revoked = true;
  if (o.x_mitre_deprecated) f.deprecated = true;
  return f;
}

function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Result of an extract: file name -> content, plus counts for the user. */
export interface AttackExtract {
  files: Record<(typeof EXTRACT_FILES)[number], string>;
  counts: Record<string, number>;
}

/**
 * Builds the extract from a parsed STIX bundle. Throws `KahuError('bad-record')` when the input is
 * not a bundle of ATT&CK objects.
 */
export function extractAttack(bundle: unknown): AttackExtract {
  if (typeof bundle !== 'object' || bundle === null || (bundle as { type?: unknown }).type !== 'bundle') {
    throw new KahuError('bad-record', 'not a STIX bundle (expected {"type":"bundle","objects":[...]})');
  }
  const objects = (bundle as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) throw new KahuError('bad-record', 'STIX bundle has no "objects" array');

  const byStixId = new Map<string, { kind: string; id: string }>();
  const tactics: Array<Record<string, unknown>> = [];
  const techniques: Array<Record<string, unknown>> = [];
  const groups: Array<Record<string, unknown>> = [];
  const software: Array<Record<string, unknown>> = [];
  const campaigns: Array<Record<string, unknown>> = [];
  const mitigations: Array<Record<string, unknown>> = [];
  const relationships: StixObject[] = [];
  const citations = new Map<string, string>();
  let specVersion = '';
  let lastModified = '';
  let collectionVersion: string | null = null;

  for (const raw of objects as StixObject[]) {
    if (!raw || typeof raw !== 'object' || typeof raw.type !== 'string') continue;
    const o = raw;
    if (o.modified && o.modified > lastModified) lastModified = o.modified;
    if (o.x_mitre_attack_spec_version && compareVersions(o.x_mitre_attack_spec_version, specVersion) > 0) {
      specVersion = o.x_mitre_attack_spec_version;
    }
    // STIX 2.1 releases carry the ATT&CK version on the collection object.
    if (o.type === 'x-mitre-collection' && o.x_mitre_version) collectionVersion = o.x_mitre_version;
    for (const r of o.external_references ?? []) {
      const url = r.url;
      if (r.source_name && r.source_name !== 'mitre-attack' && url) {
        const prev = citations.get(r.source_name);
        if (prev === undefined || url < prev) citations.set(r.source_name, url);
      }
    }
    if (o.type === 'relationship') {
      if (o.relationship_type && KEPT_RELATIONSHIPS.has(o.relationship_type)) relationships.push(o);
      continue;
    }
    const kind = KINDS[o.type];
    if (!kind) continue;
    const id = attackId(o);
    const name = o.name;
    if (!id || !name) continue;
    // Pre-2019 mitigations reused technique ids (T1001 "... Mitigation", all deprecated): not a mitigation id.
    if (kind === 'mitigations' && !/^M\d{4}$/.test(id)) continue;
    byStixId.set(o.id, { kind, id });
    switch (kind) {
      case 'tactics':
        tactics.push({ id, name, short: o.x_mitre_shortname ?? '' });
        break;
      case 'techniques': {
        const tac = (o.kill_chain_phases ?? [])
          .filter((k) => k.kill_chain_name === 'mitre-attack')
          .map((k) => k.phase_name);
        const row: Record<string, unknown> = { id, name, tactics: [...new Set(tac)].sort(cmp) };
        row.platforms = [...new Set(o.x_mitre_platforms ?? [])].sort(cmp);
        if (o.x_mitre_is_subtechnique || id.includes('.')) row.parent = id.split('.')[0];
        techniques.push({ ...row, ...flags(o) });
        break;
      }
      case 'groups':
        groups.push({ id, name, aliases: aliasesOf(o, name), ...flags(o) });
        break;
      case 'software':
        software.push({ id, name, type: o.type, aliases: aliasesOf(o, name), ...flags(o) });
        break;
      case 'campaigns': {
        const row: Record<string, unknown> = { id, name, aliases: aliasesOf(o, name) };
        if (o.first_seen) row.firstSeen = o.first_seen;
        if (o.last_seen) row.lastSeen = o.last_seen;
        campaigns.push({ ...row, ...flags(o) });
        break;
      }
      case 'mitigations':
        mitigations.push({ id, name, ...flags(o) });
        break;
    }
  }

  const rels: Array<{ s: string; r: string; t: string; c: string[] }> = [];
  for (const o of relationships) {
    // A relationship that MITRE itself revoked or deprecated is no longer a fact of this release.
    if (o.revoked || o.x_mitre_deprecated) continue;
    const s = o.source_ref ? byStixId.get(o.source_ref) : undefined;
    const t = o.target_ref ? byStixId.get(o.target_ref) : undefined;
    if (!s || !t) continue;
    rels.push({ s: s.id, r: o.relationship_type!, t: t.id, c: citationKeys(o) });
  }
  // Two STIX relationships may join the same pair (rare); merge their citations so the fact is one line.
  const merged = new Map<string, { s: string; r: string; t: string; c: string[] }>();
  for (const r of rels) {
    const k = `${r.s}\u0000${r.r}\u0000${r.t}`;
    const prev = merged.get(k);
    if (prev) prev.c = [...new Set([...prev.c, ...r.c])].sort(cmp);
    else merged.set(k, r);
  }
  const relRows = [...merged.values()].sort(
    (a, b) => compareAttackIds(a.s, b.s) || cmp(a.r, b.r) || compareAttackIds(a.t, b.t),
  );

  const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
    compareAttackIds(a.id as string, b.id as string);
  for (const list of [tactics, techniques, groups, software, campaigns, mitigations]) list.sort(byId);
  const citeRows = [...citations.entries()].sort((a, b) => cmp(a[0], b[0])).map(([k, url]) => ({ k, url }));

  const counts = {
    tactics: tactics.length,
    techniques: techniques.length,
    groups: groups.length,
    software: software.length,
    campaigns: campaigns.length,
    mitigations: mitigations.length,
    relationships: relRows.length,
    citations: citeRows.length,
  };
  const meta = {
    format: 1,
    domain: 'enterprise-attack',
    attackVersion: collectionVersion,
    attackSpecVersion: specVersion || null,
    lastModified: lastModified || null,
    counts,
  };
  return {
    files: {
      'meta.json': JSON.stringify(meta, null, 1) + '\n',
      'tactics.jsonl': jsonl(tactics),
      'techniques.jsonl': jsonl(techniques),
      'groups.jsonl': jsonl(groups),
      'software.jsonl': jsonl(software),
      'campaigns.jsonl': jsonl(campaigns),
      'mitigations.jsonl': jsonl(mitigations),
      'relationships.jsonl': jsonl(relRows),
      'citations.jsonl': jsonl(citeRows),
    },
    counts,
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
