import { clusterPatterns } from '../cluster/patterns.js';
import { skeletonWords } from '../cluster/skeleton.js';
import { clusteringSpace, DEFAULT_SIMILARITY } from '../cluster/space.js';
import { denseSet, sparseSet, type VectorSet } from '../cluster/vector-set.js';
import type { Embedder } from '../embed/embedder.js';
import { tfidfEmbed } from '../embed/tfidf.js';
import { duplicateGroups } from '../extract/dedup.js';
import { embeddingText, separateMaterial } from '../extract/materials.js';
import { scoreClustering, type ClusteringScores } from './metrics.js';
import type { LabelledItem } from './labelled-sets.js';

export interface ClusterEvaluation extends ClusteringScores {
  items: number;
  classes: number;
  patterns: number;
  /** Labelled-as-noise items that ended up in a pattern. */
  noiseInPatterns: number;
  similarity: number;
  silhouette: number;
  embedSeconds: number;
  clusterSeconds: number;
}

export interface EvaluateOptions {
  minPatternSize: number;
  seed: number;
  /** Joining threshold; absent: the clustering space's default. */
  similarity?: number;
  /** Receives the vectors clustered (for running other tools on the very same vectors). */
  onSpace?: (vectors: VectorSet) => void;
}

/**
 * Clusters a labelled set exactly as a run does (what the embedder reads is the prompt's instruction,
 * duplicates collapse first, the same space and threshold) and scores the patterns against the labels.
 */
export async function evaluateClusters(
  items: readonly LabelledItem[],
  embedder: Embedder,
  options: EvaluateOptions,
): Promise<ClusterEvaluation> {
  const started = performance.now();
  const texts = items.map((item) => embeddingText(item.text, separateMaterial(item.text).instruction));
  const lexical = tfidfEmbed(texts);
  const sentences = embedder.id === 'tfidf' ? null : denseSet(await embedder.embed(texts));
  const embedded = performance.now();

  const space = clusteringSpace(sentences, sparseSet(lexical.rows, lexical.dim));
  const similarity = options.similarity ?? DEFAULT_SIMILARITY[space.kind];
  options.onSpace?.(space.vectors);
  const ids = texts.map((_, i) => String(i).padStart(8, '0'));
  const groups = duplicateGroups(texts.map((text, i) => ({ id: ids[i]!, text })));
  const representative = ids.map((id) => Number(groups.get(id) ?? id));
  const result = clusterPatterns(
    { vectors: space.vectors, lexical: space.lexical, representative, words: texts.map(skeletonWords) },
    { minPatternSize: options.minPatternSize, similarity, seed: options.seed },
  );
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
    noiseInPatterns: items.filter((item, i) => item.label === null && predicted[i] !== null).length,
    similarity,
    silhouette: result.silhouette,
    embedSeconds: (embedded - started) / 1000,
    clusterSeconds: (clustered - embedded) / 1000,
  };
}
