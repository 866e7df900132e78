export * from './builds.js';
export * from './exposure.js';
export * from './artifacts.js';
export * from './assess.js';
