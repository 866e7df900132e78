/**
 * MISP galaxy clusters (CC0) -> `content/actors/actors.jsonl`: for each ATT&CK group, its country, suspected
 * state sponsor and the other names vendors use (Silk Typhoon for HAFNIUM). Only structured fields are read
 * (meta.country, meta.cfr-suspected-state-sponsor, meta.synonyms, meta.name-attribution, related uuids);
 * the galaxies' description prose is not copied.
 */

/** A MISP galaxy cluster entry (only what we read). */
interface GalaxyValue {
  value?: string;
  uuid?: string;
  meta?: Record<string, unknown>;
  related?: Array<{ 'dest-uuid'?: string; type?: string }>;
}

/** The galaxy files the extract reads, parsed; `microsoft` is optional. */
export interface MispGalaxies {
  threatActor: { values?: GalaxyValue[] };
  mitreIntrusionSet: { values?: GalaxyValue[] };
  microsoft?: { values?: GalaxyValue[] };
}

/** One ATT&CK group as the extract needs it. */
export interface GroupName {
  id: string;
  name: string;
  aliases: string[];
}

/** Country names MISP's `cfr-suspected-state-sponsor` uses, to ISO 3166-1 alpha-2. */
const SPONSOR_ISO: Record<string, string> = {
  china: 'CN',
  "people's republic of china": 'CN',
  'iran (islamic republic of)': 'IR',
  iran: 'IR',
  'russian federation': 'RU',
  russia: 'RU',
  "korea (democratic people's republic of)": 'KP',
  'north korea': 'KP',
  'korea (republic of)': 'KR',
  'south korea': 'KR',
  pakistan: 'PK',
  india: 'IN',
  'united states': 'US',
  us: 'US',
  usa: 'US',
  vietnam: 'VN',
  'viet nam': 'VN',
  israel: 'IL',
  lebanon: 'LB',
  belarus: 'BY',
  palestine: 'PS',
  'united arab emirates': 'AE',
  france: 'FR',
  spain: 'ES',
  turkey: 'TR',
  syria: 'SY',
};

/** Normalises a name for matching: case, spaces, punctuation ("Silk Typhoon" = "silktyphoon"). */
export function normaliseName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strength of a link between a galaxy entry and an ATT&CK group (lower is stronger). */
type LinkRank = 0 | 1 | 2;

/**
 * Builds `actors.jsonl` (one JSON object per ATT&CK group, sorted by id). Groups without any galaxy
 * link still get a row (country/sponsor null) so the file lists every group exactly once.
 */
export function extractActors(groups: GroupName[], galaxies: MispGalaxies): string {
  const intrusionUuid = new Map<string, string>(); // G-id -> mitre-intrusion-set cluster uuid
  for (const v of galaxies.mitreIntrusionSet.values ?? []) {
    const ext = v.meta?.external_id;
    if (typeof ext === 'string' && v.uuid) intrusionUuid.set(ext, v.uuid);
  }
  const groupByUuid = new Map<string, string>();
  for (const [g, u] of intrusionUuid) groupByUuid.set(u, g);
  const groupByName = new Map<string, Set<string>>();
  for (const g of groups) {
    for (const n of [g.name, ...g.aliases]) {
      const k = normaliseName(n);
      if (!k) continue;
      if (!groupByName.has(k)) groupByName.set(k, new Set());
      groupByName.get(k)!.add(g.id);
    }
  }

  interface Link {
    rank: LinkRank;
    entry: GalaxyValue;
  }
  const links = new Map<string, Link[]>();
  const addLink = (gid: string, rank: LinkRank, entry: GalaxyValue): void => {
    if (!links.has(gid)) links.set(gid, []);
    links.get(gid)!.push({ rank, entry });
  };

  for (const v of galaxies.threatActor.values ?? []) {
    const names = [v.value ?? '', ...strings(v.meta?.synonyms)];
    const attributed = strings(v.meta?.['name-attribution']).map((s) => s.split(':')[0] ?? '');
    const linked = new Map<string, LinkRank>();
    // Rank 0: the entry names the ATT&CK id (synonym "G0125" or name-attribution "G0125:<uuid>").
    for (const n of [...names, ...attributed]) {
      if (/^G\d{4}$/.test(n)) linked.set(n, 0);
    }
    // Rank 1: otherwise, the entry's own name equals the group's name or an ATT&CK alias.
    if (linked.size === 0) for (const g of groupByName.get(normaliseName(v.value ?? '')) ?? []) linked.set(g, 1);
    // Still rank 1: one of the entry's synonyms is the group's ATT&CK name (RAZOR TIGER lists SideWinder).
    if (linked.size === 0) {
      for (const n of names.slice(1)) for (const g of groupByName.get(normaliseName(n)) ?? []) linked.set(g, 1);
    }
    // Rank 2: otherwise, a "similar" relation to the group's mitre-intrusion-set cluster. Entries that name
    // their own ATT&CK id are not linked this way: "similar" often joins distinct but overlapping groups.
    if (linked.size === 0) {
      for (const r of v.related ?? []) {
        const g = r['dest-uuid'] ? groupByUuid.get(r['dest-uuid']) : undefined;
        if (g && r.type === 'similar') linked.set(g, 2);
      }
    }
    for (const [g, rank] of linked) addLink(g, rank, v);
  }

  const msNames = new Map<string, GalaxyValue[]>();
  for (const v of galaxies.microsoft?.values ?? []) {
    for (const n of [v.value ?? '', ...strings(v.meta?.synonyms)]) {
      const k = normaliseName(n);
      if (!k) continue;
      if (!msNames.has(k)) msNames.set(k, []);
      msNames.get(k)!.push(v);
    }
  }

  const rows: string[] = [];
  for (const g of [...groups].sort((a, b) => cmp(a.id, b.id))) {
    const all = (links.get(g.id) ?? []).sort((a, b) => a.rank - b.rank || cmp(a.entry.value ?? '', b.entry.value ?? ''));
    // Only the strongest kind of link counts, so a loose "similar" entry never adds names to a direct match.
    const ls = all.filter((l) => l.rank === all[0]?.rank);
    let country: string | null = null;
    let sponsor: string | null = null;
    const names = new Set<string>();
    const misp: string[] = [];
    for (const { entry } of ls) {
      const c = entry.meta?.country;
      if (!country && typeof c === 'string' && /^[A-Z]{2}$/.test(c)) country = c;
      const s = entry.meta?.['cfr-suspected-state-sponsor'];
      if (!sponsor && typeof s === 'string') sponsor = SPONSOR_ISO[s.trim().toLowerCase()] ?? null;
      for (const n of [entry.value ?? '', ...strings(entry.meta?.synonyms)]) if (n) names.add(n);
      if (entry.uuid) misp.push(entry.uuid);
    }
    // Microsoft's weather names (and its origin country, when nothing else gave one).
    // Matched on ATT&CK's own names only, so one galaxy's loose synonym cannot chain into another group.
    const known = new Set([g.name, ...g.aliases].map(normaliseName));
    for (const k of [...known]) {
      for (const m of msNames.get(k) ?? []) {
        if (m.value) names.add(m.value);
        for (const s of strings(m.meta?.synonyms)) names.add(s);
        const c = m.meta?.country;
        if (!country && typeof c === 'string' && /^[A-Z]{2}$/.test(c)) country = c;
      }
    }
    for (const n of [g.name, ...g.aliases]) names.delete(n);
    for (const n of [...names]) if (/^G\d{4}$/.test(n)) names.delete(n);
    rows.push(
      JSON.stringify({
        id: g.id,
        name: g.name,
        country,
        sponsor,
        names: [...names].sort(cmp),
        misp: [...new Set(misp)].sort(cmp),
      }),
    );
  }
  return rows.join('\n') + '\n';
}
