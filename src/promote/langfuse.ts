import { z } from 'zod';
import { CanonicalTemplateSchema, VariableSchema } from '../normalize/canonical.js';
import { SLOT_PATTERN } from '../normalize/template-text.js';
import { PogError } from '../errors.js';
import { provenance, templateText } from './provenance.js';
import { PromotionReviewSchema, type PromotionRecord } from './record.js';

/**
 * Langfuse prompt management (github.com/langfuse/langfuse). The body is what `POST
 * /api/public/v2/prompts` accepts for a text prompt: `CreateTextPromptSchema` in
 * packages/shared/src/features/prompts/types.ts (name, prompt, type 'text', labels, tags, config,
 * commitMessage), with the name rules of prompts/validation.ts and the label and commit-message rules
 * of prompts/constants.ts. Langfuse variables are `{{name}}`, as ours, so the template goes in as it
 * is; the provenance rides in `config.pog` (config is free JSON, returned with every fetched version).
 */

const PROMPT_LABEL = /^[a-z0-9_\-.]+$/;
const COMMIT_MESSAGE_MAX = 500;

/**
 * Promotion is the reviewers' approval, so the version goes live: the SDKs fetch `production` by
 * default. (`latest` is Langfuse's to assign; the UI bulk import drops both.)
 */
const LABELS = ['production'];

const PogConfigSchema = z
  .object({
    id: z.string().min(1),
    patternId: z.string().min(1),
    title: z.string().min(1),
    intent: z.string().min(1),
    phase: CanonicalTemplateSchema.shape.phase,
    tags: z.array(z.string().min(1)),
    version: z.number().int().positive(),
    method: z.string().min(1),
    variables: z.array(VariableSchema),
    /**
     * The prompt holds `{{` that is not one of its variables. Langfuse has no escape for it: the JS
     * SDK compiles with Mustache, which reads it as a tag (rendering nothing, or throwing on `{{#`).
     */
    literalBraces: z.boolean(),
    source: CanonicalTemplateSchema.shape.source,
    quality: CanonicalTemplateSchema.shape.quality,
    review: PromotionReviewSchema,
    promotedAt: z.string().min(1),
  })
  .strict();

export const LangfuseTextPromptSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^|]*$/, 'a Langfuse prompt name cannot contain "|" (prompt composition)')
      .refine(
        (n) => !/^\/|\/$|\/\//.test(n),
        'a Langfuse prompt name is a folder path without empty segments',
      )
      .refine((n) => n !== 'new', 'a Langfuse prompt cannot be named "new"')
      .refine((n) => !/<[^>]*>/.test(n), 'a Langfuse prompt name cannot contain HTML'),
    type: z.literal('text'),
    prompt: z.string().min(1),
    labels: z
      .array(z.string().min(1).max(36).regex(PROMPT_LABEL))
      .refine((labels) => !labels.includes('latest'), 'Langfuse assigns "latest" itself'),
    tags: z.array(z.string().min(1)),
    config: z.object({ pog: PogConfigSchema }).strict(),
    commitMessage: z.string().max(COMMIT_MESSAGE_MAX),
  })
  .strict();
export type LangfuseTextPrompt = z.infer<typeof LangfuseTextPromptSchema>;

export function toLangfusePrompt(r: PromotionRecord): LangfuseTextPrompt {
  const t = r.template;
  const p = provenance(r);
  const prompt = templateText(t);
  const commitMessage =
    `pog v${t.version}: ${t.title}, approved by ${r.review.approvedBy} at ${r.review.approvedAt} ` +
    `(triage item ${r.review.triageItemId})`;
  return {
    name: t.id,
    type: 'text',
    prompt,
    labels: [...LABELS],
    // Tags apply to every version of a Langfuse prompt; the phase is the one a library is browsed by.
    tags: [...new Set([t.phase, ...t.tags])],
    config: {
      pog: {
        id: p.id,
        patternId: p.patternId,
        title: p.title,
        intent: t.intent,
        phase: p.phase,
        tags: p.tags,
        version: p.version,
        method: p.method,
        variables: t.variables.map((v) => ({
          name: v.name,
          description: v.description,
          required: v.required,
          examples: [...v.examples],
        })),
        literalBraces: hasLiteralBraces(prompt),
        source: p.source,
        quality: p.quality,
        review: p.review,
        promotedAt: p.promotedAt,
      },
    },
    commitMessage: cut(commitMessage, COMMIT_MESSAGE_MAX),
  };
}

/** At most `max` UTF-16 units (what Langfuse's zod `.max` counts), never half a surrogate pair. */
function cut(text: string, max: number): string {
  const head = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
}

/** Dropping the slots joins a brace touching one with its neighbour: Mustache misreads those too. */
function hasLiteralBraces(prompt: string): boolean {
  return prompt.replace(SLOT_PATTERN, '').includes('{{');
}

/** The Langfuse UI's bulk import takes at most this many prompts a file. */
export const LANGFUSE_IMPORT_MAX = 500;

/**
 * A file for the Prompts page's Import button (Langfuse PR #13774, `ImportPromptsDialog.tsx`): a JSON
 * array of create bodies, at most 500, each created as a new version of the prompt of that name, in
 * order. That import drops the `production` and `latest` labels, so the versions it creates are not
 * live until someone labels them.
 */
export function toLangfuseImport(records: readonly PromotionRecord[]): LangfuseTextPrompt[] {
  if (records.length > LANGFUSE_IMPORT_MAX)
    throw new PogError(
      'LANGFUSE_IMPORT_TOO_LARGE',
      `${records.length} prompts do not fit one Langfuse import file (at most ${LANGFUSE_IMPORT_MAX}); ` +
        'write them in several files.',
    );
  return records.map(toLangfusePrompt);
}
