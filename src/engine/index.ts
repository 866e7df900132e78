// Sigma execution in process: IR -> compiled matchers -> findings; correlations; the `kahu scan` detector.
export { compileExpr, compilePattern, compileCidr, requiredValues, EvalCtx, text, type Matcher } from './compile.js';
export { RuleIndex, type CompiledTarget } from './rule-index.js';
export { RawPrefilter } from './raw-prefilter.js';
export { Correlator, CorrelationState, type CorrEvent, type CorrHit } from './correlate.js';
export {
  createSigmaDetector,
  detectionFinding,
  correlationFinding,
  splitTags,
  type SigmaDetector,
  type SigmaDetectorOptions,
} from './detector.js';
export { runRegression, readJsonEvents, readEvtxEvents, type RegressionResult, type SampleResult } from './regression.js';
export { loadRules, type RuleSet } from '../sigma/index.js';
