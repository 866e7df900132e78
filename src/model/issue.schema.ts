import { z } from 'zod';

/** Zod schema of a case Issue (mirrors core/issues.ts). */
export const IssueSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  location: z
    .object({
      path: z.string().optional(),
      line: z.number().optional(),
      col: z.number().optional(),
      offset: z.number().optional(),
      record: z.number().optional(),
      chunk: z.number().optional(),
    })
    .optional(),
});
