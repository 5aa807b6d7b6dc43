import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PogError } from '../../errors.js';
import { templatedSetWithSlots } from '../../eval/labelled-sets.js';
import { evaluateSlots, slotGroups, type SlotEvaluation } from '../../eval/slots.js';

const Share = z.number().min(0).max(1);

export const SlotEvalDocumentSchema = z
  .object({
    templates: z.number().int(),
    members: z.number().int(),
    precision: Share,
    recall: Share,
    f1: Share,
    /** Share of templates induced with exactly the true template's literal text. */
    exactTemplates: Share,
  })
  .strict();
export type SlotEvalDocument = z.infer<typeof SlotEvalDocumentSchema>;

/**
 * `pog eval slots`: induces a template from the fills of each `${Name:default}` template of
 * awesome-chatgpt-prompts (the templated set of `pog eval clusters`, without its noise) and scores
 * the slot boundaries against the filled values (src/eval/slots.ts defines the metric).
 */
export function evalSlots(promptsDir = '../shared/corpora/prompts'): SlotEvaluation {
  const dir = resolve(promptsDir);
  if (!existsSync(resolve(dir, 'awesome-chatgpt-prompts.csv'))) {
    throw new PogError(
      'USAGE',
      `No templated prompt set in ${dir}: pass --prompts <dir> with awesome-chatgpt-prompts.csv`,
    );
  }
  // Noise is left out: it belongs to no template. The fills are the same without it.
  return evaluateSlots(slotGroups(templatedSetWithSlots(dir, { noise: 0 })));
}

export function slotEvalDocument(evaluation: SlotEvaluation): SlotEvalDocument {
  const { templates, members, precision, recall, f1, exactTemplates } = evaluation;
  return { templates, members, precision, recall, f1, exactTemplates };
}

/** The scores, then the templates with the most missed and spurious slots (where to look first). */
export function formatSlotEval(evaluation: SlotEvaluation, worst = 10): string {
  const e = evaluation;
  const misses = (t: SlotEvaluation['perTemplate'][number]): number =>
    t.trueSlots - t.matched + (t.predictedSlots - t.matched);
  const lines = [
    `${e.templates} templates, ${e.members} fills: ${e.trueSlots} true slots (${e.shrunk} narrowed to what the fills show), ${e.predictedSlots} predicted, ${e.matched} matched`,
    `  precision ${e.precision.toFixed(3)}  recall ${e.recall.toFixed(3)}  F1 ${e.f1.toFixed(3)}  exact templates ${(100 * e.exactTemplates).toFixed(1)}%`,
  ];
  const ranked = e.perTemplate.filter((t) => misses(t) > 0).sort((a, b) => misses(b) - misses(a));
  if (ranked.length > 0) lines.push(`worst templates (missed + spurious slots):`);
  for (const t of ranked.slice(0, worst)) {
    lines.push(
      `  ${t.label}: ${t.trueSlots} true, ${t.predictedSlots} predicted, ${t.matched} matched` +
        (t.unmatchedMembers > 0 ? `, ${t.unmatchedMembers} fills not reproduced` : '') +
        (t.error ? ` (induction failed: ${t.error.slice(0, 80)})` : ''),
    );
  }
  return lines.join('\n');
}
