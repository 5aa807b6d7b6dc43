import type { SparseVector } from '../cluster/vector-set.js';
import { contentTokens } from './tokenize.js';

export interface TfidfOptions {
  /** Upper bound on dimensions: the terms shared by the most documents are kept. */
  maxTerms?: number;
}

export interface TfidfEmbedding {
  dim: number;
  vocabulary: string[];
  /** One row per input text, in input order: its non-zero entries over `vocabulary`. */
  rows: SparseVector[];
}

/**
 * TF-IDF vectors over the texts themselves, with natural's tokenizer, stemmer and stopwords and its
 * idf, 1 + ln(N / (1 + df)). (natural's `TfIdf.idf` counts a term's documents by scanning them all,
 * once per term: 4,096 terms × 100 k prompts is 4·10⁸ lookups, so document frequencies are counted
 * here in one pass.)
 *
 * Only terms found in two or more texts become dimensions: a term seen once cannot make two prompts
 * alike. But every term counts in a row's length: a row is its full TF-IDF vector divided by that
 * vector's norm, then cut to the vocabulary. So a prompt that shares one word with the corpus and has
 * twenty of its own (a message in another language, mostly pasted identifiers) keeps a short vector
 * and stays unlike everything, instead of becoming a unit vector made of that one shared word.
 */
export function tfidfEmbed(texts: readonly string[], options: TfidfOptions = {}): TfidfEmbedding {
  const maxTerms = options.maxTerms ?? 4096;
  const docs = texts.map(contentTokens);
  const df = new Map<string, number>();
  for (const tokens of docs) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (term: string): number => 1 + Math.log(docs.length / (1 + (df.get(term) ?? 0)));
  const vocabulary = [...df.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxTerms)
    .map(([term]) => term)
    .sort();
  const index = new Map(vocabulary.map((t, i) => [t, i]));

  const rows = docs.map((tokens): SparseVector => {
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    let norm = 0;
    const kept: [number, number][] = [];
    for (const [term, count] of counts) {
      const w = count * idf(term);
      norm += w * w;
      const i = index.get(term);
      if (i !== undefined) kept.push([i, w]);
    }
    norm = Math.sqrt(norm);
    kept.sort((a, b) => a[0] - b[0]);
    return {
      index: Int32Array.from(kept, (k) => k[0]),
      value: Float32Array.from(kept, (k) => (norm > 0 ? k[1] / norm : 0)),
    };
  });
  return { dim: vocabulary.length, vocabulary, rows };
}

export function dot(a: Float32Array | number[], b: Float32Array | number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
