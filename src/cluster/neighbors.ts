import { seededRandom } from '../util/random.js';
import { sphericalKmeans } from './spherical-kmeans.js';
import {
  centroidScorer,
  dotRow,
  dotRows,
  setSize,
  subset,
  type SparseVector,
  type VectorSet,
} from './vector-set.js';

/*
 * Who is near whom. Average linkage only ever joins two groups that hold at least one pair at or above
 * the joining threshold (a mean cannot exceed its largest term), so the pairs above the threshold are
 * all it needs to look at: this finds them.
 *
 * Small inputs compare every pair. Large ones would take n² dot products (100 k sentence vectors: 5·10⁹
 * of 512 terms, half an hour in JavaScript), so they are first cut into √n cells by k-means, and each
 * row is compared with the rows of its few most similar cells only (an inverted-file index, as vector
 * databases do). Pairs above a high threshold sit in the same or a neighbouring cell almost always;
 * bench:cluster measures what is lost against the exact search.
 */

export interface NeighborOptions {
  /** Keep pairs with cosine similarity at least this. */
  threshold: number;
  /** At most this many neighbours a row (its most similar), so a pattern of thousands stays cheap. */
  maxNeighbors?: number;
  seed?: number;
  /** Inputs up to this size are searched exactly. */
  exactUpTo?: number;
  /** Cells searched per row in the approximate search; default 3. */
  probes?: number;
  /**
   * A cheaper space of the same rows in which every pair that reaches `threshold` in `set` reaches
   * `prefilter.threshold`: pairs are searched there (twice as many a row) and scored in `set`.
   */
  prefilter?: { vectors: VectorSet; threshold: number };
}

export interface Neighbors {
  /** Per row: its neighbours, most similar first. Symmetric: j lists i when i lists j. */
  index: Int32Array[];
  similarity: Float32Array[];
}

/** A bounded list of the most similar neighbours, kept sorted by insertion. */
class TopList {
  readonly index: number[] = [];
  readonly sim: number[] = [];
  constructor(private readonly capacity: number) {}

  offer(j: number, s: number): void {
    // The approximate search can meet a pair from both of its ends.
    if (this.index.includes(j)) return;
    const n = this.index.length;
    if (n === this.capacity && !(s > this.sim[n - 1]! || (s === this.sim[n - 1]! && j < this.index[n - 1]!)))
      return;
    let at = n;
    while (at > 0 && (this.sim[at - 1]! < s || (this.sim[at - 1] === s && this.index[at - 1]! > j))) at--;
    this.index.splice(at, 0, j);
    this.sim.splice(at, 0, s);
    if (this.index.length > this.capacity) {
      this.index.pop();
      this.sim.pop();
    }
  }
}

export function findNeighbors(set: VectorSet, options: NeighborOptions): Neighbors {
  const n = setSize(set);
  const k = options.maxNeighbors ?? 32;
  const lists = Array.from({ length: n }, () => new TopList(k));
  const consider = (i: number, j: number, s: number): void => {
    if (s >= options.threshold) lists[i]!.offer(j, s);
  };

  if (options.prefilter) {
    if (setSize(options.prefilter.vectors) !== n)
      throw new Error('findNeighbors: the prefilter has other rows');
    const near = findNeighbors(options.prefilter.vectors, {
      ...options,
      threshold: options.prefilter.threshold,
      maxNeighbors: 2 * k,
      prefilter: undefined,
    });
    // `near` is symmetric, so each pair is met once from its lower end.
    near.index.forEach((list, i) => {
      for (const j of list) {
        if (j < i) continue;
        const s = dotRows(set, i, j);
        consider(i, j, s);
        consider(j, i, s);
      }
    });
  } else if (n <= (options.exactUpTo ?? 3_000)) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const s = dotRows(set, i, j);
        consider(i, j, s);
        consider(j, i, s);
      }
    }
  } else {
    approximateSearch(set, options, consider);
  }
  return symmetric(lists);
}

function approximateSearch(
  set: VectorSet,
  options: NeighborOptions,
  consider: (i: number, j: number, s: number) => void,
): void {
  const n = setSize(set);
  // Cost: n × cells dot products to place rows, n × probes × n / cells to search; equal at this count.
  const probes = options.probes ?? 3;
  const cells = Math.ceil(Math.sqrt(n * probes));
  // The cells are learnt from a sample: 20 rows a cell is plenty to place centroids, and k-means on
  // all 100 k rows would cost more than the search it saves.
  const rand = seededRandom(options.seed ?? 42);
  const sampleSize = Math.min(n, cells * 20);
  const sample = [...Array(n).keys()];
  for (let i = 0; i < sampleSize; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [sample[i], sample[j]] = [sample[j]!, sample[i]!];
  }
  const { centroids } = sphericalKmeans(
    subset(
      set,
      sample.slice(0, sampleSize).sort((a, b) => a - b),
    ),
    cells,
    options.seed ?? 42,
    10,
  );

  // Each row lives in its most similar cell and searches its `probes` most similar ones. k-means cells
  // of prompts are uneven (short prompts with few shared words crowd into one or two), and every row
  // probing a crowded cell compares with all of it: crowded cells are cut again, a few rounds.
  let centroidList = centroids;
  let cellsOf = assignCells(set, centroidList, probes);
  const target = Math.ceil(n / cells);
  for (let round = 0; round < 2; round++) {
    const crowded = cellsOf.members.map((m, c) => ({ m, c })).filter(({ m }) => m.length > 3 * target);
    if (crowded.length === 0) break;
    const next = centroidList.filter((_, c) => !crowded.some((x) => x.c === c));
    for (const { m } of crowded) {
      const parts = Math.ceil(m.length / target);
      next.push(...sphericalKmeans(subset(set, m), parts, (options.seed ?? 42) + round, 10).centroids);
    }
    centroidList = next;
    cellsOf = assignCells(set, centroidList, probes);
  }
  const { members, probed, home } = cellsOf;

  // Row i is spread into a dense scratch vector once, so each candidate costs its own non-zero
  // entries. Sparse rows are packed into one index and one value array first: the pairs number in
  // the hundreds of millions at 100 k rows, and reading two small arrays of a separate object per pair
  // was slower than the arithmetic.
  const packed = set.kind === 'sparse' ? pack(set.rows) : null;
  const scratch = new Float32Array(set.dim);
  for (let i = 0; i < n; i++) {
    if (packed) {
      for (let t = packed.offsets[i]!; t < packed.offsets[i + 1]!; t++)
        scratch[packed.index[t]!] = packed.value[t]!;
    }
    const query = packed ? scratch : (set.rows[i] as Float32Array);
    for (const c of probed[i]!) {
      for (const j of members[c]!) {
        // Each unordered pair once: j > i, or j's probes do not reach i's cell (then only i sees it).
        if (j === i || (j < i && probedHas(probed[j]!, home[i]!))) continue;
        let s = 0;
        if (packed) {
          for (let t = packed.offsets[j]!; t < packed.offsets[j + 1]!; t++)
            s += packed.value[t]! * query[packed.index[t]!]!;
        } else s = dotRow(set, j, query);
        // Both directions: j may not probe i's cell, and the graph must be symmetric.
        consider(i, j, s);
        consider(j, i, s);
      }
    }
    if (packed) {
      for (let t = packed.offsets[i]!; t < packed.offsets[i + 1]!; t++) scratch[packed.index[t]!] = 0;
    }
  }
}

function pack(rows: readonly SparseVector[]): {
  offsets: Int32Array;
  index: Int32Array;
  value: Float32Array;
} {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.index.length));
  const index = new Int32Array(offsets[rows.length]!);
  const value = new Float32Array(offsets[rows.length]!);
  rows.forEach((r, i) => {
    index.set(r.index, offsets[i]);
    value.set(r.value, offsets[i]);
  });
  return { offsets, index, value };
}

function probedHas(probes: Int32Array, cell: number): boolean {
  for (let k = 0; k < probes.length; k++) if (probes[k] === cell) return true;
  return false;
}

/** Each row's `probes` most similar cells (ties: the lower cell), and the rows whose first one each is. */
function assignCells(
  set: VectorSet,
  centroids: readonly Float32Array[],
  probes: number,
): { members: number[][]; probed: Int32Array[]; home: Int32Array } {
  const n = setSize(set);
  const members = centroids.map(() => [] as number[]);
  const probed: Int32Array[] = new Array<Int32Array>(n);
  const home = new Int32Array(n);
  const top = new Int32Array(probes);
  const topSim = new Float64Array(probes);
  const scores = set.kind === 'sparse' ? centroidScorer(set.rows, centroids, set.dim) : null;
  for (let i = 0; i < n; i++) {
    top.fill(-1);
    topSim.fill(-Infinity);
    const rowScores = scores?.(i);
    for (let c = 0; c < centroids.length; c++) {
      const s = rowScores ? rowScores[c]! : dotRow(set, i, centroids[c]!);
      if (s <= topSim[probes - 1]!) continue;
      let at = probes - 1;
      while (at > 0 && s > topSim[at - 1]!) {
        top[at] = top[at - 1]!;
        topSim[at] = topSim[at - 1]!;
        at--;
      }
      top[at] = c;
      topSim[at] = s;
    }
    probed[i] = Int32Array.from(top.filter((c) => c >= 0));
    home[i] = top[0]!;
    members[top[0]!]!.push(i);
  }
  return { members, probed, home };
}

/** Union of both directions, without repeats, most similar first. */
function symmetric(lists: TopList[]): Neighbors {
  const n = lists.length;
  const merged = Array.from({ length: n }, () => new Map<number, number>());
  lists.forEach((list, i) => {
    list.index.forEach((j, t) => {
      const s = list.sim[t]!;
      merged[i]!.set(j, s);
      merged[j]!.set(i, s);
    });
  });
  const index: Int32Array[] = [];
  const similarity: Float32Array[] = [];
  for (const m of merged) {
    const entries = [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    index.push(Int32Array.from(entries.map((e) => e[0])));
    similarity.push(Float32Array.from(entries.map((e) => e[1])));
  }
  return { index, similarity };
}
