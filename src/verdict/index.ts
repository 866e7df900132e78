export * from './builds.js';
export * from './exposure.js';
