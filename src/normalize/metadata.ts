import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Bayes from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { z } from 'zod';
import { contentTokens } from '../embed/tokenize.js';
import { SLOT_PATTERN } from './template-text.js';

/*
 * Offline metadata for a template: its SDLC phase and a task tag from naive Bayes classifiers (natural)
 * trained on a small labelled set the project ships (data/metadata/labelled-prompts.jsonl), and a title
 * and an intent summary written from the template itself. Everything here is deterministic: the same
 * template always gets the same metadata, with or without a network.
 */

export const SDLC_PHASES = [
  'requirements',
  'design',
  'development',
  'testing',
  'deployment',
  'maintenance',
  'other',
] as const;
export const SdlcPhaseSchema = z.enum(SDLC_PHASES);
export type SdlcPhase = z.infer<typeof SdlcPhaseSchema>;

export const LabelledPromptSchema = z.object({
  text: z.string().min(1),
  phase: SdlcPhaseSchema,
  task: z.string().regex(/^[a-z][a-z0-9-]*$/),
});
export type LabelledPrompt = z.infer<typeof LabelledPromptSchema>;

export const LABELLED_PROMPTS_PATH = resolve(
  import.meta.dirname,
  '../../data/metadata/labelled-prompts.jsonl',
);

export function readLabelledPrompts(path = LABELLED_PROMPTS_PATH): LabelledPrompt[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = LabelledPromptSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${path}:${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return parsed.data;
    });
}

/**
 * What the classifiers read: content stems, with each slot read as the words of its name (a
 * `{{stack_trace}}` says "stack trace", which says debugging).
 */
export function features(text: string): string[] {
  return contentTokens(text.replace(SLOT_PATTERN, (_whole, name: string) => ` ${name.replace(/_/g, ' ')} `));
}

export interface Classification<T extends string> {
  label: T;
  /** The label's share of the classifier's probability mass over all labels. */
  confidence: number;
}

export interface MetadataClassifier {
  phase(text: string): Classification<SdlcPhase>;
  /**
   * The task within the phase (`code-review`, `unit-tests`…): one classifier per phase, since across
   * all 35 tasks at once the labelled set is too thin (10-fold accuracy 0.15 against 0.40 this way).
   */
  task(text: string): Classification<string>;
}

/** Trains the classifiers; documents are added in file order, so training is deterministic. */
export function trainMetadataClassifier(rows: readonly LabelledPrompt[]): MetadataClassifier {
  const phase = new Bayes();
  const tasks = new Map<string, Bayes>();
  for (const row of rows) {
    const tokens = features(row.text);
    if (tokens.length === 0) continue;
    phase.addDocument(tokens, row.phase);
    let task = tasks.get(row.phase);
    if (!task) tasks.set(row.phase, (task = new Bayes()));
    task.addDocument(tokens, row.task);
  }
  phase.train();
  for (const task of tasks.values()) task.train();
  const classify = (
    classifier: Bayes | undefined,
    text: string,
    fallback: string,
  ): Classification<string> => {
    const tokens = features(text);
    if (!classifier || tokens.length === 0) return { label: fallback, confidence: 0 };
    const scores = classifier.getClassifications(tokens);
    const total = scores.reduce((sum, s) => sum + s.value, 0);
    // Ties go to the label first in alphabetical order, so the result never depends on map order.
    const best = [...scores].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))[0];
    if (!best || total <= 0) return { label: fallback, confidence: 0 };
    return { label: best.label, confidence: best.value / total };
  };
  const phaseOf = (text: string): Classification<SdlcPhase> =>
    classify(phase, text, 'other') as Classification<SdlcPhase>;
  return {
    phase: phaseOf,
    task: (text) => classify(tasks.get(phaseOf(text).label), text, 'general'),
  };
}

let shipped: MetadataClassifier | undefined;

/** The classifier trained on the shipped labelled set, trained once per process. */
export function metadataClassifier(): MetadataClassifier {
  shipped ??= trainMetadataClassifier(readLabelledPrompts());
  return shipped;
}

const TITLE_WORDS = 8;

/**
 * A short title from the template's opening: its first sentence, slots read as their names, cut to
 * eight words. "Review the following {{language}} code for {{purpose}}: {{code}}" → "Review the
 * following language code for purpose".
 */
export function titleFor(template: string): string {
  const readable = template
    .replace(SLOT_PATTERN, (_whole, name: string) => name.replace(/_/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = readable.split(/(?<=[.!?:;])\s|\n/)[0] ?? readable;
  const words = sentence
    .replace(/[.!?:;,]+$/, '')
    .split(' ')
    .filter((w) => w !== '');
  const title = words.slice(0, TITLE_WORDS).join(' ') + (words.length > TITLE_WORDS ? '…' : '');
  if (title === '') return 'Untitled prompt';
  return title.charAt(0).toUpperCase() + title.slice(1);
}

/** A one-sentence summary of what the template asks and what varies, for the library's listing. */
export function intentFor(title: string, phase: SdlcPhase, task: string, slots: readonly string[]): string {
  const varies = slots.length === 0 ? 'no slots' : `slots ${slots.map((s) => `{{${s}}}`).join(', ')}`;
  return `${title} (${task.replace(/-/g, ' ')}, ${phase} phase); ${varies}.`;
}

/** A stable, readable id: the title's words in kebab case, and a short hash that keeps it unique. */
export function slugFor(title: string, uniqueSuffix: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '')
    .slice(0, 6);
  const suffix = uniqueSuffix
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(-6);
  return [...(words.length ? words : ['prompt']), suffix].join('-');
}
