export * from './rng.js';
export * from './exchange/index.js';
