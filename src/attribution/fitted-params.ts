// Written by `npm run eval:attribution` (scripts/eval-attribution.ts): parameters selected and the temperature
// fitted on the FIT folds of the leave-one-report-out evaluation only. Do not edit by hand.
import type { ModelParams } from './model.js';

/** The fitted model parameters used by `kahu attribute` and the scan pipeline. */
export const FITTED_PARAMS: ModelParams = { mu: 8, lambda: 2, wS: 1, muS: 0.05, beta: 1.5, kappa: 0, tau: 4.193649573086063, ua: 0.32698897868969196, ub: 0.8374588472438715 };
