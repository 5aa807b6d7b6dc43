import { z } from 'zod';
import { CanonicalTemplateSchema } from '../normalize/canonical.js';

/**
 * What promotion writes out: the approved template and who approved it. Every file format in this
 * folder is a pure function of one record, so the same record always gives the same bytes.
 */

/** ISO 8601 in UTC (`…Z`): timestamps in the library must compare as strings and diff cleanly. */
const IsoUtcSchema = z.iso.datetime({ offset: false, message: 'an ISO 8601 UTC timestamp ending in Z' });

export const PromotionReviewSchema = z
  .object({
    triageItemId: z.string().min(1),
    /** Everyone who acted on the triage item, the approver included. */
    reviewers: z.array(z.string().min(1)).min(1),
    approvedBy: z.string().min(1),
    approvedAt: IsoUtcSchema,
    notes: z.array(z.string()),
  })
  .refine((r) => r.reviewers.includes(r.approvedBy), {
    message: 'the approver must be one of the reviewers',
    path: ['approvedBy'],
  })
  .refine((r) => new Set(r.reviewers).size === r.reviewers.length, {
    message: 'reviewers are listed once each',
    path: ['reviewers'],
  });
export type PromotionReview = z.infer<typeof PromotionReviewSchema>;

export const PromotionRecordSchema = z.object({
  template: CanonicalTemplateSchema,
  review: PromotionReviewSchema,
  promotedAt: IsoUtcSchema,
});
export type PromotionRecord = z.infer<typeof PromotionRecordSchema>;
