export * from './rng.js';
export * from './exchange/index.js';
export * from './evtx/index.js';
