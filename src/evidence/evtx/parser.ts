// The EVTX EvidenceParser: records -> evtx_dump JSON object -> flattenWindowsEvent, so an .evtx file and a
// JSON export of the same log give identical Windows events. Provenance locator: record id, chunk index and
// byte offset of the record.
import type { IssueSink } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import type { EvidenceParser, EvidenceSource } from '../types.js';
import { flattenWindowsEvent } from '../windows/flatten.js';
import type { EvtxRecord } from './chunk.js';
import { isChunk } from './chunk.js';
import { isFileHeader } from './file-header.js';
import { readEvtx, type EvtxReadOptions } from './reader.js';
import { renderJson } from './render-json.js';

/** One record as a Kahu Windows event (null when it has no `Event/System`, which real records always have). */
export function recordToEvent(rec: EvtxRecord, evidenceId: string, path: string): KahuEvent | null {
  const obj = renderJson(rec.nodes);
  const ev = flattenWindowsEvent(obj, { evidenceId, path, locator: { record: rec.id, chunk: rec.chunk, offset: rec.offset } });
  if (ev === null) return null;
  // Records recovered from chunk slack are real but were not part of the live log; say so on the event.
  if (rec.slack) ev.fields.EvtxRecoveredFromSlack = true;
  return ev;
}

/** Parses an EVTX source into batches of Windows events (one batch per chunk). */
export async function* parseEvtx(src: EvidenceSource, issues: IssueSink, opts: EvtxReadOptions = {}): AsyncGenerator<KahuEvent[]> {
  for await (const batch of readEvtx(src, issues, opts)) {
    const events: KahuEvent[] = [];
    for (const rec of batch) {
      let ev: KahuEvent | null;
      try {
        ev = recordToEvent(rec, src.id, src.path);
      } catch (err) {
        issues.report({
          code: 'internal',
          severity: 'error',
          message: `record ${rec.id} could not be rendered: ${(err as Error).message}`,
          location: { path: src.path, offset: rec.offset, chunk: rec.chunk, record: rec.id },
        });
        continue;
      }
      if (ev) events.push(ev);
      else {
        issues.report({
          code: 'evtx-corrupt',
          severity: 'warning',
          message: `record ${rec.id} has no Event/System element; not a Windows event`,
          location: { path: src.path, offset: rec.offset, chunk: rec.chunk, record: rec.id },
        });
      }
    }
    if (events.length) yield events;
  }
}

/** The `evtx` evidence parser: detected by the `ElfFile\0` signature (or a bare `ElfChnk\0` chunk). */
export const evtxParser: EvidenceParser = {
  format: 'evtx',
  detect(head: Buffer, name: string): number {
    if (isFileHeader(head)) return 1;
    if (isChunk(head)) return 0.9;
    return /\.evtx$/i.test(name) && head.length === 0 ? 0.1 : 0;
  },
  parse: (src, issues) => parseEvtx(src, issues),
};
