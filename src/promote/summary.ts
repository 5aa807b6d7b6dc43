import { z } from 'zod';

export const PromoteInputSchema = z.object({
  db: z.string().min(1),
  /** The prompt library: a Git work tree. */
  repo: z.string().min(1),
  /** Who promotes: recorded in the audit log. */
  promoter: z.string().min(1),
  /** The workflow id; also in the commit message, which is how a retried promotion finds its commit. */
  promotionId: z.string().min(1),
});
export type PromoteInput = z.infer<typeof PromoteInputSchema>;

export const PromoteSummarySchema = z.object({
  promotionId: z.string(),
  /** null when nothing was approved. */
  commit: z.string().nullable(),
  promoted: z.number().int().nonnegative(),
  files: z.array(z.object({ itemId: z.string(), patternId: z.string(), slug: z.string(), path: z.string() })),
});
export type PromoteSummary = z.infer<typeof PromoteSummarySchema>;
