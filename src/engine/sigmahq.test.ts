// Pins the SigmaHQ figures: rules loaded from the corpus and the regression suite (JSON and EVTX samples).
import { expect, it } from 'vitest';
import { corpus, describeCorpus } from '../../test/helpers/corpus.js';
import { IssueCollector } from '../core/index.js';
import { loadRules } from '../sigma/index.js';
import { runRegression } from './regression.js';

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
