/**
 * The Sigma conformance table: rule × events × expected matches, written from the specification text
 * (../shared/data/sigma-spec/specification, v2.1.0). Plain data, so every execution path (the in-process
 * engine today, the SQL backends later) runs the same table.
 *
 * Conventions: rules use `logsource: { product: conformance }`, which the runner maps to plain events with no
 * source conditions (see CONFORMANCE_MAPPING). `matches` lists the indexes of the events the rule with id
 * `main` must report (detections); `correlations` is the number of correlation findings; `refused` means the
 * rule must be skipped with a reason containing that text.
 */
import type { FieldValue } from '../../src/model/index.js';

/** One conformance case. */
export interface ConformanceCase {
  /** Stable id: `<area>.<feature>.<n>`. */
  id: string;
  /** Feature as listed in docs/sigma-support.md. */
  feature: string;
  /** Spec document and section the case is written from. */
  spec: string;
  /** What the case checks, in one line. */
  title: string;
  /** The rule file text (may hold several YAML documents). */
  rule: string;
  /** Events: flat fields, and a time (ISO 8601) for correlations. */
  events: Array<{ fields: Record<string, FieldValue>; time?: string }>;
  /** Indexes of events the detection rule `main` reports. */
  matches?: number[];
  /** Number of correlation findings expected. */
  correlations?: number;
  /** The rule must be refused with a reason containing this text. */
  refused?: string;
  /** Placeholder values for `|expand`. */
  placeholders?: Record<string, string[]>;
}

/** The mapping that makes `product: conformance` rules apply to every event as written. */
export const CONFORMANCE_MAPPING = { logsource: { product: 'conformance' }, mapping: 'conformance', source: 'file', conditions: {}, fields: {} };

const R = 'sigma-rules-specification.md';
const M = 'sigma-appendix-modifiers.md';
const C = 'sigma-correlation-rules-specification.md';
const F = 'sigma-filters-specification.md';

/** A detection rule with id `main` around a detection section (indented YAML). */
function rule(detection: string, extra = ''): string {
  return `title: conformance
id: main
logsource:
  product: conformance
${extra}detection:
${detection
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

const ev = (fields: Record<string, FieldValue>, time?: string): { fields: Record<string, FieldValue>; time?: string } =>
  time === undefined ? { fields } : { fields, time };

/** Events for string tests: one field `f`. */
const fs = (...vals: FieldValue[]): Array<{ fields: Record<string, FieldValue> }> => vals.map((v) => ({ fields: { f: v } }));

/** The table. */
export const CASES: ConformanceCase[] = [
  // ---- values and wildcards ------------------------------------------------------------------------------
  {
    id: 'value.equality.1',
    feature: 'Plain value (whole-field equality)',
    spec: `${R} Detection / General`,
    title: 'a plain string matches the whole value, not a part',
    rule: rule(`sel:\n  f: 'cmd.exe'\ncondition: sel`),
    events: fs('cmd.exe', 'xcmd.exe', 'cmd.exe ', null),
    matches: [0],
  },
  {
    id: 'value.case.1',
    feature: 'Case-insensitive by default',
    spec: `${R} Detection / General: "All values are treated as case-insensitive strings"`,
    title: 'string values compare without case',
    rule: rule(`sel:\n  f: 'CmD.ExE'\ncondition: sel`),
    events: fs('cmd.exe', 'CMD.EXE', 'cmd.ex'),
    matches: [0, 1],
  },
  {
    id: 'value.number.1',
    feature: 'Numeric values',
    spec: `${R} Detection / Maps`,
    title: 'an integer value matches a number or its text',
    rule: rule(`sel:\n  f: 4688\ncondition: sel`),
    events: fs(4688, '4688', 46880, '04688'),
    matches: [0, 1],
  },
  {
    id: 'value.bool.1',
    feature: 'Boolean values',
    spec: `${R} Detection / Maps`,
    title: 'a boolean value matches true / "true"',
    rule: rule(`sel:\n  f: true\ncondition: sel`),
    events: fs(true, 'true', false, 'yes'),
    matches: [0, 1],
  },
  {
    id: 'value.wildcard.star',
    feature: 'Wildcard *',
    spec: `${R} String Wildcard`,
    title: '* matches any run, including none',
    rule: rule(`sel:\n  f: 'antivirus_V*.exe'\ncondition: sel`),
    events: fs('antivirus_V1.exe', 'antivirus_V21.2.1.exe', 'antivirus_V.exe', 'antivirus_X1.exe'),
    matches: [0, 1, 2],
  },
  {
    id: 'value.wildcard.question',
    feature: 'Wildcard ?',
    spec: `${R} String Wildcard`,
    title: '? matches exactly one character',
    rule: rule(`sel:\n  f: 'prog?.exe'\ncondition: sel`),
    events: fs('progA.exe', 'progB.exe', 'prog.exe', 'progAB.exe'),
    matches: [0, 1],
  },
  {
    id: 'value.wildcard.middle',
    feature: 'Wildcard *',
    spec: `${R} String Wildcard`,
    title: 'several * and ? in one value',
    rule: rule(`sel:\n  f: 'a*b?c*d'\ncondition: sel`),
    events: fs('abxcd', 'a123bxc456d', 'abcd', 'abxcdx', 'AB1CD'),
    matches: [0, 1, 4],
  },
  {
    id: 'value.escape.star',
    feature: 'Escapes \\* \\? \\\\',
    spec: `${R} Escape Character`,
    title: '\\* is a literal star',
    rule: rule(`sel:\n  f: 'a\\*b'\ncondition: sel`),
    events: fs('a*b', 'axb', 'ab'),
    matches: [0],
  },
  {
    id: 'value.escape.question',
    feature: 'Escapes \\* \\? \\\\',
    spec: `${R} Escape Character`,
    title: '\\? is a literal question mark',
    rule: rule(`sel:\n  f: 'what\\?'\ncondition: sel`),
    events: fs('what?', 'whatx'),
    matches: [0],
  },
  {
    id: 'value.escape.backslash-wildcard',
    feature: 'Escapes \\* \\? \\\\',
    spec: `${R} Escape Character: "\\\\* ... a backslash followed by a wildcard"`,
    title: '\\\\* is a backslash then a wildcard',
    rule: rule(`sel:\n  f: 'C:\\\\*'\ncondition: sel`),
    events: fs('C:\\Windows', 'C:\\', 'C:Windows'),
    matches: [0, 1],
  },
  {
    id: 'value.escape.plain-backslash',
    feature: 'Escapes \\* \\? \\\\',
    spec: `${R} Escape Character: "Plain backslash not followed by a wildcard can be expressed as single \\ or double \\\\"`,
    title: 'single and double backslash both mean one backslash',
    rule: rule(`sel1:\n  f: 'C:\\Windows\\System32'\nsel2:\n  f: 'C:\\\\Windows\\\\System32'\ncondition: sel1 and sel2`),
    events: fs('C:\\Windows\\System32', 'C:\\\\Windows\\\\System32'),
    matches: [0],
  },
  {
    id: 'value.escape.three',
    feature: 'Escapes \\* \\? \\\\',
    spec: `${R} Escape Character: "\\\\\\* ... handle them as plain values"`,
    title: '\\\\\\* is a backslash and a literal star',
    rule: rule(`sel:\n  f: 'a\\\\\\*'\ncondition: sel`),
    events: fs('a\\*', 'a\\x', 'a*'),
    matches: [0],
  },
  {
    id: 'value.empty.1',
    feature: "Empty value ''",
    spec: `${R} Special Field Values`,
    title: "'' matches an empty string only",
    rule: rule(`sel:\n  f: ''\ncondition: sel`),
    events: [ev({ f: '' }), ev({ f: 'x' }), ev({}), ev({ f: null })],
    matches: [0],
  },
  {
    id: 'value.null.1',
    feature: 'null',
    spec: `${R} Special Field Values`,
    title: 'null matches a missing or null field, not an empty string',
    rule: rule(`sel:\n  f: null\ncondition: sel`),
    events: [ev({ f: null }), ev({}), ev({ f: '' }), ev({ f: 'x' })],
    matches: [0, 1],
  },
  {
    id: 'value.null.not',
    feature: 'null',
    spec: `${R} Special Field Values: "To get an expression that says not null ... negate it in the condition"`,
    title: 'not null = field present with a value',
    rule: rule(`sel:\n  EventID: 4738\nfilter:\n  PasswordLastSet: null\ncondition: sel and not filter`),
    events: [ev({ EventID: 4738, PasswordLastSet: 'x' }), ev({ EventID: 4738 }), ev({ EventID: 4738, PasswordLastSet: null })],
    matches: [0],
  },
  {
    id: 'value.list-field.1',
    feature: 'Multi-valued event fields',
    spec: `${R} Detection / Maps`,
    title: 'a list-valued event field matches when one element matches',
    rule: rule(`sel:\n  f: 'b'\ncondition: sel`),
    events: fs(['a', 'b'], ['a', 'c']),
    matches: [0],
  },

  // ---- structure: maps, lists, keywords --------------------------------------------------------------------
  {
    id: 'structure.map.and',
    feature: 'Map (AND of fields)',
    spec: `${R} Maps: "All elements of a map are joined with a logical AND"`,
    title: 'all fields of a map must match',
    rule: rule(`sel:\n  a: 1\n  b: 2\ncondition: sel`),
    events: [ev({ a: 1, b: 2 }), ev({ a: 1, b: 3 }), ev({ a: 1 })],
    matches: [0],
  },
  {
    id: 'structure.value-list.or',
    feature: 'Value list (OR)',
    spec: `${R} Maps: "EventID 517 or 1102"`,
    title: 'values of a list are OR-linked',
    rule: rule(`sel:\n  EventLog: Security\n  EventID:\n    - 517\n    - 1102\ncondition: sel`),
    events: [ev({ EventLog: 'Security', EventID: 517 }), ev({ EventLog: 'Security', EventID: 1102 }), ev({ EventLog: 'Security', EventID: 4624 })],
    matches: [0, 1],
  },
  {
    id: 'structure.map-list.or',
    feature: 'List of maps (OR)',
    spec: `${R} Lists: "All map items of a list are logically linked with OR"`,
    title: 'maps in a list are OR-linked',
    rule: rule(`sel:\n  - Image|endswith: '\\example.exe'\n  - Description|contains: 'Test executable'\ncondition: sel`),
    events: [ev({ Image: 'C:\\example.exe' }), ev({ Description: 'a Test executable here' }), ev({ Image: 'C:\\other.exe' })],
    matches: [0, 1],
  },
  {
    id: 'structure.keywords.or',
    feature: 'Keywords (unbound search)',
    spec: `${R} Keywords search / Lists: "strings that are applied to the full log message and are linked with a logical OR"`,
    title: 'keyword values match anywhere in any field',
    rule: rule(`keywords:\n  - 'event::clear'\n  - 'event::drop'\ncondition: keywords`),
    events: [ev({ a: 'mimikatz event::clear x' }), ev({ b: 'EVENT::DROP' }), ev({ a: 'event::other' })],
    matches: [0, 1],
  },
  {
    id: 'structure.keywords.all',
    feature: 'Keywords (unbound search)',
    spec: `${R} Keywords search: "To have a and operator, we use the '|all': modifier"`,
    title: "'|all' keywords must all appear",
    rule: rule(`keywords_cmdlet:\n  '|all':\n    - 'OabVirtualDirectory'\n    - ' -ExternalUrl '\ncondition: keywords_cmdlet`),
    events: [ev({ cmd: 'Set-OabVirtualDirectory -ExternalUrl http://x' }), ev({ cmd: 'Set-OabVirtualDirectory -InternalUrl x' }), ev({ a: 'OabVirtualDirectory', b: ' -ExternalUrl x' })],
    matches: [0, 2],
  },
  {
    id: 'structure.keywords.number',
    feature: 'Keywords (unbound search)',
    spec: `${R} Keywords search`,
    title: 'a keyword also searches numeric field values',
    rule: rule(`keywords:\n  - '4625'\ncondition: keywords`),
    events: [ev({ EventID: 4625 }), ev({ EventID: 4624 })],
    matches: [0],
  },

  // ---- conditions ------------------------------------------------------------------------------------------
  {
    id: 'condition.and-or',
    feature: 'Condition: and / or',
    spec: `${R} Condition: Logical AND/OR; precedence or < and`,
    title: 'and binds tighter than or',
    rule: rule(`a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\ncondition: a or b and c`),
    events: [ev({ x: 1 }), ev({ y: 1 }), ev({ y: 1, z: 1 }), ev({ z: 1 })],
    matches: [0, 2],
  },
  {
    id: 'condition.not',
    feature: 'Condition: not',
    spec: `${R} Condition: Negation with 'not'`,
    title: 'not negates; binds tighter than and',
    rule: rule(`a:\n  x: 1\nb:\n  y: 1\ncondition: a and not b`),
    events: [ev({ x: 1 }), ev({ x: 1, y: 1 }), ev({ y: 1 })],
    matches: [0],
  },
  {
    id: 'condition.not-not',
    feature: 'Condition: not',
    spec: `${R} Condition: Negation with 'not'`,
    title: 'not not a = a',
    rule: rule(`a:\n  x: 1\ncondition: not not a`),
    events: [ev({ x: 1 }), ev({ x: 2 })],
    matches: [0],
  },
  {
    id: 'condition.parens',
    feature: 'Condition: parentheses',
    spec: `${R} Condition: Brackets`,
    title: 'parentheses override precedence',
    rule: rule(`a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\ncondition: (a or b) and c`),
    events: [ev({ x: 1 }), ev({ x: 1, z: 1 }), ev({ y: 1, z: 1 }), ev({ z: 1 })],
    matches: [1, 2],
  },
  {
    id: 'condition.one-of-pattern',
    feature: 'Condition: 1 of pattern',
    spec: `${R} Condition: 1/all of search-identifier-pattern`,
    title: '1 of sel* = any identifier starting with sel',
    rule: rule(`sel_a:\n  x: 1\nsel_b:\n  y: 1\nother:\n  z: 1\ncondition: 1 of sel*`),
    events: [ev({ x: 1 }), ev({ y: 1 }), ev({ z: 1 })],
    matches: [0, 1],
  },
  {
    id: 'condition.all-of-pattern',
    feature: 'Condition: all of pattern',
    spec: `${R} Condition: 1/all of search-identifier-pattern`,
    title: 'all of sel* = every identifier starting with sel',
    rule: rule(`sel_a:\n  x: 1\nsel_b:\n  y: 1\nother:\n  z: 1\ncondition: all of sel*`),
    events: [ev({ x: 1 }), ev({ x: 1, y: 1 }), ev({ x: 1, y: 1, z: 1 })],
    matches: [1, 2],
  },
  {
    id: 'condition.pattern-middle',
    feature: 'Condition: 1 of pattern',
    spec: `${R} Condition: "Matching is done with * wildcards (any number of characters) at arbitrary positions"`,
    title: 'a pattern with * in the middle',
    rule: rule(`sel_a_x:\n  x: 1\nsel_b_x:\n  y: 1\nsel_c_y:\n  z: 1\ncondition: 1 of sel_*_x`),
    events: [ev({ x: 1 }), ev({ y: 1 }), ev({ z: 1 })],
    matches: [0, 1],
  },
  {
    id: 'condition.one-of-them',
    feature: 'Condition: 1 of them',
    spec: `${R} Condition: 1/all of them, identifiers starting with _ excluded`,
    title: '1 of them ignores _identifiers',
    rule: rule(`a:\n  x: 1\n_hidden:\n  h: 1\ncondition: 1 of them`),
    events: [ev({ x: 1 }), ev({ h: 1 })],
    matches: [0],
  },
  {
    id: 'condition.all-of-them',
    feature: 'Condition: all of them',
    spec: `${R} Condition: 1/all of them`,
    title: 'all of them = every identifier (except _ ones)',
    rule: rule(`a:\n  x: 1\nb:\n  y: 1\n_hidden:\n  h: 1\ncondition: all of them`),
    events: [ev({ x: 1 }), ev({ x: 1, y: 1 })],
    matches: [1],
  },
  {
    id: 'condition.not-one-of',
    feature: 'Condition: 1 of pattern',
    spec: `${R} Condition: "1 of selection* and not 1 of filter*"`,
    title: 'not 1 of filter*',
    rule: rule(`selection:\n  x: 1\nfilter_a:\n  y: 1\nfilter_b:\n  z: 1\ncondition: selection and not 1 of filter*`),
    events: [ev({ x: 1 }), ev({ x: 1, y: 1 }), ev({ x: 1, z: 1 })],
    matches: [0],
  },
  {
    id: 'condition.list',
    feature: 'Condition list (OR)',
    spec: `${R} Condition: "The condition can be a list ... They are logically linked with OR"`,
    title: 'a list of conditions is OR-linked',
    rule: rule(`a:\n  x: 1\nb:\n  y: 1\ncondition:\n  - a\n  - b`),
    events: [ev({ x: 1 }), ev({ y: 1 }), ev({ z: 1 })],
    matches: [0, 1],
  },
  {
    id: 'condition.unknown-identifier',
    feature: 'Condition: errors',
    spec: `${R} Condition`,
    title: 'an unknown identifier refuses the rule',
    rule: rule(`a:\n  x: 1\ncondition: a and b`),
    events: [],
    refused: "unknown search identifier 'b'",
  },
  {
    id: 'condition.aggregation',
    feature: 'Condition: errors',
    spec: `${C} Expression of Relationships In The Condition: obsolete`,
    title: 'a Sigma 1 aggregation (| count) refuses the rule with a reason',
    rule: rule(`a:\n  x: 1\ncondition: a | count() > 5`),
    events: [],
    refused: 'aggregation',
  },

  // ---- generic modifiers -----------------------------------------------------------------------------------
  {
    id: 'modifier.contains',
    feature: 'Modifier: contains',
    spec: `${M} Generic: contains`,
    title: 'value anywhere in the field, case-insensitive',
    rule: rule(`sel:\n  f|contains: 'mimi'\ncondition: sel`),
    events: fs('xMIMIx', 'mimikatz', 'mim'),
    matches: [0, 1],
  },
  {
    id: 'modifier.startswith',
    feature: 'Modifier: startswith',
    spec: `${M} Generic: startswith`,
    title: 'value at the start',
    rule: rule(`sel:\n  f|startswith: 'adm_'\ncondition: sel`),
    events: fs('adm_bob', 'ADM_x', 'xadm_'),
    matches: [0, 1],
  },
  {
    id: 'modifier.endswith',
    feature: 'Modifier: endswith',
    spec: `${M} Generic: endswith`,
    title: 'value at the end',
    rule: rule(`sel:\n  f|endswith: '\\cmd.exe'\ncondition: sel`),
    events: fs('C:\\Windows\\cmd.exe', 'C:\\x\\CMD.EXE', 'cmd.exe', 'C:\\cmd.exe.bak'),
    matches: [0, 1],
  },
  {
    id: 'modifier.contains-wildcard',
    feature: 'Modifier: contains',
    spec: `${M} Generic: contains ("Puts * wildcards around the values")`,
    title: 'wildcards inside a contains value still apply',
    rule: rule(`sel:\n  f|contains: 'a?c'\ncondition: sel`),
    events: fs('xxabcxx', 'ac'),
    matches: [0],
  },
  {
    id: 'modifier.all',
    feature: 'Modifier: all',
    spec: `${M} Generic: all`,
    title: 'all values must match (AND)',
    rule: rule(`sel:\n  f|contains|all:\n    - ' -enc '\n    - 'powershell'\ncondition: sel`),
    events: fs('powershell -enc AAA', 'powershell -nop', 'cmd -enc x'),
    matches: [0],
  },
  {
    id: 'modifier.exists.true',
    feature: 'Modifier: exists',
    spec: `${M} Generic: exists; ${R} Field Existence`,
    title: 'exists: true = field present, whatever its value',
    rule: rule(`sel:\n  f|exists: true\ncondition: sel`),
    events: [ev({ f: 'x' }), ev({ f: '' }), ev({ f: null }), ev({ g: 1 })],
    matches: [0, 1, 2],
  },
  {
    id: 'modifier.exists.false',
    feature: 'Modifier: exists',
    spec: `${M} Generic: exists`,
    title: 'exists: false = field absent',
    rule: rule(`sel:\n  f|exists: false\ncondition: sel`),
    events: [ev({ f: 'x' }), ev({ g: 1 })],
    matches: [1],
  },
  {
    id: 'modifier.cased',
    feature: 'Modifier: cased',
    spec: `${M} Generic: cased`,
    title: 'cased compares case-sensitively',
    rule: rule(`sel:\n  f|cased: 'CmD'\ncondition: sel`),
    events: fs('CmD', 'cmd', 'CMD'),
    matches: [0],
  },
  {
    id: 'modifier.cased-contains',
    feature: 'Modifier: cased',
    spec: `${M} Generic: cased`,
    title: 'cased with contains',
    rule: rule(`sel:\n  f|contains|cased: 'Evil'\ncondition: sel`),
    events: fs('anEvilThing', 'anevilthing'),
    matches: [0],
  },
  {
    id: 'modifier.neq',
    feature: 'Modifier: neq',
    spec: `${M} Generic: neq ("The field is different from the specified values")`,
    title: 'neq: field differs from every listed value',
    rule: rule(`sel:\n  f|neq:\n    - 'a'\n    - 'b'\ncondition: sel`),
    events: fs('a', 'b', 'c'),
    matches: [2],
  },
  {
    id: 'modifier.neq-number',
    feature: 'Modifier: neq',
    spec: `${M} Numeric: neq`,
    title: 'neq with a number',
    rule: rule(`sel:\n  f|neq: 0\ncondition: sel`),
    events: fs(0, 5, '0'),
    matches: [1],
  },

  // ---- string modifiers ------------------------------------------------------------------------------------
  {
    id: 'modifier.windash',
    feature: 'Modifier: windash',
    spec: `${M} String: windash (-, /, en dash, em dash, horizontal bar)`,
    title: 'a flag dash matches all five dash forms',
    rule: rule(`sel:\n  f|windash|contains: ' -exec '\ncondition: sel`),
    events: fs('x -exec y', 'x /exec y', 'x \u2013exec y', 'x \u2014exec y', 'x \u2015exec y', 'x +exec y'),
    matches: [0, 1, 2, 3, 4],
  },
  {
    id: 'modifier.windash-two',
    feature: 'Modifier: windash',
    spec: `${M} String: windash ("all possible permutations")`,
    title: 'two flags permute independently',
    rule: rule(`sel:\n  f|windash|contains: '-a -b'\ncondition: sel`),
    events: fs('/a -b', '-a /b', '/a /b', '-a +b'),
    matches: [0, 1, 2],
  },
  {
    id: 'modifier.re',
    feature: 'Modifier: re',
    spec: `${M} Regular Expression: re ("case-sensitive by default")`,
    title: 're matches unanchored and case-sensitively',
    rule: rule(`sel:\n  f|re: 'ab+c$'\ncondition: sel`),
    events: fs('xxabbbc', 'ABBC', 'abc ', 'ac'),
    matches: [0],
  },
  {
    id: 'modifier.re-i',
    feature: 'Modifier: re|i',
    spec: `${M} Regular Expression: sub-modifier i`,
    title: 're|i is case-insensitive',
    rule: rule(`sel:\n  f|re|i: '^abc'\ncondition: sel`),
    events: fs('ABCd', 'xabc'),
    matches: [0],
  },
  {
    id: 'modifier.re-m',
    feature: 'Modifier: re|m',
    spec: `${M} Regular Expression: sub-modifier m`,
    title: 're|m: ^ and $ match at line breaks',
    rule: rule(`sel:\n  f|re|m: '^second$'\ncondition: sel`),
    events: fs('first\nsecond\nthird', 'first second'),
    matches: [0],
  },
  {
    id: 'modifier.re-no-m',
    feature: 'Modifier: re|m',
    spec: `${M} Regular Expression: sub-modifier m`,
    title: 'without m, ^ is the start of the value only',
    rule: rule(`sel:\n  f|re: '^second$'\ncondition: sel`),
    events: fs('first\nsecond\nthird', 'second'),
    matches: [1],
  },
  {
    id: 'modifier.re-s',
    feature: 'Modifier: re|s',
    spec: `${M} Regular Expression: sub-modifier s`,
    title: 're|s: . matches a newline',
    rule: rule(`sel:\n  f|re|s: 'a.b'\ncondition: sel`),
    events: fs('a\nb', 'axb'),
    matches: [0, 1],
  },
  {
    id: 'modifier.re-no-s',
    feature: 'Modifier: re|s',
    spec: `${M} Regular Expression: sub-modifier s`,
    title: 'without s, . does not match a newline',
    rule: rule(`sel:\n  f|re: 'a.b'\ncondition: sel`),
    events: fs('a\nb', 'axb'),
    matches: [1],
  },
  {
    id: 'modifier.re-unsafe',
    feature: 'Modifier: re (RE2 only)',
    spec: `${M} Regular Expression ("Other metacharacters are unsupported"); Kahu runs regexes on RE2`,
    title: 'a look-ahead refuses the rule with the reason (no backtracking engine)',
    rule: rule(`sel:\n  f|re: 'a(?=b)'\ncondition: sel`),
    events: [],
    refused: 'RE2',
  },
  {
    id: 'modifier.re-backref',
    feature: 'Modifier: re (RE2 only)',
    spec: `${M} Regular Expression; Kahu runs regexes on RE2`,
    title: 'a back-reference refuses the rule',
    rule: rule(`sel:\n  f|re: '(a)\\1'\ncondition: sel`),
    events: [],
    refused: 'RE2',
  },
  {
    id: 'modifier.base64',
    feature: 'Modifier: base64',
    spec: `${M} Encoding: base64`,
    title: 'value is base64-encoded before matching',
    rule: rule(`sel:\n  f|base64: 'cmd'\ncondition: sel`),
    events: fs('Y21k', 'cmd', 'eY21k'),
    matches: [0],
  },
  {
    id: 'modifier.base64-contains',
    feature: 'Modifier: base64',
    spec: `${M} Encoding: base64`,
    title: 'base64 then contains',
    rule: rule(`sel:\n  f|base64|contains: 'cmd'\ncondition: sel`),
    events: fs('xxY21kxx', 'cmd'),
    matches: [0],
  },
  {
    id: 'modifier.base64offset',
    feature: 'Modifier: base64offset',
    spec: `${M} Encoding: base64offset (three shifts)`,
    title: 'the value is found at any of the three alignments inside base64 text',
    rule: rule(`sel:\n  f|base64offset|contains: 'http://'\ncondition: sel`),
    events: fs(
      Buffer.from('http://evil').toString('base64'),
      Buffer.from('xhttp://evil').toString('base64'),
      Buffer.from('xyhttp://evil').toString('base64'),
      Buffer.from('xyz http:/').toString('base64'),
    ),
    matches: [0, 1, 2],
  },
  {
    id: 'modifier.utf16le',
    feature: 'Modifier: utf16le / wide',
    spec: `${M} Encoding: utf16le ("cmd > 63 00 6d 00 64 00")`,
    title: 'utf16le then base64 (the usual PowerShell -enc case)',
    rule: rule(`sel:\n  f|utf16le|base64offset|contains: 'Invoke-'\ncondition: sel`),
    events: fs(Buffer.from('IEX; Invoke-Expression', 'utf16le').toString('base64'), Buffer.from('Invoke-', 'utf8').toString('base64')),
    matches: [0],
  },
  {
    id: 'modifier.wide',
    feature: 'Modifier: utf16le / wide',
    spec: `${M} Encoding: wide = utf16le`,
    title: 'wide is utf16le',
    rule: rule(`sel:\n  f|wide|base64: 'cmd'\ncondition: sel`),
    events: fs(Buffer.from('cmd', 'utf16le').toString('base64'), Buffer.from('cmd').toString('base64')),
    matches: [0],
  },
  {
    id: 'modifier.utf16be',
    feature: 'Modifier: utf16be',
    spec: `${M} Encoding: utf16be ("cmd > 00 63 00 6d 00 64")`,
    title: 'utf16be then base64',
    rule: rule(`sel:\n  f|utf16be|base64: 'cmd'\ncondition: sel`),
    events: fs(Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64'), Buffer.from('cmd', 'utf16le').toString('base64')),
    matches: [0],
  },
  {
    id: 'modifier.utf16',
    feature: 'Modifier: utf16',
    spec: `${M} Encoding: utf16 ("FF FE 63 00 6d 00 64 00")`,
    title: 'utf16 prepends the little-endian BOM',
    rule: rule(`sel:\n  f|utf16|base64: 'cmd'\ncondition: sel`),
    events: fs(Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64'), Buffer.from('cmd', 'utf16le').toString('base64')),
    matches: [0],
  },

  // ---- numeric and time modifiers --------------------------------------------------------------------------
  {
    id: 'modifier.gt',
    feature: 'Modifier: gt',
    spec: `${M} Numeric: gt`,
    title: 'greater than (numbers and numeric text)',
    rule: rule(`sel:\n  f|gt: 10\ncondition: sel`),
    events: fs(11, '12', 10, 'abc', 9.5),
    matches: [0, 1],
  },
  {
    id: 'modifier.gte',
    feature: 'Modifier: gte',
    spec: `${M} Numeric: gte`,
    title: 'greater or equal',
    rule: rule(`sel:\n  f|gte: 10\ncondition: sel`),
    events: fs(10, 11, 9),
    matches: [0, 1],
  },
  {
    id: 'modifier.lt',
    feature: 'Modifier: lt',
    spec: `${M} Numeric: lt`,
    title: 'less than',
    rule: rule(`sel:\n  f|lt: 10\ncondition: sel`),
    events: fs(9, 10, '-1'),
    matches: [0, 2],
  },
  {
    id: 'modifier.lte',
    feature: 'Modifier: lte',
    spec: `${M} Numeric: lte`,
    title: 'less or equal',
    rule: rule(`sel:\n  f|lte: 10\ncondition: sel`),
    events: fs(10, 11, 1),
    matches: [0, 2],
  },
  {
    id: 'modifier.hour',
    feature: 'Modifier: time (minute, hour, day, week, month, year)',
    spec: `${M} Time Modifiers`,
    title: 'hour of a date value',
    rule: rule(`sel:\n  t|hour: 3\ncondition: sel`),
    events: [ev({ t: '2024-05-01T03:15:00Z' }), ev({ t: '2024-05-01 04:00:00' }), ev({ t: 'not a date' })],
    matches: [0],
  },
  {
    id: 'modifier.minute-day-month-year',
    feature: 'Modifier: time (minute, hour, day, week, month, year)',
    spec: `${M} Time Modifiers`,
    title: 'minute, day, month, year together',
    rule: rule(`sel:\n  t|minute: 15\n  t|day: 1\n  t|month: 5\n  t|year: 2024\ncondition: sel`),
    events: [ev({ t: '2024-05-01T03:15:00Z' }), ev({ t: '2024-05-02T03:15:00Z' })],
    matches: [0],
  },
  {
    id: 'modifier.week',
    feature: 'Modifier: time (minute, hour, day, week, month, year)',
    spec: `${M} Time Modifiers: week 1..52`,
    title: 'ISO week number',
    rule: rule(`sel:\n  t|week: 1\ncondition: sel`),
    events: [ev({ t: '2024-01-03T00:00:00Z' }), ev({ t: '2024-01-10T00:00:00Z' })],
    matches: [0],
  },
  {
    id: 'modifier.hour-range',
    feature: 'Modifier: time (minute, hour, day, week, month, year)',
    spec: `${M} Time Modifiers with Numeric Modifiers`,
    title: 'hour|gte and hour|lt (out-of-hours window)',
    rule: rule(`sel:\n  t|hour|gte: 22\nsel2:\n  t|hour|lt: 6\ncondition: sel or sel2`),
    events: [ev({ t: '2024-05-01T23:00:00Z' }), ev({ t: '2024-05-01T05:00:00Z' }), ev({ t: '2024-05-01T12:00:00Z' })],
    matches: [0, 1],
  },

  // ---- IP, specific modifiers ------------------------------------------------------------------------------
  {
    id: 'modifier.cidr-v4',
    feature: 'Modifier: cidr (IPv4)',
    spec: `${M} IP: cidr`,
    title: 'IPv4 network',
    rule: rule(`sel:\n  ip|cidr: 10.0.0.0/8\ncondition: sel`),
    events: [ev({ ip: '10.1.2.3' }), ev({ ip: '11.0.0.1' }), ev({ ip: 'fe80::1' }), ev({ ip: 'x' })],
    matches: [0],
  },
  {
    id: 'modifier.cidr-list',
    feature: 'Modifier: cidr (IPv4)',
    spec: `${M} IP: cidr`,
    title: 'a list of networks (OR)',
    rule: rule(`sel:\n  ip|cidr:\n    - 192.168.0.0/16\n    - 172.16.0.0/12\ncondition: sel`),
    events: [ev({ ip: '192.168.5.5' }), ev({ ip: '172.31.255.255' }), ev({ ip: '172.32.0.0' })],
    matches: [0, 1],
  },
  {
    id: 'modifier.cidr-v6',
    feature: 'Modifier: cidr (IPv6)',
    spec: `${M} IP: cidr ("Supports both IPv4 and IPv6 notations")`,
    title: 'IPv6 network, compressed notation',
    rule: rule(`sel:\n  ip|cidr: 'fe80::/10'\ncondition: sel`),
    events: [ev({ ip: 'fe80::1' }), ev({ ip: 'FEBF:0:0:0:0:0:0:1' }), ev({ ip: 'fec0::1' }), ev({ ip: '10.0.0.1' })],
    matches: [0, 1],
  },
  {
    id: 'modifier.cidr-v6-mapped',
    feature: 'Modifier: cidr (IPv6)',
    spec: `${M} IP: cidr`,
    title: 'IPv4-mapped IPv6 addresses',
    rule: rule(`sel:\n  ip|cidr: '::ffff:0:0/96'\ncondition: sel`),
    events: [ev({ ip: '::ffff:10.0.0.1' }), ev({ ip: '::1' })],
    matches: [0],
  },
  {
    id: 'modifier.expand',
    feature: 'Modifier: expand (placeholders)',
    spec: `${M} Specific: expand; ${R} Placeholders`,
    title: 'a placeholder expands to its values (OR)',
    rule: rule(`sel:\n  host|expand: '%DomainControllers%'\ncondition: sel`),
    placeholders: { DomainControllers: ['dc1', 'dc2*'] },
    events: [ev({ host: 'DC1' }), ev({ host: 'dc2.corp' }), ev({ host: 'ws1' })],
    matches: [0, 1],
  },
  {
    id: 'modifier.expand-literal',
    feature: 'Modifier: expand (placeholders)',
    spec: `${R} Placeholders: "field: %name% handles %name% as literal value"`,
    title: 'without expand, %name% is literal text',
    rule: rule(`sel:\n  host: '%DomainControllers%'\ncondition: sel`),
    events: [ev({ host: '%DomainControllers%' }), ev({ host: 'dc1' })],
    matches: [0],
  },
  {
    id: 'modifier.expand-undefined',
    feature: 'Modifier: expand (placeholders)',
    spec: `${R} Placeholders: "If the tool isn't able to handle placeholders, it must reject the rule"`,
    title: 'an undefined placeholder refuses the rule',
    rule: rule(`sel:\n  host|expand: '%Nope%'\ncondition: sel`),
    events: [],
    refused: 'placeholder %Nope%',
  },
  {
    id: 'modifier.fieldref',
    feature: 'Modifier: fieldref',
    spec: `${M} Specific: fieldref`,
    title: 'compare two fields of the same event',
    rule: rule(`sel:\n  User|fieldref: ParentUser\ncondition: sel`),
    events: [ev({ User: 'a', ParentUser: 'A' }), ev({ User: 'a', ParentUser: 'b' }), ev({ User: 'a' })],
    matches: [0],
  },
  {
    id: 'modifier.fieldref-neq',
    feature: 'Modifier: fieldref',
    spec: `${M} Specific: fieldref ("Can be combined with the neq modifier")`,
    title: 'fieldref with neq',
    rule: rule(`sel:\n  User|fieldref|neq: ParentUser\ncondition: sel`),
    events: [ev({ User: 'a', ParentUser: 'a' }), ev({ User: 'a', ParentUser: 'b' })],
    matches: [1],
  },
  {
    id: 'modifier.fieldref-endswith',
    feature: 'Modifier: fieldref',
    spec: `${M} Specific: fieldref`,
    title: 'fieldref with endswith',
    rule: rule(`sel:\n  Image|fieldref|endswith: Name\ncondition: sel`),
    events: [ev({ Image: 'C:\\x\\a.exe', Name: 'a.exe' }), ev({ Image: 'C:\\x\\a.exe', Name: 'b.exe' })],
    matches: [0],
  },
  {
    id: 'modifier.unknown',
    feature: 'Unknown modifier',
    spec: `${M}`,
    title: 'an unknown modifier refuses the rule with its name',
    rule: rule(`sel:\n  f|sounds_like: 'x'\ncondition: sel`),
    events: [],
    refused: "modifier 'sounds_like'",
  },

  // ---- rule collections, multi-document ----------------------------------------------------------------------
  {
    id: 'collection.global',
    feature: 'Rule collection: action global',
    spec: 'Sigma 1 rule collections (action: global), kept by SigmaHQ tooling',
    title: 'global is merged into every following document',
    rule: `action: global
title: conformance
logsource:
  product: conformance
detection:
  base:
    a: 1
  condition: base and sel
---
id: main
detection:
  sel:
    b: 1
---
id: other
detection:
  sel:
    c: 1
`,
    events: [ev({ a: 1, b: 1 }), ev({ a: 1, c: 1 }), ev({ b: 1 })],
    matches: [0],
  },
  {
    id: 'collection.reset-repeat',
    feature: 'Rule collection: reset, repeat',
    spec: 'Sigma 1 rule collections (action: reset / repeat)',
    title: 'repeat copies the previous rule with changes; reset clears global',
    rule: `action: global
title: g
---
id: first
logsource:
  product: conformance
detection:
  sel:
    a: 1
  condition: sel
---
action: repeat
id: main
detection:
  sel:
    a: 2
---
action: reset
---
id: later
title: later
logsource:
  product: conformance
detection:
  sel:
    a: 3
  condition: sel
`,
    events: [ev({ a: 1 }), ev({ a: 2 }), ev({ a: 3 })],
    matches: [1],
  },

  // ---- filters -----------------------------------------------------------------------------------------------
  {
    id: 'filter.applied',
    feature: 'Filters (meta filter rules)',
    spec: `${F} Global filter`,
    title: 'a filter removes matches of its target rule',
    rule: `${rule(`selection:\n  Image|endswith: '\\rar.exe'\ncondition: selection`)}---
title: Filter Administrator account
logsource:
  product: conformance
filter:
  rules:
    - main
  selection:
    User|startswith: 'adm_'
  condition: selection
`,
    events: [ev({ Image: 'C:\\rar.exe', User: 'bob' }), ev({ Image: 'C:\\rar.exe', User: 'adm_bob' })],
    matches: [0],
  },
  {
    id: 'filter.other-rule',
    feature: 'Filters (meta filter rules)',
    spec: `${F} Relative rules: "refers to one or multiple Sigma rules where to add the filter"`,
    title: 'a filter does not touch rules it does not name',
    rule: `${rule(`selection:\n  Image|endswith: '\\rar.exe'\ncondition: selection`)}---
title: Filter for another rule
logsource:
  product: conformance
filter:
  rules:
    - some-other-rule
  selection:
    User|startswith: 'adm_'
  condition: selection
`,
    events: [ev({ Image: 'C:\\rar.exe', User: 'bob' }), ev({ Image: 'C:\\rar.exe', User: 'adm_bob' })],
    matches: [0, 1],
  },
  {
    id: 'filter.logsource',
    feature: 'Filters (meta filter rules)',
    spec: `${F} Log source`,
    title: 'a filter whose logsource differs from the rule does not apply',
    rule: `${rule(`selection:\n  Image|endswith: '\\rar.exe'\ncondition: selection`)}---
title: Filter on another logsource
logsource:
  product: elsewhere
filter:
  rules:
    - main
  selection:
    User|startswith: 'adm_'
  condition: selection
`,
    events: [ev({ Image: 'C:\\rar.exe', User: 'adm_bob' })],
    matches: [0],
  },

  // ---- correlations ----------------------------------------------------------------------------------------
  {
    id: 'correlation.event_count',
    feature: 'Correlation: event_count',
    spec: `${C} Event Count`,
    title: 'gte 3 events per group within the timespan',
    rule: `title: Many failed logins
id: corr
correlation:
  type: event_count
  rules:
    - failed
  group-by:
    - User
  timespan: 1m
  condition:
    gte: 3
---
title: failed
id: failed
name: failed
logsource:
  product: conformance
detection:
  sel:
    EventID: 4625
  condition: sel
`,
    events: [
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:20Z'),
      ev({ EventID: 4625, User: 'b' }, '2024-01-01T00:00:30Z'),
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:40Z'),
      ev({ EventID: 4625, User: 'b' }, '2024-01-01T00:05:00Z'),
      ev({ EventID: 4625, User: 'b' }, '2024-01-01T00:09:00Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.event_count-window',
    feature: 'Correlation: event_count',
    spec: `${C} Time Selection (timespan)`,
    title: 'events farther apart than the timespan do not count together',
    rule: `title: c
id: corr
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 10s
  condition:
    gte: 2
---
title: failed
id: failed
logsource:
  product: conformance
detection:
  sel:
    EventID: 4625
  condition: sel
`,
    events: [ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:00Z'), ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:30Z')],
    correlations: 0,
  },
  {
    id: 'correlation.event_count-range',
    feature: 'Correlation: event_count',
    spec: `${C} Condition: "To define a range, you can use the conjunction AND"`,
    title: 'gt 1 and lte 2: a window of 3 does not fire, a window of 2 does',
    rule: `title: c
id: corr
correlation:
  type: event_count
  rules: [e]
  group-by: [User]
  timespan: 1m
  condition:
    gt: 1
    lte: 2
---
title: e
id: e
logsource:
  product: conformance
detection:
  sel:
    k: 1
  condition: sel
`,
    events: [
      ev({ k: 1, User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ k: 1, User: 'a' }, '2024-01-01T00:00:10Z'),
      ev({ k: 1, User: 'a' }, '2024-01-01T00:00:20Z'),
      ev({ k: 1, User: 'b' }, '2024-01-01T00:00:00Z'),
      ev({ k: 1, User: 'b' }, '2024-01-01T00:00:10Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.value_count',
    feature: 'Correlation: value_count',
    spec: `${C} Value Count`,
    title: 'distinct values of a field per group',
    rule: `title: c
id: corr
correlation:
  type: value_count
  rules: [failed]
  group-by: [ComputerName]
  timespan: 1h
  condition:
    field: User
    gte: 3
---
title: failed
id: failed
logsource:
  product: conformance
detection:
  sel:
    EventID: 4625
  condition: sel
`,
    events: [
      ev({ EventID: 4625, ComputerName: 'h1', User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ EventID: 4625, ComputerName: 'h1', User: 'a' }, '2024-01-01T00:01:00Z'),
      ev({ EventID: 4625, ComputerName: 'h1', User: 'b' }, '2024-01-01T00:02:00Z'),
      ev({ EventID: 4625, ComputerName: 'h2', User: 'x' }, '2024-01-01T00:02:00Z'),
      ev({ EventID: 4625, ComputerName: 'h1', User: 'c' }, '2024-01-01T00:03:00Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.temporal',
    feature: 'Correlation: temporal',
    spec: `${C} Temporal Proximity`,
    title: 'all rules within the timespan, any order, same group',
    rule: `title: recon
id: corr
correlation:
  type: temporal
  rules: [recon_a, recon_b]
  group-by: [User]
  timespan: 5m
---
title: a
id: ra
name: recon_a
logsource:
  product: conformance
detection:
  sel:
    cmd: whoami
  condition: sel
---
title: b
id: rb
name: recon_b
logsource:
  product: conformance
detection:
  sel:
    cmd: ipconfig
  condition: sel
`,
    events: [
      ev({ cmd: 'ipconfig', User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ cmd: 'whoami', User: 'b' }, '2024-01-01T00:01:00Z'),
      ev({ cmd: 'whoami', User: 'a' }, '2024-01-01T00:02:00Z'),
      ev({ cmd: 'ipconfig', User: 'b' }, '2024-01-01T00:20:00Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.temporal_ordered',
    feature: 'Correlation: temporal_ordered',
    spec: `${C} Ordered Temporal Proximity`,
    title: 'rules must occur in the listed order',
    rule: `title: c
id: corr
correlation:
  type: temporal_ordered
  rules: [first, second]
  group-by: [User]
  timespan: 10m
---
title: first
id: first
logsource:
  product: conformance
detection:
  sel:
    k: 1
  condition: sel
---
title: second
id: second
logsource:
  product: conformance
detection:
  sel:
    k: 2
  condition: sel
`,
    events: [
      ev({ k: 2, User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ k: 1, User: 'a' }, '2024-01-01T00:01:00Z'),
      ev({ k: 2, User: 'b' }, '2024-01-01T00:01:00Z'),
      ev({ k: 1, User: 'b' }, '2024-01-01T00:02:00Z'),
      ev({ k: 2, User: 'a' }, '2024-01-01T00:03:00Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.value_sum',
    feature: 'Correlation: value_sum',
    spec: `${C} Value Sum`,
    title: 'sum of a numeric field per group',
    rule: `title: exfil
id: corr
correlation:
  type: value_sum
  rules: [web]
  group-by: [SourceIP]
  timespan: 1h
  condition:
    field: bytes_sent
    gt: 1000
---
title: web
id: web
logsource:
  product: conformance
detection:
  sel:
    kind: web
  condition: sel
`,
    events: [
      ev({ kind: 'web', SourceIP: '1.1.1.1', bytes_sent: 600 }, '2024-01-01T00:00:00Z'),
      ev({ kind: 'web', SourceIP: '2.2.2.2', bytes_sent: 900 }, '2024-01-01T00:00:10Z'),
      ev({ kind: 'web', SourceIP: '1.1.1.1', bytes_sent: '500' }, '2024-01-01T00:00:20Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.value_avg',
    feature: 'Correlation: value_avg',
    spec: `${C} Value Average`,
    title: 'average of a numeric field per group',
    rule: `title: avg
id: corr
correlation:
  type: value_avg
  rules: [web]
  group-by: [SourceIP]
  timespan: 1h
  condition:
    field: BytesOut
    gt: 500
---
title: web
id: web
logsource:
  product: conformance
detection:
  sel:
    kind: web
  condition: sel
`,
    events: [
      ev({ kind: 'web', SourceIP: 'a', BytesOut: 100 }, '2024-01-01T00:00:00Z'),
      ev({ kind: 'web', SourceIP: 'b', BytesOut: 400 }, '2024-01-01T00:00:00Z'),
      ev({ kind: 'web', SourceIP: 'b', BytesOut: 800 }, '2024-01-01T00:00:10Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.value_percentile',
    feature: 'Correlation: value_percentile',
    spec: `${C} Value Percentile (a value's share of the group's events, in percent)`,
    title: 'a rare value (<= 10% of the group) fires once the window closes',
    rule: `title: rare
id: corr
correlation:
  type: value_percentile
  rules: [proc]
  group-by: [ComputerName]
  timespan: 1h
  condition:
    field: Image
    lte: 10
---
title: proc
id: proc
logsource:
  product: conformance
detection:
  sel:
    kind: proc
  condition: sel
`,
    events: [
      ...Array.from({ length: 10 }, (_, i) => ev({ kind: 'proc', ComputerName: 'h', Image: 'common.exe' }, `2024-01-01T00:0${i}:00Z`)),
      ev({ kind: 'proc', ComputerName: 'h', Image: 'rare.exe' }, '2024-01-01T00:10:00Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.aliases',
    feature: 'Correlation: aliases',
    spec: `${C} Field Name Aliases`,
    title: 'group-by on an alias reading different fields per rule',
    rule: `title: alias
id: corr
correlation:
  type: temporal
  rules: [internal_error, new_network_connection]
  group-by: [internal_ip]
  timespan: 10s
  aliases:
    internal_ip:
      internal_error: destination.ip
      new_network_connection: source.ip
---
title: e
id: e1
name: internal_error
logsource:
  product: conformance
detection:
  sel:
    status: 500
  condition: sel
---
title: n
id: n1
name: new_network_connection
logsource:
  product: conformance
detection:
  sel:
    event: connection
  condition: sel
`,
    events: [
      ev({ status: 500, 'destination.ip': '10.0.0.5' }, '2024-01-01T00:00:00Z'),
      ev({ event: 'connection', 'source.ip': '10.0.0.9' }, '2024-01-01T00:00:02Z'),
      ev({ event: 'connection', 'source.ip': '10.0.0.5' }, '2024-01-01T00:00:04Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.chain',
    feature: 'Correlation: chains',
    spec: `${C} Example: Failed Logins Followed by Successful Login`,
    title: 'event_count feeding temporal_ordered; only the outer correlation reports',
    rule: `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: corr
correlation:
  type: temporal_ordered
  rules:
    - multiple_failed_login
    - successful_login
  group-by:
    - User
  timespan: 10m
level: high
---
title: Multiple failed logons
id: mfl
name: multiple_failed_login
correlation:
  type: event_count
  rules:
    - failed_login
  group-by:
    - User
  timespan: 10m
  condition:
    gte: 3
---
title: Single failed login
id: fl
name: failed_login
logsource:
  product: conformance
detection:
  selection:
    EventID:
      - 529
      - 4625
  condition: selection
---
title: Successful login
id: sl
name: successful_login
logsource:
  product: conformance
detection:
  selection:
    EventID:
      - 528
      - 4624
  condition: selection
`,
    events: [
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:00Z'),
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:10Z'),
      ev({ EventID: 4625, User: 'a' }, '2024-01-01T00:00:20Z'),
      ev({ EventID: 4624, User: 'a' }, '2024-01-01T00:00:30Z'),
      ev({ EventID: 4625, User: 'b' }, '2024-01-01T00:00:00Z'),
      ev({ EventID: 4624, User: 'b' }, '2024-01-01T00:00:30Z'),
    ],
    correlations: 1,
  },
  {
    id: 'correlation.unknown-rule',
    feature: 'Correlation: errors',
    spec: `${C} Related rules`,
    title: 'a correlation naming a rule that is not loaded is refused',
    rule: `title: c
id: corr
correlation:
  type: event_count
  rules: [nothing_here]
  group-by: [User]
  timespan: 1m
  condition:
    gte: 2
`,
    events: [],
    refused: "'nothing_here' is not loaded",
  },
];
