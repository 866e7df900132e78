import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../core/index.js';
import { ChunkWriter, evtxFile, SYSTEM_TEMPLATE, systemValues, val, type TemplateSpec, type TValue } from '../../../test/factories/evtx.js';
import { readEvtx } from './reader.js';
import { renderJson, stringifyRecord } from './render-json.js';
import { renderXml } from './render-xml.js';
import type { EvtxRecord } from './chunk.js';

async function records(file: Buffer, issues = new IssueCollector()): Promise<EvtxRecord[]> {
  const out: EvtxRecord[] = [];
  const src = { path: 'mem.evtx', open: () => Readable.from([file]) };
  for await (const b of readEvtx(src, issues)) out.push(...b);
  return out;
}

/** One record of template `t` with `values`, rendered. */
async function one(t: TemplateSpec, values: TValue[]): Promise<Record<string, unknown>> {
  const w = new ChunkWriter();
  w.addRecord(1, t, values);
  const recs = await records(evtxFile([w.finish()]));
  expect(recs).toHaveLength(1);
  return JSON.parse(stringifyRecord(renderJson(recs[0]!.nodes))) as Record<string, unknown>;
}

const data = (children: TemplateSpec['root'][]): TemplateSpec => ({ id: 0x77, root: { el: 'Event', children: [{ el: 'EventData', children }] } });
const named = (name: string, sub: number, type: number, optional = false): TemplateSpec['root'] => ({
  el: 'Data',
  attrs: { Name: name },
  children: [{ sub, type, optional }],
});

describe('evtx_dump JSON layout', () => {
  it('renders System the way the regression files show it', async () => {
    const j = await one(SYSTEM_TEMPLATE, systemValues(7, 'cmd.exe /c whoami   '));
    expect(j).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
          EventID: 1,
          Level: 4,
          Keywords: '0x8000000000000000',
          TimeCreated: { '#attributes': { SystemTime: '2024-01-02T03:04:05.123456Z' } },
          EventRecordID: 7,
          Correlation: null,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'host1',
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        // Trailing whitespace is trimmed from text, as evtx_dump does.
        EventData: { CommandLine: 'cmd.exe /c whoami', ProcessId: 4242 },
      },
    });
  });

  it('puts Qualifiers under #attributes and the id under #text when present', async () => {
    const v = systemValues(1);
    v[2] = val.u16(16384);
    v[3] = val.u16(4625);
    const j = (await one(SYSTEM_TEMPLATE, v)) as { Event: { System: { EventID: unknown } } };
    expect(j.Event.System.EventID).toEqual({ '#attributes': { Qualifiers: 16384 }, '#text': 4625 });
  });

  it('types integers and booleans, writes every other value type as text', async () => {
    const types: Array<[string, TValue, unknown]> = [
      ['i8', val.i8(-5), -5],
      ['u8', val.u8(200), 200],
      ['i16', val.i16(-300), -300],
      ['u16', val.u16(65000), 65000],
      ['i32', val.i32(-70000), -70000],
      ['u32', val.u32(4000000000), 4000000000],
      ['i64', val.i64(-5n), -5],
      ['u64big', val.u64(18446744073709551615n), '18446744073709551615'],
      ['f32', val.f32(0.1), '0.1'],
      ['f64', val.f64(2.5), '2.5'],
      ['bool', val.bool(true), true],
      ['bin', val.bin(Buffer.from([0x0a, 0xbc, 0xff])), '0ABCFF'],
      ['guid', val.guid('{0197231e-c424-69e1-c922-000000000800}'), '0197231E-C424-69E1-C922-000000000800'],
      ['sizet', val.sizet(0x1234n), '0x1234'],
      ['filetime', val.filetime('2026-04-17T05:24:53.092Z', 519), '2026-04-17T05:24:53.092051Z'],
      ['systime', val.systime(2021, 3, 14, 1, 40, 19, 7), '2021-03-14T01:40:19.007000Z'],
      ['sid', val.sid('S-1-5-21-1004336348-1177238915-682003330-512'), 'S-1-5-21-1004336348-1177238915-682003330-512'],
      ['hex32', val.hex32(0x529ae3), '0x529ae3'],
      ['hex64', val.hex64(0x8020000000000000n), '0x8020000000000000'],
      ['ansi', val.ansi('caf\u00e9'), 'caf\u00e9'],
      ['strArray', val.strArray(['a', 'b', 'c']), 'a,b,c'],
      ['u32Array', val.u32Array([1, 2, 3]), '1,2,3'],
      ['empty', val.str(''), ''],
      ['null', val.null(), ''],
    ];
    const t = data(types.map(([n, v], i) => named(n, i, v.type)));
    const j = (await one(t, types.map(([, v]) => v))) as { Event: { EventData: Record<string, unknown> } };
    const want = Object.fromEntries(types.map(([n, , w]) => [n, w]));
    // u64 beyond 2^53 is written as an exact JSON number; JSON.parse rounds it, so compare the text too.
    expect({ ...j.Event.EventData, u64big: String(j.Event.EventData.u64big) }).toEqual({ ...want, u64big: '18446744073709552000' });
    const w = new ChunkWriter();
    w.addRecord(1, t, types.map(([, v]) => v));
    const recs = await records(evtxFile([w.finish()]));
    expect(stringifyRecord(renderJson(recs[0]!.nodes))).toContain('"u64big":18446744073709551615');
  });

  it('collects unnamed Data values under Data.#text, as an array when several', async () => {
    const t = data([{ el: 'Data', children: [{ sub: 0, type: 1 }] }, { el: 'Data', children: [{ sub: 1, type: 1 }] }]);
    expect(await one(t, [val.str('first'), val.str('second')])).toEqual({ Event: { EventData: { Data: { '#text': ['first', 'second'] } } } });
    const t1 = data([{ el: 'Data', children: [{ sub: 0, type: 1 }] }]);
    expect(await one(t1, [val.str('only')])).toEqual({ Event: { EventData: { Data: { '#text': 'only' } } } });
  });

  it('suffixes repeated element names _1, _2 in document order', async () => {
    const t: TemplateSpec = {
      id: 0x78,
      root: { el: 'Event', children: [{ el: 'UserData', children: [{ el: 'Info', children: [1, 2, 3].map((i) => ({ el: 'Header', children: [{ sub: i - 1, type: 1 }] })) }] }] },
    };
    expect(await one(t, [val.str('a'), val.str('b'), val.str('c')])).toEqual({ Event: { UserData: { Info: { Header: 'a', Header_1: 'b', Header_2: 'c' } } } });
  });

  it('drops optional empty substitutions and renders an empty named Data as ""', async () => {
    const t = data([named('Opt', 0, 1, true), named('Empty', 1, 1), named('Num', 2, 8, true)]);
    expect(await one(t, [val.null(), val.str(''), val.u32(0)])).toEqual({ Event: { EventData: { Opt: '', Empty: '', Num: 0 } } });
  });

  it('expands nested BinXML values in place', async () => {
    const inner: TemplateSpec = { id: 0x99, root: { el: 'Inner', attrs: { kind: { sub: 0, type: 1 } }, children: [{ el: 'Leaf', children: [{ sub: 1, type: 8 }] }] } };
    const outer: TemplateSpec = { id: 0x98, root: { el: 'Event', children: [{ el: 'UserData', children: [{ sub: 0, type: 0x21 }] }] } };
    const j = await one(outer, [val.binxml(inner, [val.str('x'), val.u32(5)])]);
    expect(j).toEqual({ Event: { UserData: { Inner: { '#attributes': { kind: 'x' }, Leaf: 5 } } } });
  });

  it('keeps hostile element names as plain keys', async () => {
    const t = data([named('__proto__', 0, 1), named('constructor', 1, 1)]);
    const j = (await one(t, [val.str('p'), val.str('c')])) as { Event: { EventData: Record<string, unknown> } };
    expect(Object.keys(j.Event.EventData)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders XML with escaping and typed values as text', async () => {
    const w = new ChunkWriter();
    w.addRecord(3, SYSTEM_TEMPLATE, systemValues(3, 'a <b> & "c"'));
    const recs = await records(evtxFile([w.finish()]));
    const xml = renderXml(recs[0]!.nodes);
    expect(xml).toContain('<Data Name="CommandLine">a &lt;b&gt; &amp; &quot;c&quot;</Data>');
    expect(xml).toContain('<TimeCreated SystemTime="2024-01-02T03:04:05.123456Z"/>');
    expect(xml).toContain('<Correlation/>');
    expect(xml.startsWith('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">')).toBe(true);
  });
});
