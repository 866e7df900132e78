import type { FieldValue, KahuEvent, Provenance } from '../../model/index.js';
import { put } from '../text/record-builder.js';
import { flattenWindowsEvent, parseSystemTime } from '../windows/flatten.js';

/**
 * Windows events exported as JSON, in the layouts DFIR tools produce, all turned into the one Windows event
 * shape of docs/event-model.md (the shape `flattenWindowsEvent` gives the evtx_dump layout):
 * `EventID` (number), `Channel`, `Provider_Name`, `Provider_Guid`, `Computer`, `EventRecordID`, `Level`,
 * `Task`, `Opcode`, `Keywords`, `Version`, `ProcessID`/`ThreadID` (System's), `UserID`, then the
 * EventData/UserData children under their own names, `source: 'windows'`, host = Computer.
 *
 * Layouts:
 * - `evtx`: evtx_dump / Kahu `evtx dump` (`{"Event":{"System":{...,"#attributes"}}}`), SigmaHQ regression data.
 * - `velociraptor`: VQL `parse_evtx` rows (`System.EventID.Value`, `System.Provider.Name`,
 *   `System.TimeCreated.SystemTime` as epoch seconds, `EventData`), and the flat columns of the
 *   `Windows.EventLogs.*` artifacts (`EventTime`, `Computer`, `Channel`, `Provider`, `EventID`, `EventData`).
 * - `ecs`: Winlogbeat / Elastic Common Schema (`winlog.event_id`, `winlog.channel`, `winlog.provider_name`,
 *   `winlog.computer_name`, `winlog.event_data.*`, `@timestamp`); an Elasticsearch `_source` wrapper is unwrapped.
 * - `otrf`: OTRF Security-Datasets / Mordor (NXLog or Logstash output): flat objects with `EventID`, `Channel`,
 *   `SourceName`, `Hostname`, `@timestamp`/`TimeCreated`/`EventTime`, and EventData names at top level.
 */
export type WindowsJsonLayout = 'evtx' | 'velociraptor' | 'ecs' | 'otrf';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value as a flat field value: nested objects become JSON text. */
function toField(v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toField);
  return JSON.stringify(v);
}

/** Event ids arrive as numbers or digit strings ("4624"): always a number when they are one. */
function toEventId(v: unknown): FieldValue {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d{1,10}$/.test(v.trim())) return Number(v.trim());
  if (isObj(v)) return toEventId(v.Value ?? v['#text'] ?? v.value);
  return toField(v);
}

/**
 * Time strings: ISO 8601 with zone as given; `YYYY-MM-DD HH:MM:SS[.fff]` without zone read as UTC (the
 * exporters write UTC, or say so nowhere; docs/formats notes the OTRF caveat); epoch numbers as seconds
 * (Velociraptor) or milliseconds (> 1e11).
 */
export function parseJsonTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? Math.round(v) : Math.round(v * 1000);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '') return null;
  const iso = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d/.test(s) ? s.replace(' ', 'T') : s;
  return parseSystemTime(iso);
}

/** Copies an EventData/UserData-like payload's members as fields (nested single wrapper elements flattened). */
function addPayload(fields: Record<string, FieldValue>, payload: Obj): void {
  for (const [k, v] of Object.entries(payload)) {
    if (k === '#attributes') continue;
    if (isObj(v) && !('#text' in v) && !('Value' in v)) addPayload(fields, v);
    else if (isObj(v) && '#text' in v) put(fields, k, toField(v['#text']));
    else put(fields, k, toField(v));
  }
}

function finish(fields: Record<string, FieldValue>, time: number | null, prov: Provenance): KahuEvent {
  const c = fields.Computer;
  return { time, host: typeof c === 'string' && c !== '' ? c : null, source: 'windows', fields, prov };
}

/** Velociraptor `parse_evtx` row: `System` without `#attributes`, `EventID.Value`, `Provider.Name`. */
function fromVelociraptor(o: Obj, prov: Provenance): KahuEvent {
  const sys = o.System as Obj;
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(sys)) {
    if (k === 'Provider' && isObj(v)) {
      fields.Provider_Name = toField(v.Name);
      if (v.Guid !== undefined) fields.Provider_Guid = toField(v.Guid);
    } else if (k === 'EventID') {
      fields.EventID = toEventId(v);
      if (isObj(v) && v.Qualifiers !== undefined) fields.EventID_Qualifiers = toField(v.Qualifiers);
    } else if (k === 'TimeCreated' && isObj(v)) {
      fields.TimeCreated_SystemTime = toField(v.SystemTime);
    } else if ((k === 'Execution' || k === 'Security' || k === 'Correlation') && isObj(v)) {
      for (const [ak, av] of Object.entries(v)) put(fields, ak, toField(av));
    } else {
      put(fields, k, toField(v));
    }
  }
  if (isObj(o.EventData)) addPayload(fields, o.EventData);
  if (isObj(o.UserData)) addPayload(fields, o.UserData);
  if (typeof o.Message === 'string') fields.Message = o.Message;
  const tc = isObj(sys.TimeCreated) ? sys.TimeCreated.SystemTime : undefined;
  return finish(fields, parseJsonTime(tc ?? o.TimeCreated ?? o.EventTime), prov);
}

/** Velociraptor artifact columns: `EventTime`, `Computer`, `Channel`, `Provider`, `EventID`, `EventData` object. */
function fromVelociraptorFlat(o: Obj, prov: Provenance): KahuEvent {
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'EventData' || k === 'UserData') continue;
    put(fields, k, toField(v));
  }
  fields.EventID = toEventId(o.EventID);
  if (o.Provider !== undefined && fields.Provider_Name === undefined) fields.Provider_Name = toField(o.Provider);
  if (o.UserSID !== undefined && fields.UserID === undefined) fields.UserID = toField(o.UserSID);
  if (isObj(o.EventData)) addPayload(fields, o.EventData);
  if (isObj(o.UserData)) addPayload(fields, o.UserData);
  return finish(fields, parseJsonTime(o.EventTime ?? o.TimeCreated ?? o.Timestamp), prov);
}

/** Winlogbeat / ECS. */
function fromEcs(o: Obj, prov: Provenance): KahuEvent {
  const w = o.winlog as Obj;
  const fields: Record<string, FieldValue> = {};
  fields.EventID = toEventId(w.event_id ?? (isObj(o.event) ? o.event.code : undefined));
  if (w.channel !== undefined) fields.Channel = toField(w.channel);
  if (w.provider_name !== undefined) fields.Provider_Name = toField(w.provider_name);
  if (w.provider_guid !== undefined) fields.Provider_Guid = toField(w.provider_guid);
  const host = isObj(o.host) ? (o.host.name ?? o.host.hostname) : undefined;
  fields.Computer = toField(w.computer_name ?? host);
  if (w.record_id !== undefined) fields.EventRecordID = toField(w.record_id);
  if (w.task !== undefined) fields.Task = toField(w.task);
  if (w.opcode !== undefined) fields.Opcode = toField(w.opcode);
  if (w.keywords !== undefined) fields.Keywords = toField(w.keywords);
  if (w.version !== undefined) fields.Version = toField(w.version);
  if (isObj(o.log) && o.log.level !== undefined) fields.Level = toField(o.log.level);
  if (isObj(w.process)) {
    if (w.process.pid !== undefined) fields.ProcessID = toField(w.process.pid);
    if (isObj(w.process.thread) && w.process.thread.id !== undefined) fields.ThreadID = toField(w.process.thread.id);
  }
  if (isObj(w.user) && w.user.identifier !== undefined) fields.UserID = toField(w.user.identifier);
  if (isObj(w.event_data)) addPayload(fields, w.event_data);
  if (isObj(w.user_data)) addPayload(fields, w.user_data);
  if (typeof o.message === 'string') fields.Message = o.message;
  return finish(fields, parseJsonTime(o['@timestamp'] ?? (isObj(o.event) ? o.event.created : undefined)), prov);
}

/** OTRF pipeline keys that describe the collection, not the event (kept, but not mistaken for EventData). */
const OTRF_SYSTEM: Record<string, string> = {
  SourceName: 'Provider_Name',
  ProviderName: 'Provider_Name',
  ProviderGuid: 'Provider_Guid',
  Hostname: 'Computer',
  RecordNumber: 'EventRecordID',
  ExecutionProcessID: 'ProcessID',
  ThreadID: 'ThreadID',
  OpcodeValue: 'Opcode',
};

/**
 * OTRF Security-Datasets flat records. The parsed object itself becomes the fields object (values made flat
 * in place): JSON.parse objects have fast hidden-class layouts, while copying 40 keys one by one into a
 * new object would put it in V8's slow dictionary mode (see text/record-builder.ts).
 */
function fromOtrf(o: Obj, prov: Provenance): KahuEvent {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'object' && v !== null) o[k] = toField(v);
  }
  const fields = o as Record<string, FieldValue>;
  for (const [from, to] of Object.entries(OTRF_SYSTEM)) {
    if (o[from] !== undefined && o[to] === undefined) fields[to] = fields[from]!;
  }
  if (fields.Computer === undefined && typeof o.host === 'string') fields.Computer = o.host;
  fields.EventID = toEventId(o.EventID);
  // @timestamp is UTC with a zone in every OTRF pipeline; TimeCreated/EventTime are zone-less (docs/formats).
  return finish(fields, parseJsonTime(o['@timestamp'] ?? o.TimeCreated ?? o.EventTime), prov);
}

/** Which layout a parsed JSON record has, or null when it is not a Windows event. */
export function windowsJsonLayout(o: unknown): WindowsJsonLayout | null {
  if (!isObj(o)) return null;
  if (isObj(o.Event) && isObj(o.Event.System)) return 'evtx';
  if (isObj(o.System)) {
    const sys = o.System;
    if ('#attributes' in sys || (isObj(sys.Provider) && '#attributes' in sys.Provider)) return 'evtx';
    return 'velociraptor';
  }
  if (isObj(o.winlog)) return 'ecs';
  if (o.EventID !== undefined && (o.Channel !== undefined || o.SourceName !== undefined)) {
    if (isObj(o.EventData) && o.SourceName === undefined) return 'velociraptor';
    return 'otrf';
  }
  return null;
}

/** Turns one parsed JSON record into a Windows event; null when it is no Windows event. */
export function windowsEventFromJson(o: unknown, prov: Provenance): KahuEvent | null {
  let rec = o;
  // Elasticsearch hit: the document is under `_source`.
  if (isObj(rec) && isObj(rec._source) && rec.winlog === undefined && rec.Event === undefined) rec = rec._source;
  const layout = windowsJsonLayout(rec);
  if (layout === null || !isObj(rec)) return null;
  switch (layout) {
    case 'evtx':
      // flattenWindowsEvent makes a digit-string EventID a number itself.
      return flattenWindowsEvent(rec, prov);
    case 'velociraptor':
      return isObj(rec.System) ? fromVelociraptor(rec, prov) : fromVelociraptorFlat(rec, prov);
    case 'ecs':
      return fromEcs(rec, prov);
    case 'otrf':
      return fromOtrf(rec, prov);
  }
}
