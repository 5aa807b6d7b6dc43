import { dot, normalize } from '../embed/tfidf.js';
import { sparse, sphericalKmeans, type SparseVector } from './spherical-kmeans.js';

export interface ClusterOptions {
  /** Groups smaller than this are not patterns; their members stay unclustered. */
  minPatternSize: number;
  /** Members less similar than this (cosine) to their pattern's centroid are left out of it. */
  minSimilarity: number;
  seed: number;
  /** Upper bound for the k search. */
  maxK?: number;
  /** Groups whose centroids are at least this similar are one pattern that k-means split. */
  mergeSimilarity?: number;
}

export interface Cluster {
  /** Indexes into the input, most central first. */
  members: number[];
  /** Cosine similarity of each member to the centroid, same order as `members`. */
  similarities: number[];
  centroid: Float32Array;
  /** Mean similarity of members to the centroid. */
  cohesion: number;
}

export interface ClusterResult {
  k: number;
  silhouette: number;
  clusters: Cluster[];
  unclustered: number[];
}

/** The k values worth trying: every k while small, then a geometric grid, so large inputs stay cheap. */
export function candidateKs(n: number, maxK: number): number[] {
  const hi = Math.min(n - 1, maxK);
  const ks: number[] = [];
  for (let k = 2; k <= hi; k = k < 16 ? k + 1 : Math.ceil(k * 1.25)) ks.push(k);
  if (hi >= 2 && ks.at(-1) !== hi) ks.push(hi);
  return ks;
}

/** Mean silhouette (cosine distance) of an assignment, from a precomputed similarity matrix. */
export function silhouette(sim: Float64Array[], labels: readonly number[], k: number): number {
  const n = labels.length;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const li = labels[i]!;
    if (sizes[li]! <= 1) continue; // a singleton's silhouette is 0 by definition
    sums.fill(0);
    const row = sim[i]!;
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += 1 - row[j]!;
    const a = sums[li]! / (sizes[li]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (b === Infinity) continue;
    const s = (b - a) / Math.max(a, b);
    total += Number.isFinite(s) ? s : 0;
  }
  return n === 0 ? 0 : total / n;
}

function similarityMatrix(vectors: readonly SparseVector[], dim: number): Float64Array[] {
  const n = vectors.length;
  const m = Array.from({ length: n }, () => new Float64Array(n));
  const row = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    const vi = vectors[i]!;
    vi.index.forEach((d, t) => (row[d] = vi.value[t]!));
    m[i]![i] = 1;
    for (let j = i + 1; j < n; j++) {
      const vj = vectors[j]!;
      let s = 0;
      for (let t = 0; t < vj.index.length; t++) s += vj.value[t]! * row[vj.index[t]!]!;
      m[i]![j] = s;
      m[j]![i] = s;
    }
    vi.index.forEach((d) => (row[d] = 0));
  }
  return m;
}

/**
 * k-means (k-means++ seeding, fixed seed) with k chosen by the best mean silhouette, then pruned:
 * members far from their centroid, and groups left smaller than a pattern, become unclustered.
 * Deterministic for a given input order; callers sort the input to make it order-independent.
 */
export function clusterVectors(vectors: readonly Float32Array[], options: ClusterOptions): ClusterResult {
  const live: number[] = [];
  const unclustered: number[] = [];
  vectors.forEach((v, i) => (v.some((x) => x !== 0) ? live : unclustered).push(i));
  if (live.length < options.minPatternSize || live.length < 3) {
    return { k: 0, silhouette: 0, clusters: [], unclustered: vectors.map((_, i) => i) };
  }
  const dim = vectors[0]?.length ?? 0;
  const data = live.map((i) => sparse(vectors[i]!));
  const sim = similarityMatrix(data, dim);
  let best: { k: number; score: number; labels: number[] } | undefined;
  for (const k of candidateKs(live.length, options.maxK ?? 200)) {
    const clusters = sphericalKmeans(data, dim, k, options.seed);
    const score = silhouette(sim, clusters, k);
    if (!best || score > best.score + 1e-9) best = { k, score, labels: clusters };
  }
  const { k, score, labels } = best!;

  const groups = mergeClose(
    Array.from({ length: k }, () => [] as number[]).map((g, label) => {
      labels.forEach((l, i) => l === label && g.push(i));
      return g;
    }),
    (i) => vectors[live[i]!]!,
    options.mergeSimilarity ?? 0.8,
  );
  const clusters: Cluster[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    const centroid = centroidOf(group.map((i) => vectors[live[i]!]!));
    const scored = group
      .map((i) => ({ index: live[i]!, similarity: dot(vectors[live[i]!]!, centroid) }))
      .sort((a, b) => b.similarity - a.similarity || a.index - b.index);
    const kept = scored.filter((m) => m.similarity >= options.minSimilarity);
    const dropped = scored.filter((m) => m.similarity < options.minSimilarity);
    if (kept.length < options.minPatternSize) {
      unclustered.push(...scored.map((m) => m.index));
      continue;
    }
    unclustered.push(...dropped.map((m) => m.index));
    const finalCentroid = centroidOf(kept.map((m) => vectors[m.index]!));
    const members = kept
      .map((m) => ({ index: m.index, similarity: dot(vectors[m.index]!, finalCentroid) }))
      .sort((a, b) => b.similarity - a.similarity || a.index - b.index);
    clusters.push({
      members: members.map((m) => m.index),
      similarities: members.map((m) => m.similarity),
      centroid: finalCentroid,
      cohesion: members.reduce((s, m) => s + m.similarity, 0) / members.length,
    });
  }
  clusters.sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  return { k, silhouette: score, clusters, unclustered: unclustered.sort((a, b) => a - b) };
}

/**
 * Silhouette favours many tight groups, so k-means splits one prompt pattern whose slot values vary
 * a lot (two languages, two purposes). Groups whose centroids stay this close are joined again.
 */
function mergeClose(
  groups: number[][],
  vectorOf: (i: number) => Float32Array,
  threshold: number,
): number[][] {
  let current = groups.filter((g) => g.length > 0);
  for (;;) {
    const centroids = current.map((g) => centroidOf(g.map(vectorOf)));
    let bestPair: [number, number] | undefined;
    let bestSim = threshold;
    for (let a = 0; a < current.length; a++) {
      for (let b = a + 1; b < current.length; b++) {
        const sim = dot(centroids[a]!, centroids[b]!);
        if (sim >= bestSim) [bestSim, bestPair] = [sim, [a, b]];
      }
    }
    if (!bestPair) return current;
    const [a, b] = bestPair;
    current = [
      ...current.filter((_, i) => i !== a && i !== b),
      [...current[a]!, ...current[b]!].sort((x, y) => x - y),
    ];
  }
}

function centroidOf(vectors: readonly Float32Array[]): Float32Array {
  const c = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < c.length; i++) c[i]! += v[i]!;
  return normalize(c);
}
