/**
 * Operator working-hours analysis: infer the likely UTC offset of the people at the keyboard from when
 * their hands-on actions happen, as the APT1 and Cloud Hopper reports did.
 *
 * Method: count activity once per distinct (UTC day, UTC hour) slot, so one scripted burst is one slot,
 * not a thousand events. Treat the hour of day as an angle and take the circular mean and resultant length
 * R of the slots. Office hours (09:00-18:00 local) are an arc centred on 13:30 local with R about 0.78;
 * activity spread over the whole day has R near 0. The offset is then 13.5 h minus the mean UTC hour.
 * No inference is made when there are too few slots, when R is low, or when the Rayleigh test cannot
 * reject uniform activity (p >= 0.001): a 24-hour automated pattern says nothing about where people sit.
 */

/** Result of the inference. */
export type TimezoneInference =
  | {
      inferred: true;
      /** Most likely UTC offset of the operators' local time, in hours (rounded to 0.5). */
      utcOffset: number;
      /** +/- hours: the inference cannot tell neighbouring offsets apart. */
      uncertainty: number;
      /** Distinct day-hour slots used. */
      slots: number;
      /** Mean resultant length (0 = uniform over the day, 1 = all in one hour). */
      concentration: number;
      /** Rayleigh test p-value against uniform activity. */
      pValue: number;
    }
  | { inferred: false; reason: string; slots: number; concentration: number | null };

/** Tunables, with the documented defaults. */
export interface TimezoneOptions {
  /** Fewest distinct day-hour slots to attempt an inference. */
  minSlots?: number;
  /** Lowest resultant length that counts as a working-hours pattern. */
  minConcentration?: number;
  /** Rayleigh p-value needed to reject uniform activity. */
  maxP?: number;
  /** Local hour at the centre of the working day. */
  workdayCentre?: number;
}

const HOUR = 3_600_000;

/** Infers the operators' UTC offset from event times (epoch ms, UTC). */
export function inferTimezone(times: readonly number[], opts: TimezoneOptions = {}): TimezoneInference {
  const minSlots = opts.minSlots ?? 8;
  const minR = opts.minConcentration ?? 0.5;
  const maxP = opts.maxP ?? 0.001;
  const centre = opts.workdayCentre ?? 13.5;
  const slots = new Set<number>();
  for (const t of times) if (Number.isFinite(t)) slots.add(Math.floor(t / HOUR));
  const n = slots.size;
  if (n < minSlots) return { inferred: false, reason: `too few active hours (${n} < ${minSlots})`, slots: n, concentration: null };
  let c = 0;
  let s = 0;
  for (const slot of slots) {
    // Centre of the hour slot, as an angle on the 24-hour clock.
    const h = (((slot % 24) + 24) % 24) + 0.5;
    c += Math.cos((2 * Math.PI * h) / 24);
    s += Math.sin((2 * Math.PI * h) / 24);
  }
  const R = Math.hypot(c, s) / n;
  // Rayleigh test with the small-sample correction (Zar, Biostatistical Analysis, eq. 27.4).
  const p = Math.min(1, Math.exp(Math.sqrt(1 + 4 * n + 4 * (n * n - n * n * R * R)) - (1 + 2 * n)));
  if (R < minR || p >= maxP) {
    return { inferred: false, reason: `activity not concentrated in a working day (R=${R.toFixed(2)}, p=${p.toPrecision(2)})`, slots: n, concentration: R };
  }
  const meanUtc = ((Math.atan2(s, c) * 24) / (2 * Math.PI) + 24) % 24;
  let off = centre - meanUtc;
  // Map into the range of real offsets, -12 .. +14.
  while (off <= -12) off += 24;
  while (off > 14) off -= 24;
  const rounded = Math.round(off * 2) / 2;
  return { inferred: true, utcOffset: rounded === 0 ? 0 : rounded, uncertainty: 1, slots: n, concentration: R, pValue: p };
}

/** Whether an inferred offset is compatible (within tolerance hours) with any of a country's offsets. */
export function offsetMatches(inferred: number, offsets: readonly number[], tolerance = 1.5): boolean {
  return offsets.some((o) => {
    let d = Math.abs(inferred - o) % 24;
    if (d > 12) d = 24 - d;
    return d <= tolerance;
  });
}
