import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { embedderFor } from '../../embed/embedders.js';
import { PogError } from '../../errors.js';
import { evaluateClusters } from '../../eval/clusters.js';
import { arenaHardSet, templatedSet } from '../../eval/labelled-sets.js';
import { averageScores, evaluateLoghub, readLoghub } from '../../eval/loghub.js';

export const ClusterEvalDocumentSchema = z.object({
  embedder: z.string(),
  sets: z.array(
    z.object({
      name: z.string(),
      items: z.number().int(),
      classes: z.number().int(),
      patterns: z.number().int(),
      ari: z.number(),
      nmi: z.number(),
      vMeasure: z.number(),
      homogeneity: z.number(),
      completeness: z.number(),
      /** Share of items left out of every pattern. */
      unclustered: z.number(),
      /** Items labelled as noise that ended up in a pattern. */
      noiseInPatterns: z.number().int(),
      /** The joining threshold used. */
      similarity: z.number(),
      silhouette: z.number(),
      embedSeconds: z.number(),
      clusterSeconds: z.number(),
    }),
  ),
});
export type ClusterEvalDocument = z.infer<typeof ClusterEvalDocumentSchema>;

/**
 * `pog eval clusters`: clusters labelled sets as a run does and scores the patterns (ARI, NMI,
 * V-measure): the templated set made from awesome-chatgpt-prompts' `${Name:default}` templates with
 * Chatbot Arena prompts as noise, and arena-hard-v0.1 with its topic clusters.
 */
export async function evalClusters(
  config: Config,
  promptsDir = '../shared/corpora/prompts',
): Promise<ClusterEvalDocument> {
  const dir = resolve(promptsDir);
  if (!existsSync(resolve(dir, 'awesome-chatgpt-prompts.csv'))) {
    throw new PogError(
      'USAGE',
      `No labelled prompt sets in ${dir}: pass --prompts <dir> with awesome-chatgpt-prompts.csv and the arena-hard files`,
    );
  }
  const embedder = await embedderFor(config.embed, config.llm);
  const sets = [
    { name: 'templated (awesome-chatgpt-prompts templates + Arena noise)', items: templatedSet(dir) },
    { name: 'arena-hard-v0.1 (topic clusters)', items: arenaHardSet(dir) },
  ];
  const out: ClusterEvalDocument['sets'] = [];
  for (const set of sets) {
    out.push({ name: set.name, ...(await evaluateClusters(set.items, embedder, config.cluster)) });
  }
  return { embedder: embedder.id, sets: out };
}

export function formatClusterEval(doc: ClusterEvalDocument): string {
  const lines = [`embedder ${doc.embedder}`];
  for (const s of doc.sets) {
    lines.push(
      `${s.name}: ${s.items} prompts, ${s.classes} labels, ${s.patterns} patterns`,
      `  ARI ${s.ari.toFixed(3)}  NMI ${s.nmi.toFixed(3)}  V ${s.vMeasure.toFixed(3)}  unclustered ${(100 * s.unclustered).toFixed(1)}% (noise in patterns: ${s.noiseInPatterns})  threshold ${s.similarity}  (${(s.embedSeconds + s.clusterSeconds).toFixed(1)} s)`,
    );
  }
  return lines.join('\n');
}

const TemplateScoresSchema = z.object({ GA: z.number(), PA: z.number() }).strict();
export const TemplateEvalDocumentSchema = z
  .object({ average: TemplateScoresSchema, systems: z.record(z.string(), TemplateScoresSchema) })
  .strict();
export type TemplateEvalDocument = z.infer<typeof TemplateEvalDocumentSchema>;

/**
 * `pog eval templates`: mines the line templates of each loghub-2k system (`<System>.csv`, the 2022
 * corrected labels) with one configuration and scores grouping accuracy (GA) and parsing accuracy
 * (PA) as src/eval/loghub.ts defines them.
 */
export function evalTemplates(loghubDir = '../shared/corpora/loghub-2k'): TemplateEvalDocument {
  const dir = resolve(loghubDir);
  const systems = readLoghub(dir);
  if (systems.length === 0) {
    throw new PogError(
      'USAGE',
      `No loghub CSV files in ${dir}: pass --loghub <dir> with the <System>.csv files of loghub-2k (columns Content and EventTemplate)`,
    );
  }
  const scores = evaluateLoghub(systems);
  const { GA, PA } = averageScores(scores);
  return {
    average: { GA, PA },
    systems: Object.fromEntries(scores.map((s) => [s.name, { GA: s.GA, PA: s.PA }])),
  };
}

export function formatTemplateEval(doc: TemplateEvalDocument): string {
  const rows = Object.entries(doc.systems).map(
    ([name, s]) => `${name.padEnd(12)}  ${s.GA.toFixed(3)}  ${s.PA.toFixed(3)}`,
  );
  return [
    `${'system'.padEnd(12)}  GA     PA`,
    ...rows,
    `${'average'.padEnd(12)}  ${doc.average.GA.toFixed(3)}  ${doc.average.PA.toFixed(3)}`,
  ].join('\n');
}
