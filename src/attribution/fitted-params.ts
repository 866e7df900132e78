// Written by `npm run eval:attribution` (scripts/eval-attribution.ts): the model selected and fitted on the FIT
// folds of the leave-one-report-out evaluation only. Do not edit by hand.
import type { LinearModel } from './linear.js';

/** The fitted model used by `kahu attribute` and the scan pipeline. */
export const FITTED_MODEL: LinearModel = {
  mu: 8,
  muS: 0.05,
  muSharp: 1,
  w: [
    0.13661524425418242, // nbPresent
    0.18290144177358758, // absence
    -0.2770296660566742, // presentComplement
    0.17047468026146095, // software
    5.984530753087388, // cosine
    2.5781691016157096, // coverage
    1.7038125724342135, // logReports
    0.014502832089226996, // nbPresentSharp
    -1.1473839332647942, // logProfileSize
    2.3808894612031866, // softwareCoverage
  ],
  ua: 0.5118288693975956,
  ub: -0.3090427554473634,
};
