export * from './generate.js';
export { SCENARIOS, type ScenarioName } from './scenarios.js';
export type { PlantedItem, PlantedRef } from './sink.js';
export { evtxPath, jsonlPath, type EventLogForm } from './emit.js';
