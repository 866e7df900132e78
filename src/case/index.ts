// case/: the application layer and Kahu's library API. It wires intake → parsers → detectors →
// case → steps (verdicts, attribution) → case folder. CLI and server are thin adapters over it.
export { runScan, defaultIntake, DEFAULT_LIMITS } from './scan.js';
export type { ScanOptions, ScanProgress, ScanLimits, Intake } from './scan.js';
export {
  attributionStep,
  caseSteps,
  defaultDetectors,
  detectorFactories,
  orderSteps,
  STEP_PHASES,
  verdictStep,
} from './registry.js';
export type { CaseStep, DetectorFactory, DetectorOptions, StepPhase } from './registry.js';
export { assertOutsideEvidence, writeCaseFiles } from './write.js';
export { TOOL_VERSION } from './version.js';
export { CASE_FILES } from '../report/index.js';
