// Sigma rule loading, values, modifiers, condition parser, IR and logsource mapping. No evaluation here (engine/).
export * from './ir.js';
export { parseSigmaString, renderParts, isPlain, plainText } from './values.js';
export { buildItem, checkRegex, MODIFIERS, type Modifier, type Placeholders } from './modifiers.js';
export { parseCondition } from './condition.js';
export { loadRules, loadRuleTexts, exprFields, parseTimespan, type RuleSet, type FilterIR, type SkippedRule, type LoadOptions } from './load.js';
export {
  loadMappings,
  parseMappingFile,
  mapRule,
  mapRules,
  matchingEntries,
  renameFields,
  contentDir,
  type Mappings,
  type MappingEntry,
} from './mapping.js';
