import { z } from 'zod';

/** An observed ATT&CK technique, resolved to its name and tactics, with the findings behind it. */
export const ObservedTechnique = z.object({
  id: z.string(),
  name: z.string(),
  tactics: z.array(z.string()),
  /** True when only implied by an observed sub-technique. */
  implied: z.boolean(),
  findings: z.array(z.string()),
});
/** An observed technique. */
export type ObservedTechnique = z.infer<typeof ObservedTechnique>;

/** Observed software (from YARA/rule tags such as `attack.s0020`). */
export const ObservedSoftware = z.object({ id: z.string(), name: z.string(), findings: z.array(z.string()) });
/** Observed software. */
export type ObservedSoftware = z.infer<typeof ObservedSoftware>;

/** An observed CVE (from rule tags). */
export const ObservedCve = z.object({ id: z.string(), findings: z.array(z.string()) });
/** An observed CVE. */
export type ObservedCve = z.infer<typeof ObservedCve>;

/** The case's "observed ATT&CK" section: what the findings say the actor did, each with its evidence. */
export const ObservedAttack = z.object({
  techniques: z.array(ObservedTechnique),
  software: z.array(ObservedSoftware),
  cves: z.array(ObservedCve),
  /** Ids in findings that ATT&CK does not know (typos, retired ids), with the findings. */
  unknown: z.array(z.object({ id: z.string(), findings: z.array(z.string()) })),
  /** Event times (epoch ms UTC) of hands-on-keyboard activity, for working-hours analysis (capped). */
  activityTimes: z.array(z.number()),
});
/** Observed ATT&CK section. */
export type ObservedAttack = z.infer<typeof ObservedAttack>;
