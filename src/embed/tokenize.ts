import stopwords from 'natural/lib/natural/util/stopwords.js';
import porter from 'natural/lib/natural/stemmers/porter_stemmer.js';

const STOP = new Set(stopwords.words);

export interface ContentWord {
  /** The stem TF-IDF and keywords count by. */
  stem: string;
  /** The word as written, lower-cased: what a reader is shown. */
  word: string;
}

/** Lower-cased content words with their stems (stopwords, numbers and single letters dropped). */
export function contentWords(text: string): ContentWord[] {
  const out: ContentWord[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}_']+/u)) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (word.length < 2 || STOP.has(word) || /^\d+$/.test(word)) continue;
    out.push({ stem: porter.stem(word), word });
  }
  return out;
}

/** Lower-cased, stemmed content words: the lexical signal TF-IDF and keywords work from. */
export function contentTokens(text: string): string[] {
  return contentWords(text).map((w) => w.stem);
}
