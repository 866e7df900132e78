/**
 * The Sigma intermediate representation (IR): the single hand-off from rule loading (sigma/) to every
 * execution path — the in-process engine (engine/) and the SQL compilers (compile/). Design: docs/adr/0008-sigma-ir.md.
 *
 * Rules of the IR:
 * - It is plain data (JSON-serialisable, no closures, no RegExp objects), so a backend can inspect and
 *   translate it, and tests can compare it.
 * - Every Sigma modifier is already applied: a backend never sees `contains`, `windash`, `base64offset`...,
 *   only the primitive tests below. `all`/`neq`/list semantics are already and/or/not nodes.
 * - Field names are final: logsource → source conditions and field renames (content/mappings/) are applied
 *   once, before any backend sees the rule, so the engine and SQL cannot disagree.
 */

/** One piece of a wildcard pattern: literal text, `*` (any run, possibly empty) or `?` (exactly one character). */
export type PatternPart = { t: 'lit'; v: string } | { t: 'any' } | { t: 'one' };

/**
 * A primitive test on one value. String tests compare the value's text form (numbers and booleans as
 * JavaScript prints them); `cased: false` compares case-insensitively (Sigma's default).
 */
export type ValueTest =
  /** Whole-value wildcard match (`*`/`?`); a pattern with only literals is plain equality. */
  | { op: 'pattern'; parts: PatternPart[]; cased: boolean }
  /** Regular expression (RE2 syntax subset of PCRE), unanchored; flags from `re|i|m|s`. */
  | { op: 're'; source: string; flags: { i: boolean; m: boolean; s: boolean } }
  /** IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fe80::/10`). */
  | { op: 'cidr'; cidr: string }
  /** Numeric comparison; non-numeric values never match. */
  | { op: 'cmp'; cmp: NumCmp; value: number }
  /** Field absent or JSON null (Sigma `field: null`). */
  | { op: 'null' }
  /** Field present (any value, even empty or null) when `value`, absent otherwise (`|exists`). */
  | { op: 'exists'; value: boolean }
  /** Compare with another field of the same event (`|fieldref`, optionally with startswith/endswith/contains). */
  | { op: 'fieldref'; ref: string; mode: 'eq' | 'prefix' | 'suffix' | 'contains'; cased: boolean }
  /** A part of a date value (`|minute`, `|hour`...), compared numerically. */
  | { op: 'timepart'; part: TimePart; cmp: NumCmp; value: number };

/** Numeric comparison operators. */
export type NumCmp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

/** Date parts of the time modifiers. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A boolean expression over one event. */
export type Expr =
  | { kind: 'and'; args: Expr[] }
  | { kind: 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'const'; value: boolean }
  /** A test on one named field. A multi-valued (list) field matches when any element matches. */
  | { kind: 'field'; field: string; test: ValueTest }
  /** Keyword search: the test holds for at least one field value of the event. */
  | { kind: 'keyword'; test: ValueTest };

/** The logsource of a rule, as written. */
export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
}

/** Where a rule came from. */
export interface RuleOrigin {
  file: string;
  /** 1-based line and column of the rule document's first key. */
  line: number;
  col: number;
}

/** Metadata common to detection and correlation rules. */
export interface RuleMeta {
  id: string;
  /** Correlation-local name (`name:`), used by correlations and aliases. */
  name?: string;
  title: string;
  level: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  status?: string;
  tags: string[];
  origin: RuleOrigin;
}

/** A detection rule in IR form. */
export interface DetectionIR extends RuleMeta {
  type: 'detection';
  logsource: Logsource;
  /** The detection as written, after modifiers, before logsource mapping (field names as in the rule). */
  detection: Expr;
  /** Fields the rule looks at (reported with findings). */
  fields: string[];
  /** The rule's `fields:` attribute: fields worth showing with a match (reported with findings too). */
  show?: string[];
  /** Filters (Sigma 2 meta filters) applied to this rule, by id; already folded into `detection` as `and not`. */
  filters: string[];
}

/** Correlation types of Sigma 2.1. */
export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** A correlation condition: every present bound must hold. */
export interface CorrelationCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
  /** The field aggregated by value_* correlations. */
  field?: string;
}

/** A correlation rule in IR form. */
export interface CorrelationIR extends RuleMeta {
  type: 'correlation';
  correlation: CorrelationType;
  /** Referenced rule ids (names already resolved). */
  rules: string[];
  groupBy: string[];
  /** Window length in milliseconds. */
  timespanMs: number;
  condition: CorrelationCondition;
  /** alias → (rule id → field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** `generate: true`: the referenced rules also report findings of their own. */
  generate: boolean;
}

/** A detection rule after logsource mapping: ready for a backend. */
export interface MappedRule {
  rule: DetectionIR;
  /** One entry per mapped event source: the source type, and the full expression (source conditions AND renamed detection). */
  targets: Array<{ source: string; expr: Expr; mapping: string; show?: string[] }>;
}
