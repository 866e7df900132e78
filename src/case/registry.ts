import { KahuError } from '../core/index.js';
import type { IssueSink } from '../core/index.js';
import type { Attribution, Case, CveVerdict, Detector } from '../model/index.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createSigmaDetector, loadRules } from '../engine/index.js';
import { artifactDetectors, assessExchange } from '../verdict/index.js';
import { attackAttributionStep } from '../attribution/index.js';
import { yaraDetectors } from '../yara/index.js';

/** What a detector factory is told about the scan. */
export interface DetectorOptions {
  /** Extra rule folders given with `--rules` (Sigma YAML, YARA files; each factory takes what it understands). */
  ruleDirs: readonly string[];
  /** False with `--no-builtin-rules`: load only `ruleDirs`, not Kahu's own `content/` packs. */
  builtinRules: boolean;
  /** `--strict`: factories may refuse to start when rules fail to load, instead of reporting issues. */
  strict: boolean;
}

/**
 * Builds the detectors of one detection module for a scan (the Sigma engine, YARA, artifact checks).
 * Rule problems go to `issues` (with file:line); only a run-fatal problem throws.
 */
export type DetectorFactory = (opts: DetectorOptions, issues: IssueSink) => Detector[] | Promise<Detector[]>;

/**
 * The detection modules `kahu scan` runs by default. Each module adds ONE line here, e.g.
 * `sigmaDetectors` from `../engine/index.js` or `yaraDetectors` from `../yara/index.js`.
 */
export const detectorFactories: DetectorFactory[] = [sigmaDetectors, yaraDetectors, () => artifactDetectors()];

/** Kahu's built-in Sigma packs (`content/rules`), found by walking up from this module (src/ or dist/src/). */
function builtinRulesDir(): string | null {
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'content', 'rules'))) return join(dir, 'content', 'rules');
    dir = dirname(dir);
  }
  return null;
}

/**
 * The Sigma engine over the built-in packs plus `--rules` folders (rule problems become issues with file:line).
 * Wiring only, added with the Exchange pack so `kahu scan` and the demo run it; the engine may replace it with its own
 * factory (keep a single Sigma entry in the list).
 */
async function sigmaDetectors(opts: DetectorOptions, issues: IssueSink): Promise<Detector[]> {
  const builtin = opts.builtinRules ? builtinRulesDir() : null;
  const dirs = [...(builtin ? [builtin] : []), ...opts.ruleDirs];
  if (dirs.length === 0) return [];
  return [createSigmaDetector(await loadRules(dirs, issues))];
}

/**
 * All default detectors for a scan, in registry order. A factory that throws costs only its own
 * detectors (an error issue says so), except for usage errors (a bad `--rules` folder), which stop the scan.
 */
export async function defaultDetectors(opts: DetectorOptions, issues: IssueSink): Promise<Detector[]> {
  const out: Detector[] = [];
  for (const make of detectorFactories) {
    try {
      out.push(...(await make(opts, issues)));
    } catch (err) {
      if (err instanceof KahuError && err.code === 'usage') throw err;
      issues.report({
        code: err instanceof KahuError ? err.code : 'internal',
        severity: 'error',
        message: `a detection module failed to start and did not run: ${err instanceof Error ? err.message : String(err)}`,
        ...(err instanceof KahuError && err.location ? { location: err.location } : {}),
      });
    }
  }
  return out;
}

/**
 * When a case step runs, relative to the others: `enrich` (names, tactics on `case.attack`),
 * then `verdict` (CVE verdicts), then `attribute` (which may read the verdicts), then `final`.
 */
export type StepPhase = 'enrich' | 'verdict' | 'attribute' | 'final';

/** Order of the phases. */
export const STEP_PHASES: readonly StepPhase[] = ['enrich', 'verdict', 'attribute', 'final'];

/**
 * A post-detection step over the assembled case. It may add or refine the optional sections
 * (`verdicts`, `attack`, `attribution`) and report issues; it must not remove findings or evidence.
 * A step that throws is reported as an `internal` issue and the scan still writes its case.
 */
export interface CaseStep {
  readonly name: string;
  readonly phase: StepPhase;
  run(c: Case, issues: IssueSink): void | Promise<void>;
}

/** Wraps a verdict function (`(case) => CveVerdict[]`) as a step that appends its verdicts to `case.verdicts`. */
export function verdictStep(
  name: string,
  fn: (c: Readonly<Case>, issues: IssueSink) => CveVerdict[] | Promise<CveVerdict[]>,
): CaseStep {
  return {
    name,
    phase: 'verdict',
    async run(c, issues) {
      const verdicts = await fn(c, issues);
      c.verdicts = [...(c.verdicts ?? []), ...verdicts];
    },
  };
}

/** Wraps an attribution function (`(case) => Attribution`) as a step that sets `case.attribution` (null: none). */
export function attributionStep(
  name: string,
  fn: (c: Readonly<Case>, issues: IssueSink) => Attribution | null | Promise<Attribution | null>,
): CaseStep {
  return {
    name,
    phase: 'attribute',
    async run(c, issues) {
      const a = await fn(c, issues);
      if (a) c.attribution = a;
    },
  };
}

/**
 * The post-detection steps `kahu scan` runs by default. Each module adds ONE line here, e.g.
 * `verdictStep('exchange', exchangeVerdicts)` or `attributionStep('attribution', attribute)`.
 * Registration order does not matter across phases; within a phase steps run in list order.
 */
export const caseSteps: CaseStep[] = [verdictStep('exchange', (c) => assessExchange(c)), attackAttributionStep()];

/** Sorts steps by phase, keeping list order within a phase. */
export function orderSteps(steps: readonly CaseStep[]): CaseStep[] {
  return STEP_PHASES.flatMap((phase) => steps.filter((s) => s.phase === phase));
}
