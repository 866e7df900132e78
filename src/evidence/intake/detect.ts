import type { EvidenceFormat } from '../../model/index.js';
import { MAGIC_DESCRIPTION, sniffMagic, type MagicType } from '../files/magic.js';
import { parsers } from '../registry.js';
import type { EvidenceParser } from '../types.js';

/** Outcome of format detection for one file. */
export interface Detection {
  format: EvidenceFormat;
  parser: EvidenceParser | null;
  /** Why no parser took the file (absent when one did). */
  reason?: string;
  /** The sniffed file type (for the inventory and the reason). */
  magic: MagicType;
}

/**
 * Recognises a file's format by its content: every registered parser scores the head bytes (0..1), the
 * highest wins, the name only breaks ties inside a parser's own `detect`. A ZIP head gives format `zip`
 * (the caller expands it). Anything else is `unrecognised` with a reason a user can act on.
 */
export function detectFormat(head: Buffer, name: string, registry: readonly EvidenceParser[] = parsers): Detection {
  const magic = sniffMagic(head);
  if (magic === 'zip') return { format: 'zip', parser: null, magic };
  let best: EvidenceParser | null = null;
  let bestScore = 0;
  for (const p of registry) {
    let score = 0;
    try {
      score = p.detect(head, name);
    } catch {
      // A parser's detect must not take the scan down: treat as "not mine".
      score = 0;
    }
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  if (best) return { format: best.format, parser: best, magic };
  return { format: 'unrecognised', parser: null, reason: unrecognisedReason(magic), magic };
}

/** Words for why a file of this type was not parsed. */
export function unrecognisedReason(magic: MagicType): string {
  switch (magic) {
    case 'empty':
      return 'empty file';
    case 'evtx':
      return 'Windows EVTX event log, but no EVTX parser is registered';
    case 'text':
      return 'text without a known log header (IIS #Fields, Exchange #Log-type/#Fields CSV, JSON events)';
    case 'w3c-log':
    case 'csv-log':
      return 'log header not recognised (W3C/CSV directives present but no known field set)';
    case 'json':
      return 'JSON without Windows event records (evtx_dump, OTRF, Winlogbeat/ECS, Velociraptor)';
    case 'text-utf16':
      return 'UTF-16 text (not a log format Kahu reads; convert to UTF-8)';
    case 'binary':
      return 'binary data with no known signature';
    case 'bzip2':
    case 'xz':
    case 'zstd':
    case '7z':
    case 'rar':
    case 'cab':
      return `${MAGIC_DESCRIPTION[magic]}: not expanded (extract it, or re-pack as .zip); inventoried as a file`;
    case 'gzip':
      return 'gzip-compressed data: read through as its own entry';
    case 'aspx':
    case 'der':
    case 'elf':
    case 'html':
    case 'minidump':
    case 'ole2':
    case 'pdf':
    case 'pe':
    case 'pst':
    case 'registry-hive':
    case 'sqlite':
    case 'xml':
    case 'zip':
      return `${MAGIC_DESCRIPTION[magic]}: not an event source; inventoried as a file`;
  }
}
