import { averageLinkage } from './average-linkage.js';
import { findNeighbors, type Neighbors } from './neighbors.js';
import { SKELETON_FLOOR, SKELETON_SHARE, skeletonShare } from './skeleton.js';
import { lexicalBound } from './space.js';
import {
  denseSet,
  dotRow,
  dotRows,
  isZeroRow,
  normalizeInPlace,
  sparse,
  sparseSet,
  subset,
  addRow,
  type VectorSet,
} from './vector-set.js';

/*
 * From vectors to patterns:
 *   1. duplicates collapse onto one row that carries their count as a weight (the extract stage found
 *      them), so a prompt pasted 500 times costs one row, not 500;
 *   2. the pairs above the joining threshold are found (src/cluster/neighbors.ts);
 *   3. average linkage joins groups while their members' mean similarity stays at or above the
 *      threshold; k is the number of groups it stops at (src/cluster/average-linkage.ts);
 *   4. groups big enough to be patterns become the k centroids of a few k-means passes, in which each
 *      row moves to the pattern it is most similar to on average, or out of every pattern if that is
 *      below the threshold: early joins that later turned out wrong are undone;
 *   5. what joins no pattern stays unclustered, visible as a one-off candidate.
 * Rows are taken in input order, and ties go to the lower index: callers sort the input (by candidate
 * id) so that the same candidates in any order give the same patterns.
 */

export interface ClusterOptions {
  /** Groups of fewer items than this are not patterns; their members stay unclustered. */
  minPatternSize: number;
  /**
   * An item joins a pattern when its mean cosine similarity to the pattern's members is at least this
   * (and two groups join when the mean over all their pairs is). It depends on the embedder: see
   * src/cluster/thresholds.ts.
   */
  similarity: number;
  seed: number;
  /** k-means passes after the agglomeration; 0 keeps the agglomeration as it is. */
  refinePasses?: number;
}

export interface ClusterInput {
  vectors: VectorSet;
  /**
   * For the hybrid space (src/cluster/space.ts): its TF-IDF half, row for row. Pairs are then searched
   * in it at `lexicalBound(similarity)` and scored in `vectors`.
   */
  lexical?: VectorSet | null;
  /** Per item, the item whose vector stands for it (its duplicate group's first item); default itself. */
  representative?: ArrayLike<number>;
  /** Per item, the existing pattern (a small integer) it already belongs to, or -1. */
  fixed?: ArrayLike<number>;
  /** Per item, its words in order (src/cluster/skeleton.ts); absent: no skeleton joining. */
  words?: readonly (readonly string[])[];
}

export interface Cluster {
  /** Item indexes, most similar to the centroid first. */
  members: number[];
  /** Cosine similarity of each member to the centroid, in `members` order. */
  similarities: number[];
  centroid: Float32Array;
  /** Mean similarity of the members to the centroid. */
  cohesion: number;
  /** Mean silhouette of the members (cosine distance), −1…1. */
  silhouette: number;
  /** The existing pattern it continues, or -1 for a new one. */
  fixed: number;
}

export interface ClusterResult {
  /** The number of patterns (k, as chosen from the data). */
  k: number;
  /** Mean silhouette over clustered items. */
  silhouette: number;
  clusters: Cluster[];
  /** Items in no pattern, ascending. */
  unclustered: number[];
}

interface Pattern {
  fixed: number;
  weight: number;
  sum: Float32Array;
}

/** With POG_CLUSTER_TIMING set, each stage's time goes to stderr (for profiling bench/cluster-scale.ts runs). */
let lastMark = performance.now();
function mark(stage: string): void {
  if (process.env.POG_CLUSTER_TIMING)
    console.error(`  ${stage}: ${((performance.now() - lastMark) / 1000).toFixed(1)} s`);
  lastMark = performance.now();
}

export function clusterPatterns(input: ClusterInput, options: ClusterOptions): ClusterResult {
  lastMark = performance.now();
  const set = input.vectors;
  const n = set.rows.length;
  const fixedOf = (i: number): number => input.fixed?.[i] ?? -1;

  // 1. One row per duplicate group; rows that were already in a pattern stand for themselves.
  const repOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = input.representative?.[i] ?? i;
    repOf[i] = fixedOf(i) >= 0 || r === i || isZeroRow(set, r) ? i : r;
  }
  const nodeOf = new Int32Array(n).fill(-1);
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (repOf[i] === i && !isZeroRow(set, i)) {
      nodeOf[i] = nodes.length;
      nodes.push(i);
    }
  }
  const weights = new Float64Array(nodes.length);
  for (let i = 0; i < n; i++) {
    const node = nodeOf[repOf[i]!]!;
    if (node >= 0) weights[node]! += 1;
  }
  const fixed = Int32Array.from(nodes, fixedOf);
  const rows = subset(set, nodes);
  const threshold = options.similarity;

  // 2–3. Neighbours above the threshold (above the skeleton floor, when joining by skeleton too),
  // then average linkage.
  const skeletons = input.words ? nodes.map((i) => input.words![i]!) : null;
  const searchAt = skeletons ? Math.min(threshold, SKELETON_FLOOR) : threshold;
  const neighbors = findNeighbors(rows, {
    threshold: searchAt,
    seed: options.seed,
    // Skeleton joins need pairs down to the floor, for which the bound says nothing (2 × 0.15 − 1 < 0):
    // they are searched at the floor in TF-IDF too, as prompts that share a long run of words do reach it.
    prefilter: input.lexical
      ? { vectors: subset(input.lexical, nodes), threshold: Math.min(lexicalBound(threshold), searchAt) }
      : undefined,
  });
  mark('neighbors');
  const groups = averageLinkage(rows, neighbors, { threshold, weights, fixed });
  mark('linkage');

  // 4. k-means passes over the groups that are patterns.
  const label = new Int32Array(nodes.length).fill(-1);
  const patterns: Pattern[] = [];
  for (const g of groups) {
    if (g.fixed < 0 && g.weight < options.minPatternSize) continue;
    for (const r of g.rows) label[r] = patterns.length;
    patterns.push({ fixed: g.fixed, weight: g.weight, sum: g.sum });
  }
  refine(rows, neighbors, weights, fixed, label, patterns, options);
  mark('refine');
  // 4b. Patterns whose slots are half their words (src/cluster/skeleton.ts).
  if (skeletons) joinBySkeleton(rows, neighbors, weights, fixed, skeletons, label, patterns);

  // 5. Items take their row's pattern; small new patterns dissolve.
  const keep = patterns.map((p) => p.fixed >= 0 || p.weight >= options.minPatternSize);
  const memberLists = patterns.map(() => [] as number[]);
  const unclustered: number[] = [];
  for (let i = 0; i < n; i++) {
    const node = nodeOf[repOf[i]!]!;
    const p = node >= 0 ? label[node]! : -1;
    if (p >= 0 && keep[p]) memberLists[p]!.push(i);
    else if (fixedOf(i) >= 0) {
      // A member of an existing pattern whose vector is empty: it stays where it was.
      const q = patterns.findIndex((pat) => pat.fixed === fixedOf(i));
      if (q >= 0) memberLists[q]!.push(i);
      else unclustered.push(i);
    } else unclustered.push(i);
  }

  mark('skeleton');
  const silhouettes = nodeSilhouettes(rows, neighbors, label, patterns);
  mark('silhouettes');
  const clusters: Cluster[] = [];
  patterns.forEach((p, c) => {
    const items = memberLists[c]!;
    if (!keep[c] || items.length === 0) return;
    const centroid = normalizeInPlace(Float32Array.from(p.sum));
    const scored = items
      .map((i) => {
        const length = Math.sqrt(dotRows(set, i, i));
        return { i, s: length > 0 ? dotRow(set, i, centroid) / length : 0 };
      })
      .sort((a, b) => b.s - a.s || a.i - b.i);
    let silhouette = 0;
    for (const { i } of scored) {
      const node = nodeOf[repOf[i]!]!;
      silhouette += node >= 0 ? silhouettes[node]! : 0;
    }
    clusters.push({
      members: scored.map((m) => m.i),
      similarities: scored.map((m) => m.s),
      centroid,
      cohesion: scored.reduce((s, m) => s + m.s, 0) / scored.length,
      silhouette: silhouette / scored.length,
      fixed: p.fixed,
    });
  });
  clusters.sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  const clustered = clusters.reduce((s, c) => s + c.members.length, 0);
  return {
    k: clusters.length,
    silhouette:
      clustered === 0 ? 0 : clusters.reduce((s, c) => s + c.silhouette * c.members.length, 0) / clustered,
    clusters,
    unclustered: unclustered.sort((a, b) => a - b),
  };
}

/**
 * Joins patterns, and rows in no pattern, whose most central members share a skeleton (see
 * src/cluster/skeleton.ts) and that are neighbours above SKELETON_FLOOR. Best-sharing pairs first;
 * two existing patterns are never joined.
 */
function joinBySkeleton(
  rows: VectorSet,
  neighbors: Neighbors,
  weights: Float64Array,
  fixed: Int32Array,
  words: readonly (readonly string[])[],
  label: Int32Array,
  patterns: Pattern[],
): void {
  const n = label.length;
  // Groups: patterns 0..P-1, then each row in no pattern on its own.
  const P = patterns.length;
  const groupOf = (r: number): number => (label[r]! >= 0 ? label[r]! : P + r);
  const medoid = patterns.map(() => -1);
  const best = patterns.map(() => -Infinity);
  for (let r = 0; r < n; r++) {
    const p = label[r]!;
    if (p < 0) continue;
    const s = dotRow(rows, r, patterns[p]!.sum);
    if (s > best[p]!) [best[p], medoid[p]] = [s, r];
  }
  const medoidOf = (g: number): number => (g < P ? medoid[g]! : g - P);
  const fixedOf = (g: number): number => (g < P ? patterns[g]!.fixed : fixed[g - P]!);

  const seen = new Set<number>();
  const pairs: { a: number; b: number; share: number }[] = [];
  for (let r = 0; r < n; r++) {
    for (const j of neighbors.index[r]!) {
      const [a, b] = [groupOf(r), groupOf(j)].sort((x, y) => x - y) as [number, number];
      const key = a * (P + n) + b;
      if (a === b || seen.has(key)) continue;
      seen.add(key);
      if (fixedOf(a) >= 0 && fixedOf(b) >= 0) continue;
      const ma = medoidOf(a);
      const mb = medoidOf(b);
      if (ma < 0 || mb < 0) continue;
      const share = skeletonShare(words[ma]!, words[mb]!);
      if (share >= SKELETON_SHARE) pairs.push({ a, b, share });
    }
  }
  if (pairs.length === 0) return;
  pairs.sort((x, y) => y.share - x.share || x.a - y.a || x.b - y.b);

  const parent = Array.from({ length: P + n }, (_, i) => i);
  const fixedRoot = Array.from({ length: P + n }, (_, g) => fixedOf(g));
  const find = (g: number): number => {
    while (parent[g] !== g) g = parent[g] = parent[parent[g]!]!;
    return g;
  };
  for (const { a, b } of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb || (fixedRoot[ra]! >= 0 && fixedRoot[rb]! >= 0)) continue;
    const [lo, hi] = ra < rb ? [ra, rb] : [rb, ra];
    parent[hi] = lo;
    fixedRoot[lo] = fixedRoot[lo]! >= 0 ? fixedRoot[lo]! : fixedRoot[hi]!;
  }

  // Relabel: each joined set becomes (or stays) one pattern.
  const newIndex = new Map<number, number>();
  const next: Pattern[] = [];
  const indexOf = (root: number): number => {
    let i = newIndex.get(root);
    if (i === undefined) {
      i = next.length;
      newIndex.set(root, i);
      next.push({ fixed: fixedRoot[root]!, weight: 0, sum: new Float32Array(rows.dim) });
    }
    return i;
  };
  // A row in no pattern joins one only if its set holds another group.
  const groupsInSet = new Map<number, number>();
  for (let g = 0; g < P + n; g++) {
    if (g >= P && label[g - P]! >= 0) continue; // that row is in a pattern, not a group of its own
    const root = find(g);
    groupsInSet.set(root, (groupsInSet.get(root) ?? 0) + 1);
  }
  for (let r = 0; r < n; r++) {
    const g = groupOf(r);
    const root = find(g);
    if (g < P || groupsInSet.get(root)! > 1) label[r] = indexOf(root);
  }
  patterns.length = 0;
  patterns.push(...next);
  for (let r = 0; r < n; r++) {
    const p = patterns[label[r]!];
    if (!p) continue;
    addRow(rows, r, p.sum, weights[r]);
    p.weight += weights[r]!;
  }
}

/** Mean similarity of row `r` to the members of `p`, leaving `r` itself out if it is one. */
function meanSimilarity(rows: VectorSet, r: number, p: Pattern, isMember: boolean): number {
  const dot = dotRow(rows, r, p.sum);
  if (!isMember) return dot / p.weight;
  // Its own copies (weight − 1 duplicates) count as members; the row itself does not. Rows are unit
  // length except TF-IDF's, which may be shorter (see src/embed/tfidf.ts): a copy's similarity to
  // the row is its squared length.
  const others = p.weight - 1;
  return others <= 0 ? 0 : (dot - dotRows(rows, r, r)) / others;
}

function refine(
  rows: VectorSet,
  neighbors: Neighbors,
  weights: Float64Array,
  fixed: Int32Array,
  label: Int32Array,
  patterns: Pattern[],
  options: ClusterOptions,
): void {
  const passes = options.refinePasses ?? 3;
  for (let pass = 0; pass < passes; pass++) {
    const next = Int32Array.from(label);
    let moved = 0;
    for (let r = 0; r < label.length; r++) {
      if (fixed[r]! >= 0) continue;
      const candidates = new Set<number>();
      if (label[r]! >= 0) candidates.add(label[r]!);
      for (const j of neighbors.index[r]!) if (label[j]! >= 0) candidates.add(label[j]!);
      let best = -1;
      let bestScore = options.similarity;
      for (const c of [...candidates].sort((a, b) => a - b)) {
        const score = meanSimilarity(rows, r, patterns[c]!, label[r] === c);
        if (score > bestScore + 1e-9 || (best < 0 && score >= bestScore)) [best, bestScore] = [c, score];
      }
      if (best !== label[r]) {
        next[r] = best;
        moved++;
      }
    }
    if (moved === 0) return;
    label.set(next);
    for (const p of patterns) {
      p.sum.fill(0);
      p.weight = 0;
    }
    for (let r = 0; r < label.length; r++) {
      const p = patterns[label[r]!];
      if (!p) continue;
      addRow(rows, r, p.sum, weights[r]);
      p.weight += weights[r]!;
    }
  }
}

/**
 * Each row's silhouette: a = its mean distance to its own pattern, b = its mean distance to the
 * nearest other pattern, s = (b − a) / max(a, b). The other patterns tried are those of its
 * neighbours and the three whose centroids are closest to its own pattern's: the nearest pattern by
 * mean distance is practically always among them, and trying all k would cost k dot products a row.
 */
function nodeSilhouettes(
  rows: VectorSet,
  neighbors: Neighbors,
  label: Int32Array,
  patterns: Pattern[],
): Float64Array {
  const out = new Float64Array(label.length);
  const live = patterns.map((p, c) => ({ c, p })).filter(({ p }) => p.weight > 0);
  if (live.length < 2) return out;
  const centroids = live.map(({ p }) => normalizeInPlace(Float32Array.from(p.sum)));
  // Centroids of TF-IDF rows have a few hundred non-zero terms of thousands: compared sparse.
  const close = findNeighbors(
    rows.kind === 'sparse' ? sparseSet(centroids.map(sparse), rows.dim) : denseSet(centroids, rows.dim),
    { threshold: -Infinity, maxNeighbors: 3 },
  );
  const nearPatterns = new Map<number, number[]>();
  live.forEach(({ c }, t) =>
    nearPatterns.set(
      c,
      [...close.index[t]!].map((u) => live[u]!.c),
    ),
  );
  for (let r = 0; r < label.length; r++) {
    const own = label[r]!;
    if (own < 0) continue;
    const a = 1 - meanSimilarity(rows, r, patterns[own]!, true);
    let b = Infinity;
    const others = new Set(nearPatterns.get(own) ?? []);
    for (const j of neighbors.index[r]!) if (label[j]! >= 0) others.add(label[j]!);
    others.delete(own);
    for (const c of others) {
      const p = patterns[c]!;
      if (p.weight > 0) b = Math.min(b, 1 - meanSimilarity(rows, r, p, false));
    }
    if (b === Infinity || patterns[own]!.weight <= 1) continue;
    const s = (b - a) / Math.max(a, b);
    out[r] = Number.isFinite(s) ? s : 0;
  }
  return out;
}
