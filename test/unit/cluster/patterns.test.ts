import { describe, expect, it } from 'vitest';
import { averageLinkage } from '../../../src/cluster/average-linkage.js';
import { findNeighbors } from '../../../src/cluster/neighbors.js';
import { clusterPatterns } from '../../../src/cluster/patterns.js';
import { lcsLength, skeletonShare, skeletonWords } from '../../../src/cluster/skeleton.js';
import { clusteringSpace, lexicalBound } from '../../../src/cluster/space.js';
import {
  centroidScorer,
  denseSet,
  dotRows,
  sparse,
  sparseDot,
  sparseSet,
  type VectorSet,
} from '../../../src/cluster/vector-set.js';
import { tfidfEmbed } from '../../../src/embed/tfidf.js';
import { seededRandom } from '../../../src/util/random.js';

const LANGUAGES = ['python', 'rust', 'golang', 'java', 'kotlin', 'swift', 'haskell', 'ruby'];
const PURPOSES = ['security holes', 'performance problems', 'naming', 'thread safety', 'memory leaks'];
const DOCS = ['incident report', 'design document', 'sales call transcript', 'board memo', 'release notes'];
const AUDIENCES = ['executives', 'new hires', 'customers', 'the support team', 'investors'];

/** Three prompt patterns with varied slot values, and one-off prompts that belong to none. */
function prompts(): { text: string; label: string | null }[] {
  const rand = seededRandom(3);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: { text: string; label: string | null }[] = [];
  for (let i = 0; i < 12; i++) {
    out.push({
      text: `Review this ${pick(LANGUAGES)} code for ${pick(PURPOSES)} and suggest fixes`,
      label: 'review',
    });
    out.push({
      text: `Summarize the attached ${pick(DOCS)} for ${pick(AUDIENCES)} in five bullet points`,
      label: 'summary',
    });
  }
  for (let i = 0; i < 6; i++) {
    out.push({
      text: `Translate the onboarding checklist into ${pick(['german', 'french', 'spanish', 'italian'])} keeping the headings`,
      label: 'translate',
    });
  }
  for (const text of [
    'What is the boiling point of water on Mount Everest?',
    'Plan a three day trip to Lisbon with kids',
    'Why does my sourdough starter smell like nail polish?',
    'Explain the offside rule like I am five',
    'Give me a limerick about a sleepy cat',
  ])
    out.push({ text, label: null });
  return out;
}

function lexical(texts: readonly string[]): VectorSet {
  const e = tfidfEmbed(texts);
  return sparseSet(e.rows, e.dim);
}

/** Label → set of member texts, for comparing partitions whatever the order of items and clusters. */
function partition(texts: readonly string[], result: ReturnType<typeof clusterPatterns>): string[][] {
  return result.clusters
    .map((c) => c.members.map((i) => texts[i]!).sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

// Short prompts whose slots are half their words: a low threshold (see src/cluster/space.ts).
const options = { minPatternSize: 2, similarity: 0.3, seed: 42 };

describe('clusterPatterns', () => {
  const items = prompts();
  const texts = items.map((i) => i.text);

  it('finds each pattern once, whole, and leaves the one-offs unclustered', () => {
    const result = clusterPatterns({ vectors: lexical(texts) }, options);
    check(result);
  });

  it('at the default threshold, finds them by their skeleton (the same words in the same order)', () => {
    // At 0.55 TF-IDF alone splits these short prompts by slot value (one group a language)…
    expect(clusterPatterns({ vectors: lexical(texts) }, { ...options, similarity: 0.55 }).k).toBeGreaterThan(
      3,
    );
    // …and their order of words joins them again.
    check(
      clusterPatterns(
        { vectors: lexical(texts), words: texts.map(skeletonWords) },
        { ...options, similarity: 0.55 },
      ),
    );
  });

  function check(result: ReturnType<typeof clusterPatterns>): void {
    expect(result.k).toBe(3);
    for (const cluster of result.clusters) {
      const labels = new Set(cluster.members.map((i) => items[i]!.label));
      expect(labels.size).toBe(1);
      expect(labels.has(null)).toBe(false);
      expect(cluster.members.length).toBe(
        items.filter((it) => it.label === items[cluster.members[0]!]!.label).length,
      );
      expect(cluster.cohesion).toBeGreaterThan(0.5);
      expect(cluster.silhouette).toBeGreaterThan(0);
      // Most central first.
      expect([...cluster.similarities].sort((a, b) => b - a)).toEqual(cluster.similarities);
    }
    expect(result.unclustered.map((i) => items[i]!.label)).toEqual([null, null, null, null, null]);
  }

  it('gives the same patterns for the same prompts in any order', () => {
    const base = partition(texts, clusterPatterns({ vectors: lexical(texts) }, options));
    const rand = seededRandom(11);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...texts];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(partition(shuffled, clusterPatterns({ vectors: lexical(shuffled) }, options))).toEqual(base);
    }
  });

  it('keeps a pair of prompts with a tiny minimum size but not with a larger one', () => {
    const pair = [
      'Write a haiku about autumn leaves falling',
      'Write a haiku about autumn rain falling',
      'Unrelated',
    ];
    expect(clusterPatterns({ vectors: lexical(pair) }, options).k).toBe(1);
    expect(clusterPatterns({ vectors: lexical(pair) }, { ...options, minPatternSize: 3 }).k).toBe(0);
  });

  it('counts duplicates through their representative: two copies of one prompt are a pattern of two', () => {
    const dup = [
      'Draft the weekly status email',
      'Draft the weekly status email',
      'Something else entirely here',
    ];
    const result = clusterPatterns({ vectors: lexical(dup), representative: [0, 0, 2] }, options);
    expect(result.clusters.map((c) => c.members)).toEqual([[0, 1]]);
  });

  it('lets new prompts join an existing pattern, never merges two existing ones, and names them', () => {
    // Items 0–3 stand for existing pattern 0 (reviews), 4–7 for existing pattern 1 (summaries).
    const reviews = items.filter((i) => i.label === 'review').map((i) => i.text);
    const summaries = items.filter((i) => i.label === 'summary').map((i) => i.text);
    const all = [...reviews.slice(0, 4), ...summaries.slice(0, 4), ...reviews.slice(4, 6), 'Plan a picnic'];
    const fixed = [0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1];
    const result = clusterPatterns({ vectors: lexical(all), fixed }, { ...options, similarity: 0.1 });
    const byFixed = new Map(result.clusters.map((c) => [c.fixed, [...c.members].sort((a, b) => a - b)]));
    expect(byFixed.get(0)).toEqual([0, 1, 2, 3, 8, 9]);
    expect(byFixed.get(1)).toEqual([4, 5, 6, 7]);
  });

  it('puts rows with nothing to compare (empty vectors) among the unclustered', () => {
    const result = clusterPatterns({ vectors: lexical(['!!!', '???', ...texts]) }, options);
    expect(result.unclustered).toContain(0);
    expect(result.unclustered).toContain(1);
  });
});

describe('centroidScorer', () => {
  it('gives every row-centroid dot product exactly as sparseDot does, bit for bit', () => {
    const rand = seededRandom(5);
    const dim = 300;
    const rows = Array.from({ length: 200 }, () =>
      sparse(Float32Array.from({ length: dim }, () => (rand() < 0.05 ? rand() - 0.3 : 0))),
    );
    const centroids = Array.from({ length: 37 }, () =>
      Float32Array.from({ length: dim }, () => rand() - 0.5),
    );
    const scores = centroidScorer(rows, centroids, dim);
    rows.forEach((row, i) => {
      const got = scores(i);
      centroids.forEach((c, k) => expect(got[k]).toBe(sparseDot(row, c)));
    });
  });
});

describe('findNeighbors', () => {
  /** 2,000 unit vectors around 200 random directions. */
  function blobs(): VectorSet {
    const rand = seededRandom(5);
    const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const unit = (v: Float32Array): Float32Array => {
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const centres = Array.from({ length: 200 }, () => unit(Float32Array.from({ length: 64 }, gauss)));
    const rows = Array.from({ length: 2_000 }, (_, i) =>
      unit(centres[i % 200]!.map((x) => x + 0.08 * gauss())),
    );
    return denseSet(rows, 64);
  }

  it('finds, with the cell index, nearly every pair the exact search finds', () => {
    const set = blobs();
    const exact = findNeighbors(set, { threshold: 0.6, exactUpTo: Infinity });
    const approximate = findNeighbors(set, { threshold: 0.6, exactUpTo: 0 });
    let pairs = 0;
    let found = 0;
    exact.index.forEach((list, i) => {
      const got = new Set(approximate.index[i]);
      for (const j of list) {
        pairs++;
        if (got.has(j)) found++;
      }
    });
    expect(pairs).toBeGreaterThan(10_000);
    expect(found / pairs).toBeGreaterThan(0.97);
    // And nothing below the threshold.
    approximate.index.forEach((list, i) =>
      list.forEach((j) => expect(dotRows(set, i, j)).toBeGreaterThanOrEqual(0.6 - 1e-6)),
    );
  });

  it('in the hybrid space, finds through the TF-IDF half exactly the pairs a search of the whole finds', () => {
    // Sentence and lexical vectors that agree on the groups only loosely, so that many pairs are close
    // in one half and not in the other.
    const rand = seededRandom(11);
    const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const near = (centres: Float32Array[], i: number, noise: number): Float32Array => {
      const v = centres[i % centres.length]!.map((x) => x + noise * gauss());
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const centres = (k: number, dim: number): Float32Array[] =>
      Array.from({ length: k }, () => Float32Array.from({ length: dim }, gauss));
    const sentenceCentres = centres(30, 48);
    const lexicalCentres = centres(40, 24);
    const n = 900;
    const sentences = denseSet(
      Array.from({ length: n }, (_, i) => near(sentenceCentres, i, 0.05 + 0.3 * rand())),
      48,
    );
    const lexicalRows = Array.from({ length: n }, (_, i) => {
      const v = near(lexicalCentres, i, 0.05 + 0.5 * rand());
      return { index: Int32Array.from(v, (_, d) => d), value: v };
    });
    const space = clusteringSpace(sentences, sparseSet(lexicalRows, 24));
    const threshold = 0.7;
    const all = findNeighbors(space.vectors, { threshold, maxNeighbors: Infinity });
    const viaLexical = findNeighbors(space.vectors, {
      threshold,
      maxNeighbors: Infinity,
      prefilter: { vectors: space.lexical!, threshold: lexicalBound(threshold) },
    });
    let pairs = 0;
    all.index.forEach((list, i) => {
      pairs += list.length;
      expect([...viaLexical.index[i]!]).toEqual([...list]);
    });
    expect(pairs).toBeGreaterThan(5_000);
    // The bound is tight enough to matter: TF-IDF alone at the joining threshold would miss pairs.
    const lexicalOnly = findNeighbors(space.lexical!, { threshold, maxNeighbors: Infinity });
    const missed = all.index.some((list, i) => list.some((j) => !lexicalOnly.index[i]!.includes(j)));
    expect(missed).toBe(true);
  });
});

describe('averageLinkage', () => {
  it('joins exactly as textbook average linkage (UPGMA) with a threshold does', () => {
    const rand = seededRandom(9);
    const rows = Array.from({ length: 40 }, () => {
      const v = Float32Array.from({ length: 6 }, () => rand() - 0.3);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    const set = denseSet(rows, 6);
    const threshold = 0.55;
    const groups = averageLinkage(set, findNeighbors(set, { threshold, maxNeighbors: 64 }), {
      threshold,
      weights: new Float64Array(40).fill(1),
    });

    // Textbook: repeatedly join the two clusters with the highest mean pairwise similarity.
    let clusters = rows.map((_, i) => [i]);
    const mean = (a: number[], b: number[]): number => {
      let s = 0;
      for (const i of a) for (const j of b) s += dotRows(set, i, j);
      return s / (a.length * b.length);
    };
    for (;;) {
      let best: [number, number] | null = null;
      let bestSim = threshold;
      for (let a = 0; a < clusters.length; a++)
        for (let b = a + 1; b < clusters.length; b++) {
          const s = mean(clusters[a]!, clusters[b]!);
          if (s >= bestSim) [bestSim, best] = [s, [a, b]];
        }
      if (!best) break;
      const [a, b] = best;
      clusters = [...clusters.filter((_, i) => i !== a && i !== b), [...clusters[a]!, ...clusters[b]!]];
    }
    const norm = (cs: number[][]): string[] => cs.map((c) => [...c].sort((x, y) => x - y).join(',')).sort();
    expect(norm(groups.map((g) => g.rows))).toEqual(norm(clusters));
    expect(groups.some((g) => g.rows.length > 2)).toBe(true);
  });
});

describe('skeletons', () => {
  it('measures the common subsequence of words', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'y'])).toBe(3);
    expect(lcsLength([], ['a'])).toBe(0);
  });

  it('shares a skeleton between fills of one short template, not between unrelated prompts', () => {
    const a = skeletonWords('Review the following Go code for race conditions and goroutine leaks: {{code}}');
    const b = skeletonWords(
      'Review the following Java code for thread safety and correct use of locks: {{code}}',
    );
    const c = skeletonWords('What is a good substitute for buttermilk in pancakes, and how much of it?');
    expect(skeletonShare(a, b)).toBeGreaterThanOrEqual(0.5);
    expect(skeletonShare(a, c)).toBeLessThan(0.5);
  });

  it('does not count long shared boilerplate as a skeleton when the rest differs', () => {
    const opening = 'I want you to act as a';
    const a = skeletonWords(
      `${opening} travel guide. I will write you my location and you will suggest a place to visit near it, and tell me what to eat there.`,
    );
    const b = skeletonWords(
      `${opening} stand-up comedian. I will provide you with some topics related to current events and you will use your wit to write a routine.`,
    );
    expect(skeletonShare(a, b)).toBe(0);
  });
});
