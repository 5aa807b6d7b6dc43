import type { Neighbors } from './neighbors.js';
import { addRow, denseDot, dotRow, type VectorSet } from './vector-set.js';

/*
 * Average-linkage agglomeration (UPGMA) with cosine similarity, stopped at a threshold: two groups join
 * while the mean similarity over all pairs of their members is at least `threshold`. That mean needs no
 * pairwise table: for unit vectors it is (Σa · Σb) / (|A| |B|), the dot product of the groups' summed
 * vectors, so a group carries one sum and joining costs one vector addition. Unlike single linkage
 * (connected components of a similarity graph) it does not chain: a pattern cannot creep, one similar
 * pair at a time, into its neighbours. The number of groups it stops at is k, chosen by the data.
 *
 * Rows carry weights (a row stands for a whole group of duplicates), and some rows may start in fixed
 * groups (the members of patterns found by earlier runs): fixed groups take new members but never
 * join each other, so an existing pattern keeps its identity.
 */

export interface LinkageOptions {
  threshold: number;
  /** Per row, how many items it stands for. */
  weights: Float64Array;
  /** Per row, the fixed group it starts in, or -1. */
  fixed?: Int32Array;
}

export interface Group {
  /** Rows, ascending. */
  rows: number[];
  weight: number;
  /** Σ weight × row. */
  sum: Float32Array;
  /** The fixed group it grew from, or -1. */
  fixed: number;
}

interface State {
  rows: number[];
  weight: number;
  /** Null while the group is one row: its sum is then weight × that row, not worth a copy. */
  sum: Float32Array | null;
  fixed: number;
  version: number;
  adjacent: Set<number>;
}

interface Entry {
  priority: number;
  a: number;
  b: number;
  va: number;
  vb: number;
}

/** Highest priority first; ties to the lower group ids, so the result never depends on heap order. */
function before(x: Entry, y: Entry): boolean {
  if (x.priority !== y.priority) return x.priority > y.priority;
  if (x.a !== y.a) return x.a < y.a;
  return x.b < y.b;
}

class Heap {
  private readonly items: Entry[] = [];
  get size(): number {
    return this.items.length;
  }
  push(e: Entry): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function averageLinkage(set: VectorSet, neighbors: Neighbors, options: LinkageOptions): Group[] {
  const n = set.rows.length;
  const { weights, threshold } = options;
  const groups = new Map<number, State>();
  const groupOf = new Int32Array(n);

  // Rows of one fixed group start together, under the group's smallest row.
  const fixedLeader = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const f = options.fixed?.[i] ?? -1;
    const leader = f >= 0 ? fixedLeader.get(f) : undefined;
    if (leader === undefined) {
      if (f >= 0) fixedLeader.set(f, i);
      groups.set(i, {
        rows: [i],
        weight: weights[i]!,
        sum: null,
        fixed: f,
        version: 0,
        adjacent: new Set(),
      });
      groupOf[i] = i;
    } else {
      const g = groups.get(leader)!;
      g.rows.push(i);
      g.weight += weights[i]!;
      groupOf[i] = leader;
    }
  }
  for (const g of groups.values()) if (g.rows.length > 1 || g.fixed >= 0) g.sum = sumOf(set, g.rows, weights);
  for (let i = 0; i < n; i++) {
    const gi = groupOf[i]!;
    for (const j of neighbors.index[i]!) {
      const gj = groupOf[j]!;
      if (gi !== gj) groups.get(gi)!.adjacent.add(gj);
    }
  }

  const heap = new Heap();
  const meanSimilarity = (a: State, b: State, aId: number, bId: number): number => {
    let dot: number;
    if (a.sum && b.sum) dot = denseDot(a.sum, b.sum);
    else if (a.sum) dot = weights[bId]! * dotRow(set, bId, a.sum);
    else if (b.sum) dot = weights[aId]! * dotRow(set, aId, b.sum);
    else dot = weights[aId]! * weights[bId]! * pairSimilarity(neighbors, aId, bId);
    return dot / (a.weight * b.weight);
  };
  const offer = (aId: number, bId: number): void => {
    const [x, y] = aId < bId ? [aId, bId] : [bId, aId];
    const a = groups.get(x)!;
    const b = groups.get(y)!;
    if (a.fixed >= 0 && b.fixed >= 0) return;
    const priority = meanSimilarity(a, b, x, y);
    if (priority >= threshold) heap.push({ priority, a: x, b: y, va: a.version, vb: b.version });
  };
  for (const [id, g] of groups) for (const other of g.adjacent) if (id < other) offer(id, other);

  while (heap.size > 0) {
    const e = heap.pop()!;
    const a = groups.get(e.a);
    const b = groups.get(e.b);
    if (!a || !b || a.version !== e.va || b.version !== e.vb) continue;
    // Join b into a (a has the smaller id, so a group is always named by its smallest row).
    a.sum ??= sumOf(set, a.rows, weights);
    if (b.sum) for (let d = 0; d < a.sum.length; d++) a.sum[d]! += b.sum[d]!;
    else addRow(set, e.b, a.sum, weights[e.b]);
    a.rows.push(...b.rows);
    a.weight += b.weight;
    a.fixed = a.fixed >= 0 ? a.fixed : b.fixed;
    a.version++;
    groups.delete(e.b);
    for (const r of b.rows) groupOf[r] = e.a;
    for (const x of b.adjacent) if (x !== e.a) a.adjacent.add(x);
    a.adjacent.delete(e.b);
    a.adjacent.delete(e.a);
    for (const x of a.adjacent) {
      const other = groups.get(x)!;
      other.adjacent.delete(e.b);
      other.adjacent.add(e.a);
      offer(e.a, x);
    }
  }

  return [...groups.values()].map((g) => ({
    rows: g.rows.sort((x, y) => x - y),
    weight: g.weight,
    sum: g.sum ?? sumOf(set, g.rows, weights),
    fixed: g.fixed,
  }));
}

function sumOf(set: VectorSet, rows: readonly number[], weights: Float64Array): Float32Array {
  const sum = new Float32Array(set.dim);
  for (const r of rows) addRow(set, r, sum, weights[r]);
  return sum;
}

function pairSimilarity(neighbors: Neighbors, a: number, b: number): number {
  const idx = neighbors.index[a]!;
  for (let t = 0; t < idx.length; t++) if (idx[t] === b) return neighbors.similarity[a]![t]!;
  return 0;
}
