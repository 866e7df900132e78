import { countryName, type AttackKb } from '../attack/index.js';

/**
 * The roll-up key of a group: its suspected state sponsor (MISP `cfr-suspected-state-sponsor`) or, where the
 * galaxy gives none, its country of origin; null when the galaxy says neither.
 */
export function sponsorKey(kb: AttackKb, groupId: string): string | null {
  const a = kb.actors.get(groupId);
  return a?.sponsor ?? a?.country ?? null;
}

/** Display name for a roll-up key ("CN" -> "China"). */
export function sponsorName(code: string): string {
  return countryName(code);
}
