import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../core/index.js';
import type { KahuEvent } from '../../model/index.js';
import { memorySource } from '../../../test/factories/source.js';
import { SYSMON_1, ecsJson, evtxDumpJson, otrfJson, velociraptorJson, type WinEventSpec } from '../../../test/factories/windows-json.js';
import { windowsEventFromJson } from './normalise.js';
import { detectJsonEvents, parseJsonEvents } from './parser.js';
import { JsonObjectSplitter } from './splitter.js';

async function parse(text: string, chunk = 65536) {
  const issues = new IssueCollector();
  const events: KahuEvent[] = [];
  for await (const b of parseJsonEvents(memorySource(text, { chunk, path: 'events.json' }), issues)) events.push(...b);
  return { events, issues: issues.all() };
}

const prov = { evidenceId: 'e1', path: 'x', locator: { line: 1 } };

describe('JSON object splitter', () => {
  function split(text: string, chunk: number) {
    const recs: Array<[string, number, number]> = [];
    const problems: Array<[number, string]> = [];
    const s = new JsonObjectSplitter((r) => recs.push([r.bytes.toString(), r.line, r.offset]), (p) => problems.push([p.line, p.message]));
    const b = Buffer.from(text);
    for (let i = 0; i < b.length; i += chunk) s.push(b.subarray(i, i + chunk));
    s.end();
    return { recs, problems };
  }
  it.each([1, 2, 5, 1000])('splits pretty objects and arrays, with braces inside strings, at chunk size %i', (chunk) => {
    const text = '{\n  "a": "}{\\"",\n  "b": [1, {"c": 2}]\n}\n{"d": "\\\\"}\n';
    expect(split(text, chunk).recs).toEqual([
      ['{\n  "a": "}{\\"",\n  "b": [1, {"c": 2}]\n}', 1, 0],
      ['{"d": "\\\\"}', 5, 40],
    ]);
    const arr = '[\n {"x": 1},\n {"y": "]"}\n]';
    expect(split(arr, chunk).recs.map((r) => [r[0], r[1]])).toEqual([
      ['{"x": 1}', 2],
      ['{"y": "]"}', 3],
    ]);
  });
  it('drops a record cut by a line break inside a string and resynchronises', () => {
    const { recs, problems } = split('{"a": "cut\n{"b": 1}\ngarbage\n{"c": 2', 4);
    expect(recs.map((r) => r[0])).toEqual(['{"b": 1}']);
    expect(problems.map((p) => p[0])).toEqual([1, 3, 4]);
  });
});

describe('Windows JSON layouts', () => {
  it('turns evtx_dump, OTRF, ECS and Velociraptor renderings of one event into the same core fields', () => {
    const want = {
      EventID: SYSMON_1.eventId,
      Channel: SYSMON_1.channel,
      Provider_Name: SYSMON_1.provider,
      Computer: SYSMON_1.computer,
      EventRecordID: SYSMON_1.recordId,
      ...SYSMON_1.data,
    };
    for (const make of [evtxDumpJson, otrfJson, ecsJson, velociraptorJson]) {
      const ev = windowsEventFromJson(make(), prov);
      expect(ev, make.name).not.toBeNull();
      expect(ev!.source).toBe('windows');
      expect(ev!.fields, make.name).toMatchObject(want);
      expect(ev!.time, make.name).toBe(Date.parse(SYSMON_1.time));
      expect(ev!.host).toBe(SYSMON_1.computer);
    }
  });
  it('returns null for JSON that is no Windows event', () => {
    expect(windowsEventFromJson({ hello: 'world' }, prov)).toBeNull();
    expect(windowsEventFromJson([1, 2], prov)).toBeNull();
  });
  it('keeps an event data field named __proto__ as data in every layout', () => {
    const hostile: WinEventSpec = { ...SYSMON_1, data: JSON.parse('{"__proto__": "evil", "Image": "x"}') as Record<string, string> };
    for (const make of [evtxDumpJson, otrfJson, ecsJson, velociraptorJson]) {
      const obj = JSON.parse(JSON.stringify(make(hostile))) as unknown;
      const ev = windowsEventFromJson(obj, prov)!;
      expect(Object.getPrototypeOf(ev.fields), make.name).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(ev.fields, '__proto__')?.value, make.name).toBe('evil');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('unwraps an Elasticsearch hit', () => {
    expect(windowsEventFromJson({ _index: 'winlogbeat', _source: ecsJson() }, prov)?.fields.EventID).toBe(1);
  });
});

describe('JSON events parser', () => {
  it('reads JSON lines with line numbers, reports a bad line and goes on', async () => {
    const text = [JSON.stringify(otrfJson()), '{"EventID": 4624, "Channel": "Security", ', '', JSON.stringify(otrfJson({ ...SYSMON_1, eventId: 3 }))].join('\n') + '\n';
    const { events, issues } = await parse(text, 7);
    expect(events.map((e) => [e.fields.EventID, e.prov.locator.line])).toEqual([
      [1, 1],
      [3, 4],
    ]);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([['bad-record', 2]]);
  });

  it('reads the first line once (parsed to choose the reader), BOM or not, with the same event as the rest', async () => {
    const line = JSON.stringify(otrfJson());
    for (const bom of ['', '\ufeff']) {
      const { events, issues } = await parse(`${bom}${line}\n${line}\n`, 5);
      expect(issues).toEqual([]);
      expect(events.map((e) => e.prov.locator.line)).toEqual([1, 2]);
      expect(events[0]!.fields).toEqual(events[1]!.fields);
    }
    // What is not JSON on another line is not JSON on the first either (no wider trimming there).
    const { events, issues } = await parse(`${line}\n\u00a0${line}\n`, 5);
    expect(events).toHaveLength(1);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([['bad-record', 2]]);
    // A first line that is not one JSON object makes the file read by the object splitter: the stray character is
    // reported, both records are read.
    const first = await parse(`\u00a0${line}\n${line}\n`, 5);
    expect(first.events.map((e) => e.prov.locator.line)).toEqual([1, 2]);
    expect(first.issues.map((i) => [i.code, i.location?.line, i.message])).toEqual([['bad-record', 1, expect.stringMatching(/not JSON/)]]);
  });

  it('reads pretty-printed evtx_dump objects one after another and a JSON array', async () => {
    const pretty = JSON.stringify(evtxDumpJson(), null, 2) + '\n' + JSON.stringify(evtxDumpJson({ ...SYSMON_1, eventId: 11 }), null, 2) + '\n';
    const a = await parse(pretty, 64);
    expect(a.issues).toEqual([]);
    expect(a.events.map((e) => e.fields.EventID)).toEqual([1, 11]);
    expect(a.events[1]!.prov.locator.line).toBe(pretty.split('\n').findIndex((l, i) => i > 0 && l === '{') + 1);
    const arr = JSON.stringify([velociraptorJson(), ecsJson()]);
    const b = await parse(arr, 16);
    expect(b.events.map((e) => e.fields.Channel)).toEqual([SYSMON_1.channel, SYSMON_1.channel]);
  });

  it('counts records that are not Windows events in one issue', async () => {
    const { events, issues } = await parse('{"a":1}\n{"b":2}\n' + JSON.stringify(otrfJson()) + '\n');
    expect(events).toHaveLength(1);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/^2 JSON record/);
    expect(issues[0]!.location?.line).toBe(1);
  });

  it('reports a cut last line', async () => {
    const line = JSON.stringify(otrfJson());
    const { events, issues } = await parse(line + '\n' + line.slice(0, 40));
    expect(events).toHaveLength(1);
    expect(issues.map((i) => i.code)).toContain('truncated');
  });

  it('detects by content', () => {
    expect(detectJsonEvents(Buffer.from(JSON.stringify(otrfJson())), 'x.txt')).toBeGreaterThan(0);
    expect(detectJsonEvents(Buffer.from(JSON.stringify(evtxDumpJson(), null, 2)), 'x')).toBeGreaterThan(0);
    expect(detectJsonEvents(Buffer.from(JSON.stringify(ecsJson())), 'x')).toBeGreaterThan(0);
    expect(detectJsonEvents(Buffer.from('{"name": "package", "version": "1"}'), 'package.json')).toBe(0);
    expect(detectJsonEvents(Buffer.from('EventID,Channel\n'), 'x.json')).toBe(0);
  });
});
