import { z } from 'zod';

/**
 * Zod schemas for the three Sigma document kinds (json-schema/ of the specification, v2.1): detection rules,
 * correlation rules and filters. Unknown top-level keys are allowed (the spec lets tools add their own);
 * what the engine relies on is checked strictly.
 */

const str = z.string();
const strList = z.array(z.string());
/** `date`/`modified` may be read by YAML as dates or strings. */
const dateLike = z.union([z.string(), z.date()]);

/** Logsource: product/category/service strings, `definition` free text. */
export const LogsourceSchema = z
  .object({
    product: str.optional(),
    category: str.optional(),
    service: str.optional(),
    definition: z.unknown().optional(),
  })
  .loose();

/** Levels of the rules specification. */
export const LevelSchema = z.enum(['informational', 'low', 'medium', 'high', 'critical']);

const common = {
  title: str.min(1),
  id: str.optional(),
  name: str.optional(),
  status: str.optional(),
  description: str.optional(),
  author: str.optional(),
  references: strList.optional(),
  date: dateLike.optional(),
  modified: dateLike.optional(),
  tags: strList.optional(),
  taxonomy: str.optional(),
  falsepositives: z.union([strList, str]).optional(),
};

/** A detection: search identifiers (maps or lists) and `condition` (string or list of strings). */
export const DetectionSchema = z
  .object({
    condition: z.union([str, z.array(str).min(1)]),
  })
  .catchall(z.unknown());

/** A detection rule document. */
export const DetectionRuleSchema = z
  .object({
    ...common,
    logsource: LogsourceSchema,
    detection: DetectionSchema,
    level: LevelSchema.optional(),
    fields: strList.optional(),
  })
  .loose();
/** A detection rule document. */
export type DetectionRuleDoc = z.infer<typeof DetectionRuleSchema>;

const num = z.number();

/** The `correlation:` section. */
export const CorrelationSectionSchema = z
  .object({
    type: z.enum(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile']),
    rules: z.union([z.array(str).min(1), str]),
    'group-by': z.union([strList, str]).optional(),
    timespan: z.union([str.regex(/^\d+[smhdwMy]$/, 'timespan must be a number and a unit (s, m, h, d)'), z.number()]),
    condition: z
      .object({ gt: num, gte: num, lt: num, lte: num, eq: num, neq: num, field: z.union([str, strList]) })
      .partial()
      .strict()
      .optional(),
    aliases: z.record(str, z.record(str, str)).optional(),
    generate: z.boolean().optional(),
  })
  .strict();

/** A correlation rule document. */
export const CorrelationRuleSchema = z
  .object({
    ...common,
    correlation: CorrelationSectionSchema,
    level: LevelSchema.optional(),
    generate: z.boolean().optional(),
  })
  .loose();
/** A correlation rule document. */
export type CorrelationRuleDoc = z.infer<typeof CorrelationRuleSchema>;

/** A filter (meta filter) document. */
export const FilterRuleSchema = z
  .object({
    ...common,
    logsource: LogsourceSchema,
    filter: z
      .object({
        rules: z.union([z.array(str), str]).optional(),
        condition: z.union([str, z.array(str).min(1)]),
      })
      .catchall(z.unknown()),
  })
  .loose();
/** A filter document. */
export type FilterRuleDoc = z.infer<typeof FilterRuleSchema>;
