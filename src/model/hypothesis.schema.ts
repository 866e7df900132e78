import { z } from 'zod';

/** A piece of evidence for or against a hypothesis, with where the actor profile fact comes from. */
export const EvidenceItem = z.object({
  kind: z.enum(['technique', 'software', 'cve', 'timezone', 'other']),
  /** The observed or expected item: T1505.003, S0020, CVE-2021-26855, UTC+8 ... */
  id: z.string(),
  name: z.string().optional(),
  /** Log-likelihood-ratio contribution (nats) or weight, positive = for. */
  weight: z.number(),
  /** Why it counts, for a reader. */
  note: z.string(),
  /** Citation keys of the ATT&CK relationships behind the profile fact. */
  sources: z.array(z.string()),
});
/** Evidence item. */
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** An actor as named by ATT&CK, with the MISP galaxy's country/sponsor facts. */
export const Actor = z.object({
  attackId: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  country: z.string().nullable(),
  sponsor: z.string().nullable(),
});
/** Actor. */
export type Actor = z.infer<typeof Actor>;

/** One attribution hypothesis: never a bare label. */
export const Hypothesis = z.object({
  actor: Actor,
  probability: z.number().min(0).max(1),
  /** Yardstick words (PHIA by default): "highly likely", "realistic possibility" ... */
  words: z.string(),
  evidence: z.object({ for: z.array(EvidenceItem), against: z.array(EvidenceItem) }),
});
/** Hypothesis. */
export type Hypothesis = z.infer<typeof Hypothesis>;

/** Probability that a sponsoring state is behind it, rolled up from the actors. */
export const SponsorHypothesis = z.object({
  country: z.string(),
  name: z.string(),
  probability: z.number().min(0).max(1),
  words: z.string(),
});
/** Sponsor hypothesis. */
export type SponsorHypothesis = z.infer<typeof SponsorHypothesis>;

/** The attribution assessment of a case or an `kahu attribute` call. */
export const Attribution = z.object({
  hypotheses: z.array(Hypothesis),
  sponsors: z.array(SponsorHypothesis),
  /** Probability that the actor is none of the known groups. */
  unknown: z.number().min(0).max(1),
  /** Yardstick words for `unknown`. */
  unknownWords: z.string().optional(),
  /** Caveats a reader must see (few techniques, CVE without public attribution, no working-hours inference). */
  notes: z.array(z.string()).optional(),
  yardstick: z.enum(['phia', 'icd203']),
  /** Observed inputs the assessment used. */
  observed: z.object({
    techniques: z.array(z.string()),
    software: z.array(z.string()),
    cves: z.array(z.string()),
    utcOffset: z.number().nullable(),
  }),
});
/** Attribution assessment. */
export type Attribution = z.infer<typeof Attribution>;
