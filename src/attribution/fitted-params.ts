// Written by `npm run eval:attribution` (scripts/eval-attribution.ts): the model selected and fitted on the FIT
// folds of the leave-one-report-out evaluation only. Do not edit by hand.
import type { LinearModel } from './linear.js';
import type { SponsorModel } from './sponsor-model.js';

/** The fitted model used by `kahu attribute` and the scan pipeline. */
export const FITTED_MODEL: LinearModel = {
  mu: 8,
  muS: 0.05,
  muSharp: 1,
  w: [
    0.007242648162721747, // nbPresent
    0.13463258515224336, // absence
    -0.1222390241175118, // presentComplement
    0.146634855412431, // software
    2.7496366427301204, // cosine
    -3.4964798732475355, // coverage
    0.99617330767744, // logReports
    0.028830600653446132, // nbPresentSharp
    -0.929130380416849, // logProfileSize
    2.7957728932962462, // softwareCoverage
    2.3706219014049985, // knnBest
    5.534565793040938, // knnJaccard
    -2.0301109114058025, // knnSum
    7.4705671320907525, // saturated
  ],
  ua: 0.4926601663081814,
  ub: -0.4878702997730611,
};

/** The fitted sponsor model (roll-up of the group posterior to sponsor states). */
export const FITTED_SPONSOR: SponsorModel = {
  mu: 1,
  muS: 0.05,
  bias: ['CN', 'IR', 'KP', 'RU'],
  w: [
    1.058505331034333, // logSum
    -0.06293004197830163, // logMax
    0.08223312104603782, // pooledNb
    -3.696967287495715, // pooledCoverage
    0.1423366246051467, // pooledSoftware
    -1.2703003928674517, // logGroups
    1.4977886408698962, // logReports
    -0.02823248175348589, // bias CN
    0.7790442700721775, // bias IR
    -0.5051206861806037, // bias KP
    -0.24327215880273667, // bias RU
  ],
};

/** The fitted prior probability that the actor is none of the ATT&CK groups. */
export const FITTED_UNKNOWN_PRIOR = 0.07203389830508475;
