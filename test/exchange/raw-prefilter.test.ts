// The byte-level prefilter (src/engine/raw-prefilter.ts) may only skip records that no rule can match. Proven here
// the way the field-level prefilter is: the same findings with it and without it (the plain copies of the events
// carry no raw bytes, so the rule index sees every one), over generated Exchange servers and, when the corpus is
// present, with SigmaHQ's web server rules added (many more literal shapes).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../../src/core/index.js';
import type { RawPrefilter } from '../../src/engine/index.js';
import { createSigmaDetector, loadRules } from '../../src/engine/index.js';
import { collectEvidence } from '../../src/evidence/index.js';
import { generateExchangeEvidence } from '../../src/generate/index.js';
import type { KahuEvent } from '../../src/model/index.js';
import { corpus, describeCorpus } from '../helpers/corpus.js';
import { PACK_DIRS } from './pack.js';

const base = mkdtempSync(join(tmpdir(), 'kahu-rawpf-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function events(dir: string): Promise<KahuEvent[]> {
  const out: KahuEvent[] = [];
  const iss = new IssueCollector();
  for await (const e of collectEvidence([dir], iss)) {
    if (!e.parser) continue;
    for await (const batch of e.parser.parse(e, iss)) out.push(...batch);
  }
  return out;
}

const plain = (e: KahuEvent): KahuEvent => ({ time: e.time, host: e.host, source: e.source, fields: e.fields, prov: e.prov });

async function findingIds(ruleDirs: string[], evs: KahuEvent[]): Promise<{ ids: string[]; skipped: number; passed: number }> {
  const iss = new IssueCollector();
  const d = createSigmaDetector(await loadRules(ruleDirs, iss));
  const ids = [...d.onEvents(evs, iss), ...d.finish(iss)].map((f) => `${f.rule.id} ${f.id}`).sort();
  return { ids, skipped: d.raw.skipped, passed: d.raw.passed };
}

describe('raw-bytes prefilter: same findings as evaluating every record', () => {
  for (const [scenario, seed] of [
    ['proxylogon', 21],
    ['proxyshell', 22],
    ['proxynotshell', 23],
  ] as const) {
    it(`${scenario} with the Exchange pack`, async () => {
      const out = join(base, scenario);
      generateExchangeEvidence({ out, scenario, seed, requests: 1500, users: 40, days: 2 });
      const lazy = await events(out);
      expect(lazy.some((e) => e.raw)).toBe(true);
      const withRaw = await findingIds(PACK_DIRS, lazy);
      const without = await findingIds(PACK_DIRS, (await events(out)).map(plain));
      expect(withRaw.ids.length).toBeGreaterThan(3);
      expect(withRaw.ids).toEqual(without.ids);
      // The prefilter did its job: most records were never decoded.
      expect(withRaw.skipped).toBeGreaterThan(withRaw.passed);
      expect(without.skipped + without.passed).toBe(0);
    });
  }
});

describeCorpus('raw-bytes prefilter with SigmaHQ web server rules', () => {
  it('proxylogon with SigmaHQ web server rules added: same findings', async () => {
    const out = join(base, 'proxylogon-web');
    generateExchangeEvidence({ out, scenario: 'proxylogon', seed: 31, requests: 1500, users: 40, days: 2 });
    const dirs = [...PACK_DIRS, corpus('sigma', 'rules', 'web')];
    const withRaw = await findingIds(dirs, await events(out));
    const without = await findingIds(dirs, (await events(out)).map(plain));
    expect(withRaw.ids).toEqual(without.ids);
  });
});

describe('raw-bytes prefilter: the byte test', () => {
  const src = (lit: string): string => `title: t\nid: 5b0a1e6e-0000-4000-8000-00000000000${lit.length % 10}\nlogsource: {category: webserver}\ndetection:\n  sel:\n    cs-uri-query|contains: '${lit}'\n  condition: sel\n`;
  async function prefilterFor(yml: string): Promise<RawPrefilter> {
    const dir = mkdtempSync(join(base, 'rule-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'r.yml'), yml);
    const iss = new IssueCollector();
    return createSigmaDetector(await loadRules([dir], iss)).raw;
  }
  const rec = (text: string, extra = ''): KahuEvent => {
    const buf = Buffer.from(`#junk\n${text}\n`, 'latin1');
    const raw = { buf, start: 6, end: 6 + Buffer.byteLength(text, 'latin1'), ascii: /^[\x00-\x7f]*$/.test(text), extra };
    return { ...plain({ time: 0, host: null, source: 'webserver.iis', fields: {}, prov: { evidenceId: 'x', path: 'x', locator: { line: 2 } } }), raw };
  };

  it('finds a literal in any case, and only in its own record', async () => {
    const pf = await prefilterFor(src('Cmd=Exec'));
    expect(pf.mayMatch(rec('GET /x CMD%3dexec cmd=EXEC 200'))).toBe(true);
    expect(pf.mayMatch(rec('GET /x cmd=exe 200'))).toBe(false);
  });

  it('cuts literals where the record and the value differ (spaces as +, quotes, ?)', async () => {
    const pf = await prefilterFor(src('a b?c'));
    // The longest piece is what is searched: "a b?c" -> pieces a, b, c are all too short, so nothing is skipped.
    expect(pf.mayMatch(rec('nothing here'))).toBe(true);
    const pf2 = await prefilterFor(src('python requests'));
    expect(pf2.mayMatch(rec('GET / - python+requests/2.25'))).toBe(true);
    expect(pf2.mayMatch(rec('GET / - curl/7'))).toBe(false);
  });

  it('finds overlapping literals (failure links) and literals in derived values (extra)', async () => {
    const pf = await prefilterFor(src('abcabd'));
    expect(pf.mayMatch(rec('xxabcabcabdyy'))).toBe(true);
    expect(pf.mayMatch(rec('xxabcabcabyy'))).toBe(false);
    expect(pf.mayMatch(rec('nothing', 'proto\nabcabd'))).toBe(true);
  });

  it('select() over a batch (records scanned in pairs) agrees with mayMatch one by one', async () => {
    const pf = await prefilterFor(src('Cmd=Exec'));
    const texts = ['a cmd=exec', 'nothing', 'CMD=EXECUTE', 'cm d=exec', 'x', 'y cmd=exe', 'zz cmd=exec zz', 'é cmd=exec'];
    const batch = [...texts, ...texts.reverse()].map((t) => rec(t));
    const one = batch.map((e) => (pf.mayMatch(e) ? 1 : 0));
    expect([...pf.select(batch)]).toEqual(one);
    expect(one.filter((x) => x === 1).length).toBeGreaterThan(3);
  });

  it('passes every non-ASCII record on (lower-casing can turn non-ASCII into ASCII)', async () => {
    const pf = await prefilterFor(src('kelvin'));
    expect(pf.mayMatch(rec('\u212Aelvin'))).toBe(true);
  });
});

describe('lazy text-log records', () => {
  it('field(name) reads the same value as the built fields, for every field of every record (IIS and Exchange)', async () => {
    const out = join(base, 'lazy');
    generateExchangeEvidence({ out, scenario: 'proxylogon', seed: 41, requests: 600, users: 20, days: 1 });
    const a = await events(out);
    const b = await events(out);
    expect(a.length).toBe(b.length);
    const sources = new Set<string>();
    let checked = 0;
    for (let i = 0; i < a.length; i++) {
      const lazy = a[i]!;
      if (!lazy.field || !lazy.raw) continue;
      sources.add(lazy.source);
      // `b[i]` is built whole; `lazy` answers one field at a time and is never built here.
      for (const [name, v] of Object.entries(b[i]!.fields)) {
        expect(lazy.field(name), `${lazy.prov.path}:${lazy.prov.locator.line} ${name}`).toEqual(v);
        checked++;
      }
      expect(lazy.raw).not.toBeNull();
      expect(lazy.field('NoSuchField')).toBeUndefined();
    }
    expect([...sources].sort()).toEqual(expect.arrayContaining(['exchange.httpproxy', 'webserver.iis']));
    expect(checked).toBeGreaterThan(10_000);
  });

  it('building the fields releases the read buffer, and JSON shows the plain event', async () => {
    const out = join(base, 'lazy2');
    generateExchangeEvidence({ out, scenario: 'benign', seed: 42, requests: 200, users: 10, days: 1 });
    const ev = (await events(out)).find((e) => e.source === 'webserver.iis')!;
    expect(ev.raw).not.toBeNull();
    const f = ev.fields;
    expect(ev.raw).toBeNull();
    expect(JSON.parse(JSON.stringify(ev))).toEqual({ time: ev.time, host: ev.host, source: ev.source, fields: f, prov: ev.prov });
  });
});
