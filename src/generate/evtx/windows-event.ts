// A Windows event as the writer takes it, and its two forms: the template instance Windows would write, and
// the JSON object evtx_dump (and `kahu evtx dump`) renders from that record. Both come from the same
// description, so an .evtx log and its JSON-lines export say the same thing field for field.
//
// Record layout, as Windows 10 / Server 2016+ writes manifest-based events (observed on Sysmon records in
// ../shared/data/evtx): the record is one instance of a System template whose 18 values are, by index,
//   0 Level u8 | 1 Opcode u8 | 2 Task u16 | 3 EventID u16 | 4 Qualifiers u16 | 5 Keywords HexInt64 |
//   6 TimeCreated FILETIME | 7 ActivityID GUID | 8 ProcessID u32 | 9 ThreadID u32 | 10 EventRecordID u64 |
//   11 Version u8 | 12 UserID SID | 13 RelatedActivityID GUID | 14 Provider Name | 15 Provider Guid GUID |
//   16 Channel | 17 EventData (BinXml fragment)
// all as optional substitutions (a null value drops the attribute or element content), with Computer as
// literal text of the template. Value 17 is a nested fragment holding an instance of the event's own
// EventData template: `<EventData><Data Name="...">%n</Data>...</EventData>` (normal substitutions), or
// `<Data>%n</Data>` items without names for classic (ReportEvent) sources such as MSExchange CmdletLogs.
// Simplification: Windows writes classic events with a second System layout (Provider and Channel literal,
// insertion strings as one string array); the writer uses the manifest layout for every event, which
// renders to the same XML and JSON.
import { makeTemplate, type InstanceValue, type Template, type TplElement, type TplNode } from './binxml.js';
import { encodeValue, ev, valueJson, VALUE_TYPE, type EvtxValue } from './values.js';

/** A Windows event to write. Times are epoch milliseconds (UTC). */
export interface WinEvent {
  /** TimeCreated and the record's written time. */
  time: number;
  /** 100 ns ticks below the millisecond (0..9999), for realistic sub-millisecond times. */
  ticks?: number;
  provider: string;
  /** Provider GUID (manifest-based providers), e.g. `{5770385F-C22A-43E0-BF4C-06F5698FFBD9}`. */
  providerGuid?: string;
  eventId: number;
  /** High word of a classic event id (severity/facility), e.g. 16388; manifest events have none. */
  qualifiers?: number;
  version?: number;
  level: number;
  task?: number;
  opcode?: number;
  /** Keywords mask: 0x80000000000000 (Classic) for classic sources, 0x8000000000000000 for Sysmon. */
  keywords: bigint;
  activityId?: string;
  relatedActivityId?: string;
  processId?: number;
  threadId?: number;
  channel: string;
  computer: string;
  /** Security UserID (SID text). */
  userId?: string;
  /** EventData: named `<Data Name=...>` items (object order) or unnamed `<Data>` items (array). */
  data: Readonly<Record<string, EvtxValue>> | readonly EvtxValue[];
}

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const T = VALUE_TYPE;

function opt(sub: number, type: number): TplNode {
  return { sub, type, optional: true };
}

/** The System template for a computer (Computer is literal text in the templates Windows writes). */
function systemTemplate(computer: string): Template {
  const root: TplElement = {
    el: 'Event',
    attrs: [['xmlns', { text: NS }]],
    children: [
      {
        el: 'System',
        children: [
          { el: 'Provider', attrs: [['Name', { sub: 14, type: T.String, optional: true }], ['Guid', { sub: 15, type: T.Guid, optional: true }]] },
          { el: 'EventID', attrs: [['Qualifiers', { sub: 4, type: T.UInt16, optional: true }]], children: [opt(3, T.UInt16)] },
          { el: 'Version', children: [opt(11, T.UInt8)] },
          { el: 'Level', children: [opt(0, T.UInt8)] },
          { el: 'Task', children: [opt(2, T.UInt16)] },
          { el: 'Opcode', children: [opt(1, T.UInt8)] },
          { el: 'Keywords', children: [opt(5, T.HexInt64)] },
          { el: 'TimeCreated', attrs: [['SystemTime', { sub: 6, type: T.FileTime, optional: true }]] },
          { el: 'EventRecordID', children: [opt(10, T.UInt64)] },
          { el: 'Correlation', attrs: [['ActivityID', { sub: 7, type: T.Guid, optional: true }], ['RelatedActivityID', { sub: 13, type: T.Guid, optional: true }]] },
          { el: 'Execution', attrs: [['ProcessID', { sub: 8, type: T.UInt32, optional: true }], ['ThreadID', { sub: 9, type: T.UInt32, optional: true }]] },
          { el: 'Channel', children: [opt(16, T.String)] },
          { el: 'Computer', children: [{ text: computer }] },
          { el: 'Security', attrs: [['UserID', { sub: 12, type: T.Sid, optional: true }]] },
        ],
      },
      opt(17, T.BinXml),
    ],
  };
  return makeTemplate(root);
}

/** The type a template declares for a value: strings (empty ones too) are String; others their own type. */
function declaredType(v: EvtxValue): number {
  return v === null || typeof v === 'string' ? T.String : encodeValue(v).type;
}

function isNamed(data: WinEvent['data']): data is Readonly<Record<string, EvtxValue>> {
  return !Array.isArray(data);
}

/** The EventData template of an event's data shape, and its values. */
function eventDataInstance(data: WinEvent['data']): { template: Template; values: EvtxValue[] } | null {
  const values: EvtxValue[] = isNamed(data) ? Object.values(data) : [...data];
  if (values.length === 0) return null;
  const names = isNamed(data) ? Object.keys(data) : null;
  const children: TplElement[] = values.map((v, i) => {
    const name = names?.[i];
    if (name === '') throw new RangeError('EventData item with an empty name');
    return {
      el: 'Data',
      ...(name === undefined ? {} : { attrs: [['Name', { text: name }]] as const }),
      children: [{ sub: i, type: declaredType(v) }],
    };
  });
  return { template: makeTemplate({ el: 'EventData', children }), values };
}

// Templates are pure functions of their shape; caching them saves the MD5 per record.
const systemCache = new Map<string, Template>();
const dataCache = new Map<string, Template>();

function cachedSystem(computer: string): Template {
  let t = systemCache.get(computer);
  if (!t) systemCache.set(computer, (t = systemTemplate(computer)));
  return t;
}

function cachedData(data: WinEvent['data']): { template: Template; values: EvtxValue[] } | null {
  const values: EvtxValue[] = isNamed(data) ? Object.values(data) : [...data];
  if (values.length === 0) return null;
  const shape = `${isNamed(data) ? JSON.stringify(Object.keys(data)) : `#${values.length}`}|${values.map(declaredType).join(',')}`;
  const hit = dataCache.get(shape);
  if (hit) return { template: hit, values };
  const made = eventDataInstance(data);
  if (made) {
    if (dataCache.size > 4096) dataCache.clear();
    dataCache.set(shape, made.template);
  }
  return made;
}

/** The record's template instance: the System template and its 18 values (value 17 the EventData fragment). */
export function eventInstance(e: WinEvent, recordId: bigint): { template: Template; values: InstanceValue[] } {
  const data = cachedData(e.data);
  const values: InstanceValue[] = [
    ev.u8(e.level),
    ev.u8(e.opcode ?? 0),
    ev.u16(e.task ?? 0),
    ev.u16(e.eventId),
    e.qualifiers === undefined ? null : ev.u16(e.qualifiers),
    ev.hex64(e.keywords),
    ev.filetime(e.time, e.ticks ?? 0),
    e.activityId === undefined ? null : ev.guid(e.activityId),
    e.processId === undefined ? null : ev.u32(e.processId),
    e.threadId === undefined ? null : ev.u32(e.threadId),
    ev.u64(recordId),
    ev.u8(e.version ?? 0),
    e.userId === undefined ? null : ev.sid(e.userId),
    e.relatedActivityId === undefined ? null : ev.guid(e.relatedActivityId),
    e.provider,
    e.providerGuid === undefined ? null : ev.guid(e.providerGuid),
    e.channel,
    data === null ? null : { template: data.template, values: data.values },
  ];
  return { template: cachedSystem(e.computer), values };
}

type Obj = Record<string, unknown>;

/** `#attributes` of the given name/value pairs without the empty ones; null when none is left. */
function attrs(pairs: [string, EvtxValue][]): Obj | null {
  const out: Obj = {};
  let any = false;
  for (const [k, v] of pairs) {
    const j = valueJson(v);
    if (j === null || j === '') continue;
    out[k] = j;
    any = true;
  }
  return any ? { '#attributes': out } : null;
}

/** A `<Data>` item's JSON value: empty content is `""` (evtx_dump's rule inside EventData). */
function dataJson(v: EvtxValue): unknown {
  return valueJson(v) ?? '';
}

/**
 * The evtx_dump JSON object of the record `eventInstance(e, recordId)` writes (the layout of `kahu evtx dump`
 * and SigmaHQ's regression files): what the JSON-lines export of the same log holds.
 */
export function eventJson(e: WinEvent, recordId: bigint): Obj {
  const system: Obj = {
    Provider: attrs([
      ['Name', e.provider],
      ['Guid', e.providerGuid === undefined ? null : ev.guid(e.providerGuid)],
    ]),
    EventID: e.qualifiers === undefined ? e.eventId : { '#attributes': { Qualifiers: e.qualifiers }, '#text': e.eventId },
    Version: e.version ?? 0,
    Level: e.level,
    Task: e.task ?? 0,
    Opcode: e.opcode ?? 0,
    Keywords: valueJson(ev.hex64(e.keywords)),
    TimeCreated: attrs([['SystemTime', ev.filetime(e.time, e.ticks ?? 0)]]),
    EventRecordID: Number(recordId),
    Correlation: attrs([
      ['ActivityID', e.activityId === undefined ? null : ev.guid(e.activityId)],
      ['RelatedActivityID', e.relatedActivityId === undefined ? null : ev.guid(e.relatedActivityId)],
    ]),
    Execution: attrs([
      ['ProcessID', e.processId === undefined ? null : ev.u32(e.processId)],
      ['ThreadID', e.threadId === undefined ? null : ev.u32(e.threadId)],
    ]),
    Channel: valueJson(e.channel),
    Computer: e.computer === '' ? null : e.computer.trimEnd(),
    Security: attrs([['UserID', e.userId === undefined ? null : ev.sid(e.userId)]]),
  };
  const event: Obj = { '#attributes': { xmlns: NS }, System: system };
  const values: EvtxValue[] = isNamed(e.data) ? Object.values(e.data) : [...e.data];
  if (values.length > 0) {
    if (isNamed(e.data)) {
      const data: Obj = {};
      for (const [k, v] of Object.entries(e.data)) {
        if (k === '__proto__') Object.defineProperty(data, k, { value: dataJson(v), enumerable: true, writable: true, configurable: true });
        else data[k] = dataJson(v);
      }
      event.EventData = data;
    } else {
      event.EventData = { Data: { '#text': values.length === 1 ? dataJson(values[0] ?? null) : values.map(dataJson) } };
    }
  }
  return { Event: event };
}
