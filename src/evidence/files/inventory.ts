import type { FieldValue, KahuEvent } from '../../model/index.js';
import type { EvidenceEntry } from '../intake/collect.js';
import { collectedWindowsPath } from './collected-path.js';
import { MAGIC_DESCRIPTION } from './magic.js';

/**
 * The file inventory: one `file` event per input (disk file or zip entry), for artifact rules such as
 * "an .aspx under owa\auth" or "a PST header in a file named .aspx". Field names follow Sigma's
 * `file_event` taxonomy where one exists (`TargetFilename`, `Hashes`), see docs/event-model.md.
 */

/** The inner path of a zip entry (`a.zip!/x/y` → `x/y`), else null. */
function innerPath(p: string): { container: string; inner: string } | null {
  const i = p.indexOf('!/');
  return i < 0 ? null : { container: p.slice(0, i), inner: p.slice(i + 2) };
}

/**
 * A collected path as rooted: a zip entry's path starts at the collection's root (`inetpub/wwwroot/...`,
 * `C/ProgramData/...`), while path rules are written with a leading `\` (`\inetpub\wwwroot\aspnet_client\`),
 * as they match a live server's `C:\inetpub\...`. Paths with a drive (`C:\...`, Velociraptor's decoded layout) or
 * already rooted are kept.
 */
function rooted(p: string): string {
  return p.startsWith('\\') || /^[A-Za-z]:\\/.test(p) ? p : `\\${p}`;
}

/** Builds the inventory event of one evidence entry, given its SHA-256 (hex, computed while it was read). */
export function inventoryEvent(entry: EvidenceEntry, sha256: string): KahuEvent {
  const zip = innerPath(entry.path);
  const target = rooted(collectedWindowsPath(zip ? zip.inner : entry.path));
  const name = target.slice(target.lastIndexOf('\\') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const fields: Record<string, FieldValue> = {
    TargetFilename: target,
    Path: entry.path,
    FileName: name,
    Extension: ext,
    Size: entry.size,
    SHA256: sha256,
    Hashes: `SHA256=${sha256.toUpperCase()}`,
    MagicType: entry.magic,
    MagicDescription: MAGIC_DESCRIPTION[entry.magic],
    Format: entry.format,
    ModifiedTime: entry.mtime,
    AccessTime: entry.atime,
    ChangeTime: entry.ctime,
    CreationUtcTime: entry.birthtime,
    Container: zip ? zip.container : null,
    Readable: entry.readable,
  };
  if (entry.reason !== undefined) fields.Reason = entry.reason;
  const t = entry.mtime === null ? NaN : Date.parse(entry.mtime);
  return {
    time: Number.isNaN(t) ? null : t,
    host: null,
    source: 'file',
    fields,
    prov: { evidenceId: entry.id, path: entry.path, locator: { offset: 0 } },
  };
}
