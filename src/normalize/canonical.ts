import { z } from 'zod';
import {
  SdlcPhaseSchema,
  intentFor,
  metadataClassifier,
  slugFor,
  titleFor,
  type SdlcPhase,
} from './metadata.js';
import { slotNames } from './template-text.js';

/**
 * The canonical POG template: what a pattern becomes once normalised, what reviewers triage and what
 * promotion writes into the prompt library. Stored whole in `patterns.canonical` and checked against
 * this schema on every write.
 */
export const VariableSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'variable names are snake_case'),
  description: z.string(),
  /** A slot every member fills with something; false when some members leave it empty. */
  required: z.boolean(),
  examples: z.array(z.string()).max(5),
});
export type Variable = z.infer<typeof VariableSchema>;

export const CanonicalTemplateSchema = z
  .object({
    /** Stable across runs and edits: set when the pattern is first normalised, never recomputed. */
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a kebab-case slug'),
    patternId: z.string().min(1),
    title: z.string().min(1).max(120),
    intent: z.string().min(1),
    phase: SdlcPhaseSchema,
    tags: z.array(z.string().min(1)).max(8),
    template: z.string().min(1),
    variables: z.array(VariableSchema),
    source: z.object({
      occurrences: z.number().int().nonnegative(),
      distinctAuthors: z.number().int().nonnegative(),
      conversations: z.number().int().nonnegative(),
      firstSeen: z.string().nullable(),
      lastSeen: z.string().nullable(),
      formats: z.array(z.string()),
    }),
    quality: z.object({
      cohesion: z.number().nullable(),
      /** Share of the members the template reproduces when its slots are filled. */
      coverage: z.number().min(0).max(1),
    }),
    /** `heuristic` for the deterministic path, else the model id that wrote the template. */
    method: z.string().min(1),
    /** 1 for the first template, one more each time the template text changes. */
    version: z.number().int().positive(),
  })
  .superRefine((t, ctx) => {
    const used = slotNames(t.template);
    const declared = t.variables.map((v) => v.name);
    for (const name of used.filter((n) => !declared.includes(n)))
      ctx.addIssue({ code: 'custom', message: `slot {{${name}}} is not declared`, path: ['variables'] });
    for (const name of declared.filter((n) => !used.includes(n)))
      ctx.addIssue({ code: 'custom', message: `variable ${name} is not used`, path: ['variables'] });
  });
export type CanonicalTemplate = z.infer<typeof CanonicalTemplateSchema>;

/** Descriptions for slots whose name says what they hold; others get one from their examples. */
const KNOWN_SLOTS: Readonly<Record<string, string>> = {
  code: 'the code the prompt is about, pasted',
  stack_trace: 'a pasted stack trace',
  log: 'pasted log lines',
  document: 'a pasted document or long text',
  image: 'an attached image',
  attachment: 'an attached file',
  language: 'a programming or natural language',
  file_path: 'a file path',
  url: 'a URL',
  ticket_id: 'a ticket or issue id',
  email: 'an email address (redacted at import)',
  person: "a person's name (redacted at import)",
  api_key: 'an API key (redacted at import)',
  token: 'an access token (redacted at import)',
  secret: 'a secret (redacted at import)',
  password: 'a password (redacted at import)',
};

export function describeSlot(name: string, examples: readonly string[]): string {
  const known = KNOWN_SLOTS[name.replace(/_\d+$/, '')];
  if (known) return known;
  const shown = examples
    .slice(0, 3)
    .map((e) => (e.length > 40 ? `${e.slice(0, 39)}…` : e))
    .map((e) => JSON.stringify(e));
  const readable = name.replace(/_/g, ' ');
  return shown.length > 0 ? `the ${readable}, e.g. ${shown.join(', ')}` : `the ${readable}`;
}

export interface CanonicalInput {
  patternId: string;
  /** The slug already given to this pattern, kept as it is; null the first time. */
  slug: string | null;
  template: string;
  slots: readonly { name: string; examples: readonly string[]; description?: string; required?: boolean }[];
  /** The template this pattern had before, and its version; null the first time. */
  previous: { template: string; version: number } | null;
  keywords: readonly string[];
  cohesion: number | null;
  coverage: number;
  method: string;
  source: CanonicalTemplate['source'];
  /** What a model said of the template, when one was asked; it wins over the classifier. */
  model?: { title?: string; intent?: string; phase?: SdlcPhase; tags?: readonly string[] };
}

const MAX_TAGS = 6;

function tag(word: string): string {
  return word
    .toLowerCase()
    .replace(/[^a-z0-9+#.]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Builds and validates a pattern's canonical template; deterministic for the same input. */
export function buildCanonical(input: CanonicalInput): CanonicalTemplate {
  const classifier = metadataClassifier();
  const phase = input.model?.phase ?? classifier.phase(input.template).label;
  const task = classifier.task(input.template).label;
  const title = input.model?.title?.trim() || titleFor(input.template);
  const used = slotNames(input.template);
  const variables = used.map((name) => {
    const slot = input.slots.find((s) => s.name === name);
    const examples = [...(slot?.examples ?? [])].slice(0, 5);
    return {
      name,
      description: slot?.description?.trim() || describeSlot(name, examples),
      required: slot?.required ?? !examples.some((e) => e.trim() === ''),
      examples,
    };
  });
  const tags = [
    ...new Set([...(input.model?.tags ?? []), task, ...input.keywords].map(tag).filter((t) => t !== '')),
  ].slice(0, MAX_TAGS);
  const version = !input.previous
    ? 1
    : input.previous.template === input.template
      ? input.previous.version
      : input.previous.version + 1;
  return CanonicalTemplateSchema.parse({
    id: input.slug ?? slugFor(title, input.patternId),
    patternId: input.patternId,
    title: title.length > 120 ? `${title.slice(0, 119)}…` : title,
    intent: input.model?.intent?.trim() || intentFor(title, phase, task, used),
    phase,
    tags,
    template: input.template,
    variables,
    source: input.source,
    quality: { cohesion: input.cohesion, coverage: Math.min(1, Math.max(0, input.coverage)) },
    method: input.method,
    version,
  });
}
