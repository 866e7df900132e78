export * from './event.schema.js';
export * from './finding.schema.js';
export * from './evidence.schema.js';
export * from './issue.schema.js';
export * from './detector.js';
export * from './verdict.schema.js';
export * from './hypothesis.schema.js';
export * from './observed-attack.schema.js';
