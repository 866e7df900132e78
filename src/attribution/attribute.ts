import { findSoftware, resolveId, type AttackKb } from '../attack/index.js';
import type { Attribution, EvidenceItem, Hypothesis, ObservedAttack, SponsorHypothesis } from '../model/index.js';
import { FITTED_MODEL, FITTED_SPONSOR, FITTED_UNKNOWN_PRIOR } from './fitted-params.js';
import { groupFeatures, itemContributions, linearLogits, logSumExpArr, nbAsLinear, PRIOR_FEATURES, type LinearModel } from './linear.js';
import type { ModelParams } from './model.js';
import { buildProfiles, groupReports, withParent, type ProfileData } from './profiles.js';
import { sponsorKey, sponsorName } from './sponsor.js';
import { sponsorFeatures, sponsorIndex, sponsorPosterior, sumRollup, type SponsorModel } from './sponsor-model.js';
import { inferTimezone, offsetMatches, type TimezoneInference } from './timezone.js';
import { probabilityWords, type Yardstick } from './yardstick.js';

/**
 * Likelihood ratio of a publicly attributed CVE exploitation for the named groups. Fixed, not fitted: ATT&CK's
 * folds carry almost no CVEs to fit it on. Kept modest because the same edge-device CVEs are exploited by
 * several states' actors (attribution.md section 4.5). Applied once per group however many of its attributed
 * CVEs are observed: the CVEs of one chain (ProxyLogon's four) are exploited together and were attributed in
 * the same publications, so they are one piece of evidence, not four.
 */
export const CVE_LR = 4;
/** Likelihood ratio for a group whose country's offset matches the inferred operator offset (and 1/x against). */
export const TIMEZONE_LR = 3;
/**
 * Default prior probability that the actor is none of the ATT&CK groups: fitted on the fit folds as the share
 * of reports about an actor the knowledge base had no other report on (docs/attribution.md).
 */
export const DEFAULT_UNKNOWN_PRIOR = Math.round(FITTED_UNKNOWN_PRIOR * 1000) / 1000;

/** What to attribute. Techniques/software may be ids or names; unknown ones are reported back, not fatal. */
export interface AttributeInput {
  techniques: string[];
  software?: string[];
  cves?: string[];
  /** Epoch ms UTC of hands-on-keyboard actions, for the working-hours analysis. */
  activityTimes?: number[];
}

/** Options of an attribution. */
export interface AttributeOptions {
  yardstick?: Yardstick;
  /** Citation keys to drop from the profiles (relationships cited only by them disappear). */
  excludeSources?: string[];
  /** Prior probability that the actor is not one of the ATT&CK groups (default 0.5). */
  unknownPrior?: number;
  /** Hypotheses to return (default 10). */
  top?: number;
  /** The model (default: the fitted one); naive-Bayes parameters are converted to their log-linear form. */
  params?: LinearModel | ModelParams;
  /**
   * The sponsor roll-up: a fitted sponsor model, or 'sum' (sum of group probabilities). Default: the fitted one
   * with the fitted group model, 'sum' with any other `params` (the sponsor model was fitted on the fitted
   * group model's logits).
   */
  sponsorModel?: SponsorModel | 'sum';
}

/** An attribution plus what could not be used and the working-hours result. */
export interface AttributionResult extends Attribution {
  /** Yardstick words for `unknown`. */
  unknownWords: string;
  /** Caveats a reader must see (evidence outside the calibrated range, no working-hours inference...). */
  notes: string[];
  ignored: string[];
  timezone: TimezoneInference | null;
}

const profileCache = new WeakMap<AttackKb, Map<string, ProfileData>>();

/** Profiles for a KB and a set of excluded sources (cached). */
export function profilesFor(kb: AttackKb, exclude: readonly string[] = []): ProfileData {
  const key = [...new Set(exclude)].sort().join('\u0000');
  let m = profileCache.get(kb);
  if (!m) profileCache.set(kb, (m = new Map<string, ProfileData>()));
  let p = m.get(key);
  if (!p) {
    p = buildProfiles(kb, new Set(exclude));
    m.set(key, p);
  }
  return p;
}

function round(x: number, d = 4): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/**
 * Scores every ATT&CK group plus "unknown / not in the knowledge base" and returns calibrated probabilities
 * with yardstick words, the evidence for and against each hypothesis (with the citation keys behind each
 * profile fact), and the roll-up to sponsor state.
 */
export function attribute(kb: AttackKb, input: AttributeInput, opts: AttributeOptions = {}): AttributionResult {
  const yardstick = opts.yardstick ?? 'phia';
  const model: LinearModel = !opts.params ? FITTED_MODEL : 'w' in opts.params ? opts.params : nbAsLinear(opts.params);
  const unknownPrior = Math.min(0.999, Math.max(0.001, opts.unknownPrior ?? DEFAULT_UNKNOWN_PRIOR));
  const data = profilesFor(kb, opts.excludeSources ?? []);
  const reports = groupReports(data);
  const c = data.counts;
  const ignored: string[] = [];

  const techIds = new Set<string>();
  for (const raw of input.techniques) {
    const id = resolveId(kb, raw.trim());
    if (!id || !kb.techniques.has(id)) {
      ignored.push(raw);
      continue;
    }
    for (const t of withParent(id)) techIds.add(t);
  }
  const softIds = new Set<string>();
  for (const raw of input.software ?? []) {
    const ids = findSoftware(kb, raw);
    if (ids.length === 0) ignored.push(raw);
    for (const id of ids) softIds.add(id);
  }
  const cves = [...new Set((input.cves ?? []).map((x) => x.trim().toUpperCase()))].sort();
  const techs = [...techIds].map((t) => c.techIndex.get(t)).filter((x): x is number => x !== undefined);
  const softs = [...softIds].map((s) => c.softIndex.get(s)).filter((x): x is number => x !== undefined);
  const obs = { techs: techs.sort((a, b) => a - b), softs: softs.sort((a, b) => a - b) };

  const notes: string[] = [];
  const known = profilesFor(kb).contributions;
  for (const key of opts.excludeSources ?? []) {
    if (!known.has(key)) notes.push(`--exclude-source "${key}" is not the citation key of any ATT&CK relationship used here: nothing was removed for it.`);
  }
  const named = new Set(input.techniques.map((t) => resolveId(kb, t.trim())).filter(Boolean)).size;
  if (named < 5) {
    notes.push(
      `${named} technique(s) given: the calibration was fitted on reports naming 5 or more, so with fewer the ` +
        'ranking leans on the prior (groups reported more often) and the probabilities are less reliable.',
    );
  }
  if (input.cves?.length) {
    const noFacts = (input.cves ?? []).filter((x) => !kb.cves.has(x.trim().toUpperCase()));
    if (noFacts.length) notes.push(`no public attribution on file for ${noFacts.join(', ')}: not used as evidence.`);
  }

  const G = c.groups.length;
  const feats = groupFeatures(c, model, obs, reports);
  const base = linearLogits(feats, model.w);
  const priorPart = new Float64Array(G);
  for (let g = 0; g < G; g++) for (const k of PRIOR_FEATURES) priorPart[g]! += feats[g]![k]! * model.w[k]!;

  const extra = new Float64Array(G);
  const extraItems: EvidenceItem[][] = c.groups.map(() => []);
  const cveFacts = new Map<number, Array<{ cve: string; sources: string[] }>>();
  for (const cve of cves) {
    for (const f of kb.cves.get(cve) ?? []) {
      const g = c.groups.indexOf(f.group);
      if (g < 0) continue;
      const list = cveFacts.get(g) ?? [];
      list.push({ cve, sources: f.sources });
      cveFacts.set(g, list);
    }
  }
  for (const [g, list] of cveFacts) {
    // One likelihood ratio per group, shared among its observed CVEs so the evidence weights still add up.
    extra[g]! += Math.log(CVE_LR);
    for (const f of list) {
      extraItems[g]!.push({
        kind: 'cve',
        id: f.cve,
        weight: round(Math.log(CVE_LR) / list.length),
        note:
          list.length > 1
            ? `exploitation of this CVE is publicly attributed to this group (one likelihood ratio of ${CVE_LR} shared by its ${list.length} attributed CVEs observed)`
            : 'exploitation of this CVE is publicly attributed to this group',
        sources: f.sources,
      });
    }
  }
  const tz = input.activityTimes && input.activityTimes.length > 0 ? inferTimezone(input.activityTimes) : null;
  if (tz && !tz.inferred) notes.push(`working hours: no inference (${tz.reason}).`);
  if (tz?.inferred) {
    for (let g = 0; g < G; g++) {
      const country = kb.actors.get(c.groups[g]!)?.country ?? null;
      const offsets = country ? kb.countryOffsets[country] : undefined;
      if (!offsets) continue;
      const match = offsetMatches(tz.utcOffset, offsets);
      const w = (match ? 1 : -1) * Math.log(TIMEZONE_LR);
      extra[g]! += w;
      const sign = tz.utcOffset >= 0 ? '+' : '';
      extraItems[g]!.push({
        kind: 'timezone',
        id: `UTC${sign}${tz.utcOffset}`,
        weight: round(w),
        note: match
          ? `operators' working hours fit UTC${sign}${tz.utcOffset}, a time zone of ${sponsorName(country!)}`
          : `operators' working hours fit UTC${sign}${tz.utcOffset}, not a time zone of ${sponsorName(country!)}`,
        sources: ['MISP galaxy country', 'content/actors/timezones.json'],
      });
    }
  }

  // Closed-set posterior over the groups (fitted log-linear logits + CVE/working-hours LRs), then the open-set
  // calibration: P(known) = sigmoid(ua * log Z + ub + prior log-odds), log Z being the evidence for "one of
  // the groups" against the background (zero when nothing is observed).
  const logits = new Float64Array(G);
  for (let g = 0; g < G; g++) logits[g] = base[g]! + extra[g]!;
  const lse = logSumExpArr(logits);
  const closed = new Float64Array(G);
  for (let g = 0; g < G; g++) closed[g] = Math.exp(logits[g]! - lse);
  const logZ = lse - logSumExpArr(priorPart);
  const pKnown = 1 / (1 + Math.exp(-(model.ua * logZ + model.ub + Math.log((1 - unknownPrior) / unknownPrior))));
  const probs = new Float64Array(G + 1);
  for (let g = 0; g < G; g++) probs[g] = pKnown * closed[g]!;
  probs[G] = 1 - pKnown;

  const order = [...Array(G).keys()].sort((a, b) => probs[b]! - probs[a]! || (c.groups[a]! < c.groups[b]! ? -1 : 1));
  const top = opts.top ?? 10;
  const hypotheses: Hypothesis[] = order.slice(0, top).map((g) => {
    const gid = c.groups[g]!;
    const group = kb.groups.get(gid)!;
    const actor = kb.actors.get(gid);
    const forItems: EvidenceItem[] = [];
    const against: EvidenceItem[] = [];
    const contrib = itemContributions(c, model, obs, g, reports);
    for (const [t, w] of contrib.techs) {
      const id = c.techIds[t]!;
      const inProfile = c.n[g]![t]! > 0;
      (w >= 0 ? forItems : against).push({
        kind: 'technique',
        id,
        name: kb.techniques.get(id)?.name ?? id,
        weight: round(w),
        note: inProfile ? `observed; in the profile (${c.n[g]![t]} of ${c.m[g]} reports)` : 'observed; not in the profile',
        sources: data.techKeys[g]!.get(t) ?? [],
      });
    }
    for (const [s, w] of contrib.softs) {
      const id = c.softIds[s]!;
      const inProfile = c.ns[g]![s]! > 0;
      (w >= 0 ? forItems : against).push({
        kind: 'software',
        id,
        name: kb.software.get(id)?.name ?? id,
        weight: round(w),
        note: inProfile ? `observed; the group uses it (${c.ns[g]![s]} reports)` : 'observed; not known for this group',
        sources: data.softKeys[g]!.get(s) ?? [],
      });
    }
    // Absence: the group's most characteristic techniques that the case does not show.
    const missing: EvidenceItem[] = [];
    for (const [t, w] of contrib.absent) {
      if (w >= -0.01) continue;
      const id = c.techIds[t]!;
      missing.push({
        kind: 'technique',
        id,
        name: kb.techniques.get(id)?.name ?? id,
        weight: round(w),
        note: `signature technique not observed (in ${c.n[g]![t]} of ${c.m[g]} reports)`,
        sources: data.techKeys[g]!.get(t) ?? [],
      });
    }
    missing.sort((a, b) => a.weight - b.weight || (a.id < b.id ? -1 : 1));
    against.push(...missing.slice(0, 5));
    for (const it of extraItems[g]!) (it.weight >= 0 ? forItems : against).push(it);
    forItems.sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
    against.sort((a, b) => a.weight - b.weight || (a.id < b.id ? -1 : 1));
    const aliases = [...new Set([...group.aliases, ...(actor?.names ?? [])])].filter((n) => n !== group.name);
    const sk = sponsorKey(kb, gid);
    return {
      actor: {
        attackId: gid,
        name: group.name,
        aliases,
        country: actor?.country ?? null,
        sponsor: sk && actor?.sponsor ? sponsorName(sk) : null,
      },
      probability: round(probs[g]!),
      words: probabilityWords(probs[g]!, yardstick),
      evidence: { for: forItems, against },
    };
  });

  // Sponsor roll-up: the mass of the groups that have a sponsor (or country), shared among the sponsors by the
  // sponsor model (docs/attribution.md, "Sponsor roll-up"), times P(known).
  const sm = opts.sponsorModel ?? (opts.params ? 'sum' : FITTED_SPONSOR);
  const idx = sponsorIndex(kb, c.groups);
  let sponsored = 0;
  for (let g = 0; g < G; g++) if (idx.of[g]! >= 0) sponsored += closed[g]!;
  const spModel = sm === 'sum' ? sumRollup(model.muS) : sm;
  const post = sponsorPosterior(sponsorFeatures(c, obs, logits, idx, spModel), spModel.w);
  const mass = new Map<string, number>();
  idx.keys.forEach((k, s) => mass.set(k, pKnown * sponsored * post[s]!));
  const sponsors: SponsorHypothesis[] = [...mass]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .filter(([, p]) => p >= 0.005)
    .map(([k, p]) => ({ country: k, name: sponsorName(k), probability: round(p), words: probabilityWords(p, yardstick) }));

  return {
    hypotheses,
    sponsors,
    unknown: round(probs[G]),
    unknownWords: probabilityWords(probs[G], yardstick),
    notes,
    yardstick,
    observed: {
      techniques: [...techIds].sort(),
      software: [...softIds].sort(),
      cves,
      utcOffset: tz?.inferred ? tz.utcOffset : null,
    },
    ignored,
    timezone: tz,
  };
}

/** Attribution for a case: the observed ATT&CK section plus working hours from its hands-on activity. */
export function attributeCase(observed: ObservedAttack, opts: AttributeOptions & { kb: AttackKb }): AttributionResult {
  return attribute(
    opts.kb,
    {
      // Implied parents are re-derived inside; pass only what was observed directly.
      techniques: observed.techniques.filter((t) => !t.implied).map((t) => t.id),
      software: observed.software.map((s) => s.id),
      cves: observed.cves.map((c) => c.id),
      activityTimes: observed.activityTimes,
    },
    opts,
  );
}
