import { contentWords } from '../embed/tokenize.js';

/*
 * Keywords by class-based TF-IDF (c-TF-IDF, as BERTopic names topics): all members of a pattern are
 * read as one document, and a term weighs tf(t, pattern) × log(1 + A / f(t)), where A is the mean
 * number of words a class and f(t) the term's count over all classes. A word every prompt uses
 * ("please", "write") is frequent everywhere and sinks; the words that make this pattern this pattern
 * rise. The one-offs that joined no pattern are a class too, so that their words count in f(t).
 * Terms are counted by stem and shown as the member's most frequent spelling of it.
 */

/** Placeholders for pasted material and redactions are not words of the prompt. */
const PLACEHOLDER = /\{\{\w+\}\}/g;

export function classKeywords(classes: readonly (readonly string[])[], count = 5): string[][] {
  const tf = classes.map((texts) => {
    const counts = new Map<string, number>();
    const spellings = new Map<string, Map<string, number>>();
    for (const text of texts) {
      for (const { stem, word } of contentWords(text.replace(PLACEHOLDER, ' '))) {
        counts.set(stem, (counts.get(stem) ?? 0) + 1);
        const s = spellings.get(stem) ?? new Map<string, number>();
        s.set(word, (s.get(word) ?? 0) + 1);
        spellings.set(stem, s);
      }
    }
    return { counts, spellings };
  });
  const total = new Map<string, number>();
  let words = 0;
  for (const { counts } of tf) {
    for (const [t, n] of counts) {
      total.set(t, (total.get(t) ?? 0) + n);
      words += n;
    }
  }
  const mean = classes.length === 0 ? 0 : words / classes.length;
  return tf.map(({ counts, spellings }) =>
    [...counts.entries()]
      .map(([t, n]) => ({ t, w: n * Math.log(1 + mean / total.get(t)!) }))
      .sort((a, b) => b.w - a.w || (a.t < b.t ? -1 : 1))
      .slice(0, count)
      .map(({ t }) => mostFrequent(spellings.get(t)!)),
  );
}

function mostFrequent(spellings: Map<string, number>): string {
  return [...spellings.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

/** A short label from a pattern's keywords. */
export function labelFrom(keywords: readonly string[]): string {
  return keywords.slice(0, 3).join(' · ');
}
