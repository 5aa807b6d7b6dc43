import { describe, expect, it } from 'vitest';

import { PromotionRecordSchema } from '../../../src/promote/record.js';
import { plainRecord } from './fixtures.js';

describe('PromotionRecordSchema', () => {
  const r = plainRecord();

  it('accepts a promoted template with its review', () => {
    expect(PromotionRecordSchema.parse(r)).toEqual(r);
  });

  it('wants UTC timestamps, an approver among the reviewers and each reviewer once', () => {
    expect(PromotionRecordSchema.safeParse({ ...r, promotedAt: '2024-06-02T12:16:30+02:00' }).success).toBe(
      false,
    );
    expect(PromotionRecordSchema.safeParse({ ...r, promotedAt: 'yesterday' }).success).toBe(false);
    expect(
      PromotionRecordSchema.safeParse({ ...r, review: { ...r.review, approvedBy: 'mallory' } }).success,
    ).toBe(false);
    expect(
      PromotionRecordSchema.safeParse({ ...r, review: { ...r.review, reviewers: ['dana', 'dana'] } }).success,
    ).toBe(false);
  });

  it('checks the template too: a slot without a variable is refused', () => {
    const template = { ...r.template, template: `${r.template.template} {{extra}}` };
    expect(PromotionRecordSchema.safeParse({ ...r, template }).success).toBe(false);
  });
});
