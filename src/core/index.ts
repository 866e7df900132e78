export * from './errors.js';
export * from './issues.js';
