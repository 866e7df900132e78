import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContent, loadAttackKb, type AttackKb } from '../../src/attack/index.js';

/** A small ATT&CK world described by ids, turned into a real STIX 2.0 bundle by `makeBundle`. */
export interface World {
  techniques: Array<{ id: string; name?: string; tactics?: string[] }>;
  groups: Array<{ id: string; name: string; aliases?: string[] }>;
  software?: Array<{ id: string; name: string; type?: 'malware' | 'tool'; aliases?: string[] }>;
  campaigns?: Array<{ id: string; name: string; group?: string }>;
  /** "uses" relationships: source id (group/campaign), target id (technique/software), citation keys. */
  uses: Array<[string, string, string[]]>;
}

function stixId(type: string, id: string): string {
  // Deterministic fake UUID from the ATT&CK id, so the bundle is stable.
  const hex = Buffer.from(id.padEnd(16, '_')).toString('hex').slice(0, 32).padEnd(32, '0');
  return `${type}--${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function ref(id: string): Array<{ source_name: string; external_id: string; url: string }> {
  return [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/x/${id}` }];
}

/** A STIX 2.0 bundle for the world (with description fields, which the extract must not copy). */
export function makeBundle(w: World): { type: 'bundle'; id: string; spec_version: string; objects: unknown[] } {
  const objects: unknown[] = [];
  const typeOf = new Map<string, string>();
  const tactics = new Set(w.techniques.flatMap((t) => t.tactics ?? ['execution']));
  let ta = 1;
  for (const short of [...tactics].sort()) {
    const id = `TA${String(ta++).padStart(4, '0')}`;
    objects.push({ type: 'x-mitre-tactic', id: stixId('x-mitre-tactic', id), name: short, x_mitre_shortname: short, external_references: ref(id) });
  }
  for (const t of w.techniques) {
    typeOf.set(t.id, 'attack-pattern');
    objects.push({
      type: 'attack-pattern',
      id: stixId('attack-pattern', t.id),
      name: t.name ?? `Technique ${t.id}`,
      description: 'SECRET MITRE PROSE',
      x_mitre_is_subtechnique: t.id.includes('.'),
      x_mitre_platforms: ['Windows'],
      kill_chain_phases: (t.tactics ?? ['execution']).map((p) => ({ kill_chain_name: 'mitre-attack', phase_name: p })),
      external_references: ref(t.id),
    });
    if (t.id.includes('.')) {
      objects.push({
        type: 'relationship',
        id: stixId('relationship', `sub${t.id}`),
        relationship_type: 'subtechnique-of',
        source_ref: stixId('attack-pattern', t.id),
        target_ref: stixId('attack-pattern', t.id.split('.')[0]!),
      });
    }
  }
  for (const g of w.groups) {
    typeOf.set(g.id, 'intrusion-set');
    objects.push({ type: 'intrusion-set', id: stixId('intrusion-set', g.id), name: g.name, aliases: [g.name, ...(g.aliases ?? [])], description: 'SECRET MITRE PROSE', external_references: ref(g.id) });
  }
  for (const s of w.software ?? []) {
    const type = s.type ?? 'malware';
    typeOf.set(s.id, type);
    objects.push({ type, id: stixId(type, s.id), name: s.name, x_mitre_aliases: [s.name, ...(s.aliases ?? [])], external_references: ref(s.id) });
  }
  for (const c of w.campaigns ?? []) {
    typeOf.set(c.id, 'campaign');
    objects.push({ type: 'campaign', id: stixId('campaign', c.id), name: c.name, aliases: [c.name], external_references: ref(c.id) });
    if (c.group) {
      objects.push({
        type: 'relationship',
        id: stixId('relationship', `att${c.id}`),
        relationship_type: 'attributed-to',
        source_ref: stixId('campaign', c.id),
        target_ref: stixId('intrusion-set', c.group),
      });
    }
  }
  w.uses.forEach(([s, t, cites], i) => {
    objects.push({
      type: 'relationship',
      id: stixId('relationship', `use${i}`),
      relationship_type: 'uses',
      description: 'SECRET MITRE PROSE',
      source_ref: stixId(typeOf.get(s)!, s),
      target_ref: stixId(typeOf.get(t)!, t),
      external_references: cites.map((k) => ({ source_name: k, url: `https://example.org/${encodeURIComponent(k)}`, description: 'SECRET CITATION TEXT' })),
    });
  });
  return { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', spec_version: '2.0', objects };
}

/** Writes the world's extract into a fresh temporary content folder and loads it as a KB. */
export function makeKb(w: World, actors?: string): { kb: AttackKb; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kahu-kb-'));
  const files = buildContent(makeBundle(w), null);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  if (actors) {
    mkdirSync(join(dir, 'actors'), { recursive: true });
    writeFileSync(join(dir, 'actors', 'actors.jsonl'), actors);
  }
  return { kb: loadAttackKb(dir), dir };
}
