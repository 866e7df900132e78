import type { FieldValue, KahuEvent, Provenance } from '../../model/index.js';
import { FieldsCollector } from '../text/record-builder.js';

/**
 * The evtx_dump JSON layout of one Windows event (as in SigmaHQ's regression_data `.json` files and
 * `kahu evtx dump`): `{ Event: { System: {...}, EventData: {...} | UserData: {...} } }`, where XML
 * attributes sit under `#attributes` and element text under `#text`.
 */
export type EvtxJson = { Event?: Record<string, unknown> } & Record<string, unknown>;

type Obj = Record<string, unknown>;



function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a JSON value into a flat field value: objects with `#text` become their text, other objects JSON text. */
function toField(v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toField);
  if (isObj(v)) {
    if ('#text' in v) return toField(v['#text']);
    return JSON.stringify(v);
  }
  // bigint / symbol / function: not produced by JSON, kept printable.
  return typeof v === 'bigint' ? v.toString() : null;
}

/** Adds the children of an EventData/UserData payload as fields (attributes as `Name_Attr`). */
function addPayload(fields: FieldsCollector, payload: Obj): void {
  for (const [k, v] of Object.entries(payload)) {
    if (k === '#attributes') continue;
    if (isObj(v) && !('#text' in v)) {
      // Nested element (e.g. UserData's single wrapper element): its children are the fields.
      addPayload(fields, v);
    } else {
      fields.add(k, toField(v));
    }
  }
}

// One collector for every call (flattening is synchronous): its trie of field-name sequences keeps the generated
// builders that give each event's fields a fast object layout (text/record-builder.ts).
const collector = new FieldsCollector();

// `${element}_${attribute}` names (Provider_Name, TimeCreated_SystemTime...), made once: the parsed names are
// interned strings, and a name made afresh per event would be hashed again by every lookup of the shape trie.
// Bounded in entries and, since names come from evidence, in length (longer ones are made each time).
const joined = new Map<string, Map<string, string>>();
const JOINED_MAX_LENGTH = 128;
function joinedName(element: string, attr: string): string {
  if (element.length + attr.length > JOINED_MAX_LENGTH) return `${element}_${attr}`;
  let m = joined.get(element);
  if (m === undefined) {
    if (joined.size >= 1024) joined.clear();
    joined.set(element, (m = new Map<string, string>()));
  }
  let n = m.get(attr);
  if (n === undefined) {
    if (m.size >= 1024) m.clear();
    m.set(attr, (n = `${element}_${attr}`));
  }
  return n;
}

/** Parses SystemTime ("2021-03-14T01:40:19.123456Z" or with offset) to epoch ms, null if unparsable. */
export function parseSystemTime(s: unknown): number | null {
  if (typeof s !== 'string' || s === '') return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(t) ? null : t;
}

/**
 * Flattens an evtx_dump-layout Windows event into Kahu's event fields, named as Sigma's Windows taxonomy
 * expects: System → `EventID`, `Channel`, `Provider_Name`, `Provider_Guid`, `Computer`, `Level`, `Task`,
 * `Opcode`, `Keywords`, `EventRecordID`, `ProcessID`, `ThreadID`, `UserID` (Security), `Version`;
 * EventData / UserData children → their own names. Returns null when the object is not such an event.
 */
export function flattenWindowsEvent(obj: unknown, prov: Provenance): KahuEvent | null {
  if (!isObj(obj)) return null;
  const ev = isObj(obj.Event) ? obj.Event : obj;
  const sys = ev.System;
  if (!isObj(sys)) return null;
  const c = collector;
  c.reset();
  for (const [k, v] of Object.entries(sys)) {
    if (k === '#attributes') continue;
    if (isObj(v)) {
      const attrs = isObj(v['#attributes']) ? v['#attributes'] : undefined;
      if ('#text' in v) c.add(k, toField(v['#text']));
      if (attrs) {
        for (const [ak, av] of Object.entries(attrs)) {
          if (k === 'Execution' || k === 'Security' || k === 'Correlation') c.add(ak, toField(av));
          else c.add(joinedName(k, ak), toField(av));
        }
      }
    } else {
      c.add(k, toField(v));
    }
  }
  if (isObj(ev.EventData)) addPayload(c, ev.EventData);
  else if (ev.EventData !== undefined && ev.EventData !== null) c.add('EventData', toField(ev.EventData));
  if (isObj(ev.UserData)) addPayload(c, ev.UserData);
  // EventID as a number (the last EventID wins, as it does in the object).
  const id = c.names.lastIndexOf('EventID');
  if (id >= 0) {
    const v = c.values[id];
    if (typeof v === 'string' && /^\d+$/.test(v)) c.values[id] = Number(v);
  }
  const fields = c.build();
  const computer = fields.Computer;
  return {
    time: parseSystemTime(fields.TimeCreated_SystemTime),
    host: typeof computer === 'string' ? computer : null,
    source: 'windows',
    fields,
    prov,
  };
}
