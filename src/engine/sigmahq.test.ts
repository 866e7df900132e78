// Pins the SigmaHQ figures: rules loaded from the corpus and the regression suite (JSON and EVTX samples).
import { expect, it } from 'vitest';
import { corpus, describeCorpus } from '../../test/helpers/corpus.js';
import { IssueCollector } from '../core/index.js';
import { loadRules } from '../sigma/index.js';
import { memorySource } from '../../test/factories/source.js';
import { parsers } from '../evidence/index.js';
import type { KahuEvent } from '../model/index.js';
import { runRegression } from './regression.js';

/** Generated evtx_dump JSON text through Kahu's JSON events parser. */
async function jsonEvents(text: string): Promise<KahuEvent[]> {
  const out: KahuEvent[] = [];
  const parser = parsers.find((p) => p.format === 'json-events')!;
  for await (const b of parser.parse(memorySource(text, { path: 'gen.json', id: 'gen' }), new IssueCollector())) for (const ev of b) out.push(ev);
  return out;
}

describeCorpus('SigmaHQ corpus', () => {
  it('loads at least 99.5% of the rules, every skip with a location and reason', { timeout: 120_000 }, async () => {
    const set = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
    expect(set.files).toBe(3754);
    expect(set.detections.length).toBe(3752);
    expect(set.detections.length / set.files).toBeGreaterThanOrEqual(0.995);
    for (const s of set.skipped) {
      expect(s.line).toBeGreaterThan(0);
      expect(s.reason).not.toBe('');
    }
    // The two skipped rules use an |expand placeholder with no value: the spec says such rules must be rejected.
    expect(set.skipped.map((s) => s.reason)).toEqual([expect.stringContaining('%known_cdcs%'), expect.stringContaining('%known_cdcs%')]);
  });

  it('passes all 143 regression cases on JSON and EVTX samples', { timeout: 300_000 }, async () => {
    const set = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
    const results = await runRegression(corpus('sigma', 'regression_data'), set);
    expect(results).toHaveLength(143);
    expect(results.filter((r) => !r.passed).map((r) => `${r.info}: ${r.reason}`)).toEqual([]);
    expect(results.every((r) => r.json !== null && r.evtx !== null)).toBe(true);
    // Where info.yml records a count, JSON and EVTX agree with each other on every case.
    expect(results.filter((r) => r.json!.count !== r.evtx!.count)).toEqual([]);
  });
});

describeCorpus('literal prefilter', () => {
  it('finds exactly what evaluating every candidate finds (all SigmaHQ rules over every regression sample)', { timeout: 300_000 }, async () => {
    const { RuleIndex } = await import('./rule-index.js');
    const { loadMappings, mapRules } = await import('../sigma/index.js');
    const { readJsonEvents } = await import('./regression.js');
    const { readdir } = await import('node:fs/promises');
    const set = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
    const index = new RuleIndex(mapRules(set.detections, loadMappings()));
    const files = (await readdir(corpus('sigma', 'regression_data'), { recursive: true })).filter((f) => f.endsWith('.json'));
    let events = 0;
    let hits = 0;
    let evaluated = 0;
    let candidates = 0;
    for (const f of files) {
      for (const ev of await readJsonEvents(corpus('sigma', 'regression_data', f), new IssueCollector())) {
        const a: string[] = [];
        const b: string[] = [];
        evaluated += index.match(ev, (t) => a.push(t.rule.id));
        candidates += index.match(ev, (t) => b.push(t.rule.id), false);
        expect(a).toEqual(b);
        events++;
        hits += a.length;
      }
    }
    // Plus real EVTX logs (EVTX-ATTACK-SAMPLES, hayabusa samples), up to ~6 MB of them, through Kahu's EVTX parser.
    const { readEvtxEvents } = await import('./regression.js');
    const { stat } = await import('node:fs/promises');
    const evtxFiles = (await readdir(corpus('evtx'), { recursive: true })).filter((f) => f.endsWith('.evtx')).sort();
    let budget = 6_000_000;
    for (const f of evtxFiles) {
      const p = corpus('evtx', f);
      const size = (await stat(p)).size;
      if (size > budget) continue;
      budget -= size;
      for (const ev of await readEvtxEvents(p, new IssueCollector())) {
        const a: string[] = [];
        const b: string[] = [];
        evaluated += index.match(ev, (t) => a.push(t.rule.id));
        candidates += index.match(ev, (t) => b.push(t.rule.id), false);
        expect(a, `${f} record ${ev.prov.locator.record}`).toEqual(b);
        events++;
        hits += a.length;
      }
    }
    expect(events).toBeGreaterThan(2500);
    expect(hits).toBeGreaterThan(140);
    // The prefilter must actually cut work: well under a tenth of the candidates get evaluated.
    expect(evaluated * 10).toBeLessThan(candidates);
  });

  it('finds exactly what evaluating every candidate finds on generated Windows events, keyword literals planted in random case', { timeout: 300_000 }, async () => {
    const { RuleIndex } = await import('./rule-index.js');
    const { loadMappings, mapRules } = await import('../sigma/index.js');
    const { generate } = await import('../../bench/windows-events.mjs');
    const set = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
    const index = new RuleIndex(mapRules(set.detections, loadMappings()));
    // Keyword literals (the `*` pseudo-field of the prefilter) of the event's candidate rules, planted into one
    // string field of every 10th event.
    const keywordsOf = (ts: readonly { clauses: Array<Array<{ field: string; lit: string }>> }[]): string[] => [
      ...new Set(ts.flatMap((t) => t.clauses.flat()).filter((c) => c.field === '*').map((c) => c.lit)),
    ];
    expect(keywordsOf(index.targets).length).toBeGreaterThan(50);
    let x = 99;
    const rnd = (n: number): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
    const shout = (s: string): string =>
      [...s].map((c) => (c === 'k' && rnd(4) === 0 ? '\u212a' : c === 'i' && rnd(4) === 0 ? '\u0130' : rnd(2) === 0 ? c.toUpperCase() : c)).join('');
    let events = 0;
    let planted = 0;
    let hits = 0;
    let plantedHits = 0;
    for (const text of generate(6000, 6000)) {
      let n = 0;
      for (const ev of await jsonEvents(text)) {
        n++;
        const keywords = n % 10 === 0 ? keywordsOf(index.candidates(ev)) : [];
        if (keywords.length > 0) {
          const names = Object.keys(ev.fields).filter((k) => typeof ev.fields[k] === 'string' && k !== 'Channel');
          ev.fields[names[rnd(names.length)]!] = `x ${shout(keywords[rnd(keywords.length)]!)} y`;
          planted++;
        }
        const a: string[] = [];
        const b: string[] = [];
        index.match(ev, (t) => a.push(t.rule.id));
        index.match(ev, (t) => b.push(t.rule.id), false);
        expect(a, `record ${n}`).toEqual(b);
        events++;
        hits += a.length;
        if (keywords.length > 0) plantedHits += a.length;
      }
    }
    expect(events).toBe(6000);
    // Sysmon and 4688 process creations carry NotPetya's keyword `\perfc.dat`: every planted event matches a rule.
    expect(planted).toBeGreaterThan(200);
    expect(plantedHits).toBeGreaterThanOrEqual(planted);
    expect(hits).toBeGreaterThan(500);
  });

  it('drops only the Channel/EventID tests the index guarantees: full and trimmed matchers agree on every candidate', { timeout: 300_000 }, async () => {
    const { RuleIndex } = await import('./rule-index.js');
    const { compileExpr, EvalCtx } = await import('./compile.js');
    const { readJsonEvents } = await import('./regression.js');
    const { loadMappings, mapRules } = await import('../sigma/index.js');
    const { generate } = await import('../../bench/windows-events.mjs');
    const { readdir } = await import('node:fs/promises');
    const set = await loadRules([corpus('sigma', 'rules'), corpus('sigma', 'rules-emerging-threats'), corpus('sigma', 'rules-threat-hunting')], new IssueCollector());
    const mapped = mapRules(set.detections, loadMappings());
    const index = new RuleIndex(mapped);
    // The index numbers its variants in mapping order: the full matcher of variant k is full[k].
    const full = mapped.flatMap((m) => m.targets.map((t) => compileExpr(t.expr)));
    expect(full).toHaveLength(index.targets.length);
    const events = [];
    for (const f of (await readdir(corpus('sigma', 'regression_data'), { recursive: true })).filter((f) => f.endsWith('.json'))) {
      events.push(...(await readJsonEvents(corpus('sigma', 'regression_data', f), new IssueCollector())));
    }
    for (const text of generate(1500, 1500)) events.push(...(await jsonEvents(text)));
    let compared = 0;
    let held = 0;
    for (const ev of events) {
      for (const t of index.candidates(ev)) {
        const a = full[t.num]!(new EvalCtx(ev.fields));
        expect(t.match(new EvalCtx(ev.fields)), `${t.rule.title} (${t.mapping}) on ${ev.prov.path} ${ev.prov.locator.record}`).toBe(a);
        compared++;
        if (a) held++;
      }
    }
    expect(compared).toBeGreaterThan(500_000);
    expect(held).toBeGreaterThan(200);
  });
});
