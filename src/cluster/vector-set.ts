/*
 * The vectors a run clusters, in one of two layouts. Sentence vectors (use-lite, OpenAI) are dense:
 * every one of their few hundred dimensions carries weight. TF-IDF vectors are sparse: a prompt uses
 * a few dozen of the vocabulary's thousands of terms, so each row keeps only its non-zero entries
 * (100 k dense TF-IDF rows of 4,096 terms would be 1.6 GB; sparse they are a few tens of MB), and a
 * dot product with a dense centroid costs those few dozen terms. All rows are unit length.
 */

export interface SparseVector {
  /** Ascending dimension numbers. */
  index: Int32Array;
  value: Float32Array;
}

export type VectorSet =
  | { kind: 'dense'; dim: number; rows: Float32Array[] }
  | { kind: 'sparse'; dim: number; rows: SparseVector[] };

export function denseSet(rows: Float32Array[], dim = rows[0]?.length ?? 0): VectorSet {
  return { kind: 'dense', dim, rows };
}

export function sparseSet(rows: SparseVector[], dim: number): VectorSet {
  return { kind: 'sparse', dim, rows };
}

export function setSize(set: VectorSet): number {
  return set.rows.length;
}

/** Non-zero entries of a dense vector. */
export function sparse(v: Float32Array): SparseVector {
  let nnz = 0;
  for (const x of v) if (x !== 0) nnz++;
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let k = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) {
      index[k] = i;
      value[k++] = v[i]!;
    }
  }
  return { index, value };
}

export function denseDot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function sparseDot(a: SparseVector, dense: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.index.length; i++) s += a.value[i]! * dense[a.index[i]!]!;
  return s;
}

/** Dot product of two sparse vectors by merging their sorted indexes. */
export function sparsePairDot(a: SparseVector, b: SparseVector): number {
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < a.index.length && j < b.index.length) {
    const x = a.index[i]!;
    const y = b.index[j]!;
    if (x === y) s += a.value[i++]! * b.value[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return s;
}

/** Row `i` · a dense vector (a centroid, a group's sum). */
export function dotRow(set: VectorSet, i: number, dense: Float32Array): number {
  return set.kind === 'dense' ? denseDot(set.rows[i]!, dense) : sparseDot(set.rows[i]!, dense);
}

/** Row `i` · row `j`. */
export function dotRows(set: VectorSet, i: number, j: number): number {
  return set.kind === 'dense'
    ? denseDot(set.rows[i]!, set.rows[j]!)
    : sparsePairDot(set.rows[i]!, set.rows[j]!);
}

/** `target += weight × row i`. */
export function addRow(set: VectorSet, i: number, target: Float32Array, weight = 1): void {
  if (set.kind === 'dense') {
    const v = set.rows[i]!;
    for (let d = 0; d < v.length; d++) target[d]! += weight * v[d]!;
  } else {
    const v = set.rows[i]!;
    for (let t = 0; t < v.index.length; t++) target[v.index[t]!]! += weight * v.value[t]!;
  }
}

export function isZeroRow(set: VectorSet, i: number): boolean {
  if (set.kind === 'sparse') return set.rows[i]!.index.length === 0;
  return !set.rows[i]!.some((x) => x !== 0);
}

/** A copy of row `i` as a dense vector. */
export function denseRow(set: VectorSet, i: number): Float32Array {
  const out = new Float32Array(set.dim);
  addRow(set, i, out);
  return out;
}

/** The rows at `indexes`, in that order. */
export function subset(set: VectorSet, indexes: readonly number[]): VectorSet {
  return set.kind === 'dense'
    ? { kind: 'dense', dim: set.dim, rows: indexes.map((i) => set.rows[i]!) }
    : { kind: 'sparse', dim: set.dim, rows: indexes.map((i) => set.rows[i]!) };
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/**
 * Row i's dot product with every centroid, for sparse rows, with the centroids stored term-major (all
 * cells' weights of one term side by side). Row by row against each centroid in turn, every product
 * reads a far-apart entry of a 16 KB centroid, and at 100 k rows × 600 cells those cache misses were
 * most of the neighbour search's cell building (and of k-means on the sample that places the cells). Each score is summed in the same order and precision as
 * `sparseDot` (float32 products added into a double, the row's terms in order), so it is the same
 * number, bit for bit.
 */
export function centroidScorer(
  rows: readonly SparseVector[],
  centroids: readonly Float32Array[],
  dim: number,
): (i: number) => Float64Array {
  const cells = centroids.length;
  const byTerm = new Float32Array(dim * cells);
  centroids.forEach((centroid, c) => {
    for (let t = 0; t < dim; t++) byTerm[t * cells + c] = centroid[t]!;
  });
  const scores = new Float64Array(cells);
  return (i) => {
    scores.fill(0);
    const { index, value } = rows[i]!;
    for (let k = 0; k < index.length; k++) {
      const v = value[k]!;
      const base = index[k]! * cells;
      for (let c = 0; c < cells; c++) scores[c]! += v * byTerm[base + c]!;
    }
    return scores;
  };
}
