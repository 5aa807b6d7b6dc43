import { clusterVectors, type ClusterOptions } from '../cluster/kmeans.js';
import { separateMaterial } from '../extract/materials.js';
import { scoreClustering, type ClusteringScores } from './metrics.js';
import type { LabelledItem } from './labelled-sets.js';

export type Embed = (texts: readonly string[]) => Promise<Float32Array[]>;

export interface ClusterEvaluation extends ClusteringScores {
  items: number;
  classes: number;
  patterns: number;
  k: number;
  embedSeconds: number;
  clusterSeconds: number;
}

/**
 * Clusters a labelled set as a run does (the instruction of each prompt, pasted material as
 * placeholders, embedded and clustered with the run's options) and scores the patterns against the
 * labels.
 */
export async function evaluateClusters(
  items: readonly LabelledItem[],
  embed: Embed,
  options: ClusterOptions,
): Promise<ClusterEvaluation> {
  const started = performance.now();
  const vectors = await embed(items.map((item) => separateMaterial(item.text).instruction));
  const embedded = performance.now();
  const result = clusterVectors(vectors, options);
  const clustered = performance.now();
  const predicted: (number | null)[] = items.map(() => null);
  result.clusters.forEach((cluster, c) => {
    for (const i of cluster.members) predicted[i] = c;
  });
  return {
    ...scoreClustering(
      items.map((item) => item.label),
      predicted,
    ),
    items: items.length,
    classes: new Set(items.map((item) => item.label).filter((l) => l !== null)).size,
    patterns: result.clusters.length,
    k: result.k,
    embedSeconds: (embedded - started) / 1000,
    clusterSeconds: (clustered - embedded) / 1000,
  };
}
