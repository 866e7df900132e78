export * from './extract.js';
export * from './actors-extract.js';
export * from './update.js';
export * from './kb.schema.js';
export * from './kb.js';
export * from './observe.js';
