// natural is imported by submodule (its top-level index prints to stdout); these have no typings of their own.
declare module 'natural/lib/natural/util/stopwords.js' {
  const stopwords: { words: string[] };
  export default stopwords;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}
declare module 'natural/lib/natural/tfidf/index.js' {
  class TfIdf {
    addDocument(document: string | string[]): void;
    idf(term: string, force?: boolean): number;
  }
  const tfidf: { TfIdf: typeof TfIdf };
  export default tfidf;
}
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  class BayesClassifier {
    addDocument(document: string | string[], label: string): void;
    train(): void;
    classify(document: string | string[]): string;
    getClassifications(document: string | string[]): { label: string; value: number }[];
  }
  export default BayesClassifier;
}
