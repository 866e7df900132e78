import type { IssueSink } from '../core/index.js';
import { loadAttackKb, observeAttack, type AttackKb } from '../attack/index.js';
import type { Attribution, Case } from '../model/index.js';
import { attributeCase, type AttributeOptions } from './attribute.js';

/**
 * The scan pipeline's ATT&CK + attribution step, shaped as a case step (`src/case/registry.ts` CaseStep):
 * fills `case.attack` (observed techniques, software, CVEs with their findings) and `case.attribution`.
 * With no technique, software or CVE observed there is nothing to attribute, and `attribution` stays unset.
 */
export function attackAttributionStep(opts: AttributeOptions & { kb?: AttackKb } = {}): {
  readonly name: string;
  readonly phase: 'attribute';
  run(c: Case, issues: IssueSink): void;
} {
  return {
    name: 'attack-attribution',
    phase: 'attribute',
    run(c, issues) {
      const kb = opts.kb ?? loadAttackKb();
      const observed = observeAttack(c.findings, kb);
      c.attack = observed;
      for (const u of observed.unknown) {
        issues.report({
          code: 'rule-invalid',
          severity: 'warning',
          message: `ATT&CK id ${u.id} (in findings ${u.findings.slice(0, 3).join(', ')}${u.findings.length > 3 ? ', ...' : ''}) is not in the ATT&CK extract; ignored for attribution`,
        });
      }
      if (observed.techniques.length + observed.software.length + observed.cves.length === 0) return;
      const { ignored: _ignored, timezone: _tz, ...attribution } = attributeCase(observed, { ...opts, kb });
      c.attribution = attribution satisfies Attribution;
    },
  };
}
