import { buildCanonical, type CanonicalInput } from '../../../src/normalize/canonical.js';
import { PromotionRecordSchema, type PromotionRecord } from '../../../src/promote/record.js';

/** A valid promotion record for `template`, with slots and review details overridable. */
export function promotionRecord(
  template: string,
  slots: CanonicalInput['slots'],
  overrides: { title?: string; intent?: string; notes?: string[]; approvedBy?: string } = {},
): PromotionRecord {
  const canonical = buildCanonical({
    patternId: 'pattern-0042',
    slug: 'review-code-for-issues-0042',
    template,
    slots,
    previous: { template, version: 3 },
    keywords: ['review', 'code'],
    cohesion: 0.81,
    coverage: 0.9,
    method: 'heuristic',
    source: {
      occurrences: 14,
      distinctAuthors: 4,
      conversations: 9,
      firstSeen: '2024-03-01T09:00:00.000Z',
      lastSeen: '2024-05-30T17:45:00.000Z',
      formats: ['chatgpt', 'openai-jsonl'],
    },
    model: {
      title: overrides.title ?? 'Review code for issues',
      intent: overrides.intent,
      phase: 'development',
    },
  });
  const approvedBy = overrides.approvedBy ?? 'dana';
  return PromotionRecordSchema.parse({
    template: canonical,
    review: {
      triageItemId: 'triage-7',
      reviewers: ['alex', approvedBy],
      approvedBy,
      approvedAt: '2024-06-02T10:15:00.000Z',
      notes: overrides.notes ?? ['Looks good.'],
    },
    promotedAt: '2024-06-02T10:16:30.000Z',
  });
}

/** The plain, friendly case. */
export function plainRecord(): PromotionRecord {
  return promotionRecord('Review the following {{language}} code for {{purpose}}:\n{{code}}', [
    { name: 'language', examples: ['Go', 'Rust'] },
    { name: 'purpose', examples: ['race conditions', ''], description: 'what to look for' },
    { name: 'code', examples: ['func main() {}'] },
  ]);
}

/** Chat text at its worst: braces that are not slots, markup, YAML syntax, quotes, unicode. */
export const HOSTILE_TEMPLATE = [
  'Fix this {{language}} snippet: `const o = {{Not_A_Slot}}; y = {{not-a-slot}}; x = {{ spaced }}; {{#each}}{{/each}}`',
  '<script>alert(1)</script> & &amp; "double" \'single\' ]]> <!-- c --> #lt; #hash; #lbrace; {}',
  'Path C:\\{{file_path}} and \\{{code}} and {{{code}}} and {{{{language}}}} \\\\{{code}}',
  '---',
  'naïve café 🚀 日本語 — ünïcödé: # - --- yes no on 2024-05-01',
  '{{code}}',
].join('\n');

export function hostileRecord(): PromotionRecord {
  return promotionRecord(
    HOSTILE_TEMPLATE,
    [
      { name: 'language', examples: ['TypeScript'] },
      { name: 'file_path', examples: ['src\\app.ts'], required: false },
      { name: 'code', examples: ['if (a < b && c) { return "{{x}}"; }'] },
    ],
    {
      title: ': # - --- "x" \'y\' {{z}} <b>&amp; 🚀',
      intent: 'Fixes a snippet.\n---\nname: evil\n',
      notes: [
        'Approved: # not a comment',
        '---',
        'multi\nline <i>&</i>',
        'yes',
        'on',
        '2024-05-01',
        '0o17',
        '1_000',
        'NEL\u0085 LS\u2028 BOM\ufeff DEL\u007f',
      ],
    },
  );
}
