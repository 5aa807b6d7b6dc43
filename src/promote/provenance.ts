import { describeSlot, type CanonicalTemplate, type Variable } from '../normalize/canonical.js';
import type { PromotionRecord } from './record.js';

/**
 * Where a promoted template came from and who approved it, as every format writes it. Built field by
 * field rather than spread so the key order, and so the bytes, do not depend on the order the record's
 * keys arrived in (a record read back from JSON or DuckDB may list them differently).
 */
export function provenance(r: PromotionRecord) {
  const t = r.template;
  return {
    id: t.id,
    patternId: t.patternId,
    title: t.title,
    phase: t.phase,
    tags: [...t.tags],
    version: t.version,
    method: t.method,
    source: {
      occurrences: t.source.occurrences,
      distinctAuthors: t.source.distinctAuthors,
      conversations: t.source.conversations,
      firstSeen: t.source.firstSeen,
      lastSeen: t.source.lastSeen,
      formats: [...t.source.formats],
    },
    quality: { cohesion: t.quality.cohesion, coverage: t.quality.coverage },
    review: {
      triageItemId: r.review.triageItemId,
      reviewers: [...r.review.reviewers],
      approvedBy: r.review.approvedBy,
      approvedAt: r.review.approvedAt,
      notes: [...r.review.notes],
    },
    promotedAt: r.promotedAt,
  };
}
export type Provenance = ReturnType<typeof provenance>;

/**
 * A variable's description on one line, never empty: schema formats (Picoschema's `type, description`
 * string, XML attributes and comments) cannot hold a line break, and an empty one says nothing.
 */
export function oneLineDescription(v: Variable): string {
  const flat = (text: string): string => text.replace(/\s+/g, ' ').trim();
  return flat(v.description) || flat(describeSlot(v.name, v.examples));
}

/** Template text as every format writes it: leading and trailing whitespace is not significant. */
export function templateText(t: CanonicalTemplate): string {
  return t.template.trim();
}
