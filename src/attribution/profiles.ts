import type { AttackKb } from '../attack/index.js';

/**
 * Group profiles as counts of citing reports, in dense arrays so scoring 169 groups x 700 techniques stays
 * cheap and a leave-one-report-out fold can be applied as a small copy-on-write delta.
 *
 * A "report" is an ATT&CK citation key. n[g][t] is the number of distinct reports that cite group g using
 * technique t (sub-techniques count for their parent too), m[g] the number of distinct reports behind g's
 * technique relationships. Campaign relationships count for the groups the campaign is attributed to.
 */
export interface ProfileCounts {
  /** Group ids, index = group index. */
  groups: string[];
  techIds: string[];
  techIndex: Map<string, number>;
  softIds: string[];
  softIndex: Map<string, number>;
  /** Per group: reports citing (g, technique). */
  n: Float64Array[];
  /** Per group: reports citing (g, software). */
  ns: Float64Array[];
  /** Per group: reports behind its technique relationships. */
  m: Float64Array;
  /** Per technique: reports citing it for any group (background). */
  rt: Float64Array;
  /** Per software: reports citing it for any group. */
  rs: Float64Array;
  /** Reports behind any group technique relationship. */
  r: number;
  /** Per technique: number of groups whose profile has it (for IDF). */
  df: Float64Array;
  /** Per software: number of groups whose profile has it. */
  dfs: Float64Array;
  /** Per software: reports citing (software, technique) from the software's own "uses" relationships. */
  st: Float64Array[];
}

/** What one report (citation key) contributes, per group index: technique and software indices. */
export interface KeyContribution {
  key: string;
  byGroup: Map<number, { techs: Set<number>; softs: Set<number> }>;
  /** Software index -> techniques this report cites for that software. */
  bySoftware: Map<number, Set<number>>;
}

/** Profiles plus the per-report contributions that make folds and `--exclude-source` exact. */
export interface ProfileData {
  counts: ProfileCounts;
  /** Citation key -> what it contributes. */
  contributions: Map<string, KeyContribution>;
  /** Per group, technique -> citation keys (for the evidence's sources). */
  techKeys: Array<Map<number, string[]>>;
  /** Per group, software -> citation keys. */
  softKeys: Array<Map<number, string[]>>;
}

/** Technique id plus its parent (a sub-technique implies its parent technique). */
export function withParent(id: string): string[] {
  const dot = id.indexOf('.');
  return dot > 0 ? [id, id.slice(0, dot)] : [id];
}

/**
 * Builds the profiles from the KB. Reports in `exclude` are removed everywhere: a relationship cited only by
 * excluded reports disappears, one also cited by others stays (with the others as its sources).
 */
export function buildProfiles(kb: AttackKb, exclude: ReadonlySet<string> = new Set()): ProfileData {
  const groups = [...kb.groups.values()]
    .filter((g) => !g.revoked && !g.deprecated)
    .map((g) => g.id)
    .sort();
  const gIndex = new Map(groups.map((g, i) => [g, i]));
  const techIds = [...kb.techniques.values()]
    .filter((t) => !t.revoked && !t.deprecated)
    .map((t) => t.id)
    .sort();
  const techIndex = new Map(techIds.map((t, i) => [t, i]));
  const softIds = [...kb.software.values()]
    .filter((s) => !s.revoked && !s.deprecated)
    .map((s) => s.id)
    .sort();
  const softIndex = new Map(softIds.map((s, i) => [s, i]));

  const contributions = new Map<string, KeyContribution>();
  const techKeySets = groups.map(() => new Map<number, Set<string>>());
  const softKeySets = groups.map(() => new Map<number, Set<string>>());
  for (const rel of kb.relationships) {
    if (rel.r !== 'uses') continue;
    const swi = softIndex.get(rel.s);
    if (swi !== undefined) {
      // Software -> technique: what the group's tools do, a weaker kind of profile fact.
      const tid = kb.revokedBy.get(rel.t) ?? rel.t;
      if (!techIndex.has(tid)) continue;
      for (const key of rel.c.length > 0 ? rel.c : [`ATT&CK ${rel.s}`]) {
        if (exclude.has(key)) continue;
        let kc = contributions.get(key);
        if (!kc) contributions.set(key, (kc = { key, byGroup: new Map(), bySoftware: new Map() }));
        let set = kc.bySoftware.get(swi);
        if (!set) kc.bySoftware.set(swi, (set = new Set()));
        for (const t of withParent(tid)) {
          const ti = techIndex.get(t);
          if (ti !== undefined) set.add(ti);
        }
      }
      continue;
    }
    const owners = kb.groups.has(rel.s) ? [rel.s] : (kb.campaignGroups.get(rel.s) ?? []);
    if (owners.length === 0) continue;
    const tid = kb.revokedBy.get(rel.t) ?? rel.t;
    const isTech = techIndex.has(tid);
    const isSoft = softIndex.has(tid);
    if (!isTech && !isSoft) continue;
    // A relationship with no citation at all still is a fact; it gets a synthetic source of its own.
    const keys = rel.c.length > 0 ? rel.c : [`ATT&CK ${rel.s}`];
    for (const owner of owners) {
      const gi = gIndex.get(owner);
      if (gi === undefined) continue;
      for (const key of keys) {
        if (exclude.has(key)) continue;
        let kc = contributions.get(key);
        if (!kc) contributions.set(key, (kc = { key, byGroup: new Map(), bySoftware: new Map() }));
        let slot = kc.byGroup.get(gi);
        if (!slot) kc.byGroup.set(gi, (slot = { techs: new Set(), softs: new Set() }));
        if (isTech) {
          for (const t of withParent(tid)) {
            const ti = techIndex.get(t);
            if (ti === undefined) continue;
            slot.techs.add(ti);
            let s = techKeySets[gi]!.get(ti);
            if (!s) techKeySets[gi]!.set(ti, (s = new Set()));
            s.add(key);
          }
        } else {
          const si = softIndex.get(tid)!;
          slot.softs.add(si);
          let s = softKeySets[gi]!.get(si);
          if (!s) softKeySets[gi]!.set(si, (s = new Set()));
          s.add(key);
        }
      }
    }
  }

  const G = groups.length;
  const T = techIds.length;
  const S = softIds.length;
  const n = groups.map(() => new Float64Array(T));
  const ns = groups.map(() => new Float64Array(S));
  const m = new Float64Array(G);
  const rt = new Float64Array(T);
  const rs = new Float64Array(S);
  const df = new Float64Array(T);
  const dfs = new Float64Array(S);
  const st = softIds.map(() => new Float64Array(T));
  let r = 0;
  for (const kc of contributions.values()) {
    for (const [si, ts] of kc.bySoftware) for (const t of ts) st[si]![t]! += 1;
    let anyTech = false;
    const seenT = new Set<number>();
    const seenS = new Set<number>();
    for (const [gi, slot] of kc.byGroup) {
      if (slot.techs.size > 0) {
        m[gi]! += 1;
        anyTech = true;
      }
      for (const t of slot.techs) {
        n[gi]![t]! += 1;
        seenT.add(t);
      }
      for (const s of slot.softs) {
        ns[gi]![s]! += 1;
        seenS.add(s);
      }
    }
    if (anyTech) r += 1;
    for (const t of seenT) rt[t]! += 1;
    for (const s of seenS) rs[s]! += 1;
  }
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) if (n[g]![t]! > 0) df[t]! += 1;
    for (let s = 0; s < S; s++) if (ns[g]![s]! > 0) dfs[s]! += 1;
  }
  const sorted = (ms: Map<number, Set<string>>): Map<number, string[]> =>
    new Map([...ms].map(([k, v]) => [k, [...v].sort()]));
  return {
    counts: { groups, techIds, techIndex, softIds, softIndex, n, ns, m, rt, rs, r, df, dfs, st },
    contributions,
    techKeys: techKeySets.map(sorted),
    softKeys: softKeySets.map(sorted),
  };
}

/**
 * The counts with one report removed (leave-one-report-out), computed as a delta: only the groups the
 * report contributes to get new arrays; everything else is shared with `base`. Equal to rebuilding the
 * profiles with `exclude = {key}` (a test checks it).
 */
export function countsWithout(base: ProfileCounts, kc: KeyContribution | undefined): ProfileCounts {
  if (!kc) return base;
  if (kc.byGroup.size === 0 && kc.bySoftware.size === 0) return base;
  const n = base.n.slice();
  const ns = base.ns.slice();
  const m = base.m.slice();
  const rt = base.rt.slice();
  const rs = base.rs.slice();
  const df = base.df.slice();
  const dfs = base.dfs.slice();
  let anyTech = false;
  const seenT = new Set<number>();
  const seenS = new Set<number>();
  for (const [gi, slot] of kc.byGroup) {
    if (slot.techs.size > 0) {
      m[gi]! -= 1;
      anyTech = true;
      const row = (n[gi] = base.n[gi]!.slice());
      for (const t of slot.techs) {
        row[t]! -= 1;
        if (row[t] === 0) df[t]! -= 1;
        seenT.add(t);
      }
    }
    if (slot.softs.size > 0) {
      const row = (ns[gi] = base.ns[gi]!.slice());
      for (const s of slot.softs) {
        row[s]! -= 1;
        if (row[s] === 0) dfs[s]! -= 1;
        seenS.add(s);
      }
    }
  }
  for (const t of seenT) rt[t]! -= 1;
  for (const s of seenS) rs[s]! -= 1;
  let st = base.st;
  if (kc.bySoftware.size > 0) {
    st = base.st.slice();
    for (const [si, ts] of kc.bySoftware) {
      const row = (st[si] = base.st[si]!.slice());
      for (const t of ts) row[t]! -= 1;
    }
  }
  return { ...base, n, ns, m, rt, rs, df, dfs, st, r: base.r - (anyTech ? 1 : 0) };
}

/** Per group, the technique set of each report (citation key) behind its profile: for the report-level features. */
export type GroupReports = Array<Array<{ key: string; techs: Int32Array }>>;

const reportsCache = new WeakMap<ProfileData, GroupReports>();
/** The reports behind every group's profile (cached per profile data); reports without techniques are left out. */
export function groupReports(data: ProfileData): GroupReports {
  let hit = reportsCache.get(data);
  if (!hit) {
    hit = data.counts.groups.map(() => []);
    for (const kc of [...data.contributions.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      for (const [g, slot] of kc.byGroup) {
        if (slot.techs.size > 0) hit[g]!.push({ key: kc.key, techs: Int32Array.from([...slot.techs].sort((a, b) => a - b)) });
      }
    }
    reportsCache.set(data, hit);
  }
  return hit;
}
