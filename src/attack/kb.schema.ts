import { z } from 'zod';

/** `content/attack/meta.json`. */
export const AttackMeta = z.object({
  format: z.literal(1),
  domain: z.string(),
  attackVersion: z.string().nullable(),
  attackSpecVersion: z.string().nullable(),
  lastModified: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
});
/** Extract metadata. */
export type AttackMeta = z.infer<typeof AttackMeta>;

const Flags = { revoked: z.literal(true).optional(), deprecated: z.literal(true).optional() };

/** A tactic (TA0001, short name `initial-access`). */
export const Tactic = z.object({ id: z.string().regex(/^TA\d{4}$/), name: z.string(), short: z.string() });
/** A tactic. */
export type Tactic = z.infer<typeof Tactic>;

/** A technique or sub-technique. */
export const Technique = z.object({
  id: z.string().regex(/^T\d{4}(\.\d{3})?$/),
  name: z.string(),
  tactics: z.array(z.string()),
  platforms: z.array(z.string()),
  parent: z.string().optional(),
  ...Flags,
});
/** A technique or sub-technique. */
export type Technique = z.infer<typeof Technique>;

/** An ATT&CK group (intrusion set). */
export const Group = z.object({ id: z.string().regex(/^G\d{4}$/), name: z.string(), aliases: z.array(z.string()), ...Flags });
/** An ATT&CK group. */
export type Group = z.infer<typeof Group>;

/** Software: malware or tool. */
export const Software = z.object({
  id: z.string().regex(/^S\d{4}$/),
  name: z.string(),
  type: z.enum(['malware', 'tool']),
  aliases: z.array(z.string()),
  ...Flags,
});
/** Software. */
export type Software = z.infer<typeof Software>;

/** A campaign. */
export const Campaign = z.object({
  id: z.string().regex(/^C\d{4}$/),
  name: z.string(),
  aliases: z.array(z.string()),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  ...Flags,
});
/** A campaign. */
export type Campaign = z.infer<typeof Campaign>;

/** A mitigation. */
export const Mitigation = z.object({ id: z.string().regex(/^M\d{4}$/), name: z.string(), ...Flags });
/** A mitigation. */
export type Mitigation = z.infer<typeof Mitigation>;

/** A relationship between two ATT&CK objects, with the citation keys of the reports behind it. */
export const Relationship = z.object({
  s: z.string(),
  r: z.enum(['uses', 'mitigates', 'subtechnique-of', 'attributed-to', 'revoked-by']),
  t: z.string(),
  c: z.array(z.string()),
});
/** A relationship (source id, type, target id, citation keys). */
export type Relationship = z.infer<typeof Relationship>;

/** A citation key and its URL. */
export const Citation = z.object({ k: z.string(), url: z.string() });
/** A citation. */
export type Citation = z.infer<typeof Citation>;

/** `content/actors/actors.jsonl`: MISP galaxy facts for one ATT&CK group. */
export const ActorFacts = z.object({
  id: z.string().regex(/^G\d{4}$/),
  name: z.string(),
  /** ISO 3166-1 alpha-2 country the galaxy gives, or null. */
  country: z.string().length(2).nullable(),
  /** ISO 3166-1 alpha-2 of the suspected state sponsor (CFR field), or null. */
  sponsor: z.string().length(2).nullable(),
  names: z.array(z.string()),
  misp: z.array(z.string()),
});
/** Actor facts. */
export type ActorFacts = z.infer<typeof ActorFacts>;

/** `content/actors/cve-attribution.json`: publicly attributed exploitation of a CVE, with its sources. */
export const CveFact = z.object({
  cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  groups: z.array(z.string().regex(/^G\d{4}$/)).min(1),
  sources: z.array(z.object({ title: z.string(), url: z.string().url() })).min(1),
});
/** A CVE exploitation fact. */
export type CveFact = z.infer<typeof CveFact>;

/** `content/actors/timezones.json`: standard UTC offsets (hours) in use in a country. */
export const CountryOffsets = z.record(z.string().length(2), z.array(z.number().min(-12).max(14)).min(1));
/** Country -> UTC offsets. */
export type CountryOffsets = z.infer<typeof CountryOffsets>;
