// Robustness: 10,000 seeded mutations of small clean files (flipped bytes, zeroed and random regions,
// lying sizes and offsets, truncation). Every parse must end without an exception escaping, every record
// must render, and the work per file is bounded (record count and output size are capped by the chunk).
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../../src/core/index.js';
import { readEvtx, renderJson, renderXml, stringifyRecord } from '../../src/evidence/evtx/index.js';
import { ChunkWriter, cleanFile, evtxFile, systemValues, SYSTEM_TEMPLATE, val, type TemplateSpec } from '../factories/evtx.js';
import { chunkAt, prng } from '../factories/evtx-mutate.js';
import { corpus, HAVE_CORPUS } from '../helpers/corpus.js';

const N = 10_000;

function bases(): Buffer[] {
  const nestedInner: TemplateSpec = { id: 0x99, root: { el: 'Inner', attrs: { k: { sub: 0, type: 1 } }, children: [{ el: 'Leaf', children: [{ sub: 1, type: 8 }] }] } };
  const outer: TemplateSpec = {
    id: 0x98,
    root: {
      el: 'Event',
      children: [
        { el: 'UserData', children: [{ sub: 0, type: 0x21 }] },
        { el: 'EventData', children: [{ el: 'Data', children: [{ sub: 1, type: 0x81 }] }, { el: 'Data', children: [{ sub: 2, type: 0x13 }] }] },
      ],
    },
  };
  const w = new ChunkWriter();
  for (let i = 1; i <= 6; i++) {
    w.addRecord(i, outer, [val.binxml(nestedInner, [val.str(`k${i}`), val.u32(i)]), val.strArray(['a', 'b']), val.sid('S-1-5-32-544')]);
    w.addRecord(100 + i, SYSTEM_TEMPLATE, systemValues(100 + i));
  }
  const out = [cleanFile(1, 12), evtxFile([w.finish()])];
  // Real layouts too when the corpora are here (read-only; only the header and first chunk are used):
  // a Sysmon sample and one of the files written without dependency ids.
  if (HAVE_CORPUS) {
    for (const p of [
      corpus('evtx', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'DE_RDP_Tunneling_4624.evtx'),
      corpus('evtx', 'hayabusa-sample-evtx', 'EVTX-to-MITRE-Attack', 'TA0008-Lateral Movement', 'T1021.006-Windows Remote Management', 'ID4656-WS Management listener enumeration.evtx'),
    ]) {
      if (existsSync(p)) out.push(readFileSync(p).subarray(0, 4096 + 65536));
    }
  }
  return out;
}

/** One seeded mutation; most land in the used part of the first chunk, where the structure is. */
function mutate(base: Buffer, seed: number): Buffer {
  const rnd = prng(seed);
  let f = Buffer.from(base);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const used = base.readUInt32LE(chunkAt(0) + 48);
  const hot = (): number => Math.min(chunkAt(0) + 512 + pick(Math.max(used - 512, 1)), Math.max(f.length - 1, 0));
  const kinds = 1 + pick(3);
  for (let k = 0; k < kinds; k++) {
    switch (pick(8)) {
      case 0: // flip bytes
        for (let i = 0, n = 1 + pick(16); i < n; i++) {
          const at = hot();
          f[at] = (f[at] ?? 0) ^ (1 + pick(255));
        }
        break;
      case 1: // zero a region
        {
          const at = hot();
          if (at < f.length) f.fill(0, at, Math.min(f.length, at + pick(512)));
        }
        break;
      case 2: {
        // random region
        const at = hot();
        for (let i = 0, n = pick(256); i < n && at + i < f.length; i++) f[at + i] = pick(256);
        break;
      }
      case 3: {
        // a lying u32 (sizes, offsets, counts) at a random aligned spot
        const at = hot() & ~3;
        if (at + 4 > f.length) break;
        const lies = [0, 1, 0xffffffff, 0x7fffffff, 65536, pick(65536), f.readUInt32LE(at) + 1 + pick(64)];
        f.writeUInt32LE(lies[pick(lies.length)]! >>> 0, at);
        break;
      }
      case 4: // truncate
        f = f.subarray(0, pick(f.length));
        break;
      case 5: // chunk header fields
        if (f.length >= chunkAt(0) + 512) f.writeUInt32LE(pick(0x20000), chunkAt(0) + [44, 48, 52, 124][pick(4)]!);
        break;
      case 6: // file header fields
        if (f.length >= 128) f.writeUInt16LE(pick(65536), [40, 42, 36, 38][pick(4)] ?? 40);
        break;
      default: // point a token byte at another token
        f[hot()] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x21, 0xff][pick(14)]!;
    }
  }
  return f;
}

describe('EVTX robustness', () => {
  it(`survives ${N} mutated files with bounded work`, async () => {
    const b = bases();
    let records = 0;
    let issues = 0;
    let failures = 0;
    for (let i = 0; i < N; i++) {
      const file = mutate(b[i % b.length]!, i + 1);
      const sink = new IssueCollector();
      const src = { path: `m${i}.evtx`, open: () => Readable.from([file]) };
      let n = 0;
      try {
        for await (const batch of readEvtx(src, sink)) {
          for (const r of batch) {
            n++;
            const json = stringifyRecord(renderJson(r.nodes));
            // Output is bounded by what a chunk can hold (templates expand, but only once per use).
            expect(json.length).toBeLessThan(4 << 20);
            if (i % 10 === 0) renderXml(r.nodes);
          }
        }
      } catch (err) {
        failures++;
        throw new Error(`seed ${i + 1}: ${(err as Error).stack}`);
      }
      expect(n).toBeLessThanOrEqual(Math.ceil(file.length / 28));
      records += n;
      issues += sink.all().length;
    }
    expect(failures).toBe(0);
    // The mutations must actually hurt: many files lose records and report it.
    expect(issues).toBeGreaterThan(N / 2);
    expect(records).toBeGreaterThan(0);
  });
});
