/**
 * The Windows path of a file inside a triage collection, recovered from how collectors lay files out, so that
 * path rules (`\FrontEnd\HttpProxy\owa\auth\`, `C:\ProgramData\`) match a collection the way they match a live
 * server.
 *
 * - Velociraptor (offline collector zips and exported collections): `uploads/<accessor>/<volume>/<path>`, each
 *   path component percent-encoded where a zip or Windows name cannot hold the character: `:` as `%3A`, `\` as
 *   `%5C`, `%` as `%25`, a leading `.` as `%2E`, and, in older releases, every byte outside printable ASCII. The volume
 *   component is `C%3A` (accessors `auto`, `file`), `%5C%5C.%5CC%3A` (`\\.\C:`: `ntfs`, `mft`, `lazy_ntfs`) or a
 *   shadow copy device (`%5C%5C%3F%5CGLOBALROOT%5CDevice%5CHarddiskVolumeShadowCopy1`). The volume is the
 *   signature: no other collector writes a component that decodes to a drive or device name. From it on, the
 *   components are decoded and joined with `\`; the collection prefix before it is dropped.
 * - KAPE and CyLR copy into `<destination>/C/<path>` (drive letter as a plain folder, names as they are): nothing
 *   to decode; the path is kept with `\` separators, and folder patterns match it anywhere.
 */

/** A Velociraptor volume component: `X%3A`, or an encoded device path `%5C%5C…` (`\\.\X:`, `\\?\GLOBALROOT\…`). */
const VELOCIRAPTOR_VOLUME = /^(?:[A-Za-z]%3A|%5C%5C.+)$/i;

/** Decodes `%XX` escapes as UTF-8; a component that is not valid UTF-8 once decoded keeps its Latin-1 reading. */
function decodeComponent(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // Stray `%` or bytes that are not UTF-8: decode each valid escape as a single byte.
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/**
 * The Windows-style path of a collected file: Velociraptor's layout decoded to the original path
 * (`…/uploads/auto/C%3A/Program Files/x.aspx` → `C:\Program Files\x.aspx`), anything else with `\` separators.
 * Takes a path with `/` or `\` separators (a zip entry's inner path, or a path on disk).
 */
export function collectedWindowsPath(p: string): string {
  const parts = p.split(/[/\\]/);
  const vol = parts.findIndex((c) => VELOCIRAPTOR_VOLUME.test(c));
  if (vol < 0) return parts.join('\\');
  let volume = decodeComponent(parts[vol]!);
  // `\\.\C:` is the raw-device spelling of the drive the ntfs accessor reads; the file's path is on `C:`.
  const device = /^\\\\[.?]\\([A-Za-z]:)$/.exec(volume);
  if (device) volume = device[1]!;
  return [volume, ...parts.slice(vol + 1).map(decodeComponent)].join('\\');
}
