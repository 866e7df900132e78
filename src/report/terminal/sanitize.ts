// ECMA-48 sequences a terminal would act on: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings
// (ESC ] ... BEL or ST), two-byte escapes, and their 8-bit C1 forms (0x9B CSI, 0x9D OSC, ...).
const SEQUENCES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
// Remaining C0/C1 controls, DEL, and Unicode format characters that reorder or hide text
// (bidi embeddings/overrides/isolates, zero-width characters, BOM, line/paragraph separators).
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Makes evidence-derived text safe to print on a terminal: escape sequences are removed, other
 * control and bidi/zero-width characters are shown as `\xNN` / `\uNNNN`, tabs and newlines
 * (unless `multiline`) become `\t` / `\n`, so a log line can neither drive the terminal nor
 * pretend to be Kahu's own output.
 */
export function terminalSafe(text: string, multiline = false): string {
  let s = text.replace(SEQUENCES, '');
  s = s.replace(INVISIBLE, visible);
  s = s.replace(/\t/g, '\\t');
  if (!multiline) s = s.replace(/\r?\n/g, '\\n');
  return s;
}

/** Shortens text to `max` characters (by code point), keeping the end, which holds file names. */
export function truncateStart(text: string, max: number): string {
  const cps = [...text];
  return cps.length <= max ? text : `…${cps.slice(cps.length - max + 1).join('')}`;
}
