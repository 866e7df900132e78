/**
 * Probability -> words, per the UK PHIA probability yardstick and the US ICD 203 likelihood scale
 * (attribution.md section 3).
 *
 * PHIA leaves deliberate gaps between its ranges (<=5, 10-20, 25-35, 40-50, 55-75, 80-90, >=95 %). A computed
 * probability can fall in a gap; it gets the band whose range is nearest, with the gap split at its midpoint
 * (7.5, 22.5, 37.5, 52.5, 77.5, 92.5 %). ICD 203 ranges share their end points (01-05, 05-20, 20-45, 45-55,
 * 55-80, 80-95, 95-99 %); a probability exactly on an end point takes the lower band, so "almost certain"
 * needs more than 95 %.
 */
export type Yardstick = 'phia' | 'icd203';

const PHIA: Array<[number, string]> = [
  [0.075, 'remote chance'],
  [0.225, 'highly unlikely'],
  [0.375, 'unlikely'],
  [0.525, 'realistic possibility'],
  [0.775, 'likely'],
  [0.925, 'highly likely'],
  [Infinity, 'almost certain'],
];

const ICD203: Array<[number, string]> = [
  [0.05, 'almost no chance'],
  [0.2, 'very unlikely'],
  [0.45, 'unlikely'],
  [0.55, 'roughly even chance'],
  [0.8, 'likely'],
  [0.95, 'very likely'],
  [Infinity, 'almost certain'],
];

/** The yardstick words for a probability (0..1). */
export function probabilityWords(p: number, yardstick: Yardstick = 'phia'): string {
  const x = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
  const table = yardstick === 'phia' ? PHIA : ICD203;
  for (const [upper, words] of table) {
    // PHIA gap midpoints are exclusive upper bounds; ICD 203 end points are inclusive (lower band wins).
    if (yardstick === 'phia' ? x < upper : x <= upper) return words;
  }
  return table[table.length - 1]![1];
}
