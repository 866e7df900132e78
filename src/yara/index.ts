export * from './rules.js';
export * from './scan.js';
export * from './detector.js';
