import type OpenAI from 'openai';
import { denseRow, normalizeInPlace, sparseSet } from '../cluster/vector-set.js';
import { tfidfEmbed } from './tfidf.js';

/*
 * Embedders behind one interface. A `cacheable` embedder gives a text the same vector whatever else
 * is embedded with it, so its vectors are cached by content hash and model id (src/embed/cache.ts);
 * TF-IDF weighs words by the corpus at hand, so its vectors are computed afresh every run.
 */
export interface Embedder {
  /** The model id vectors are cached under: `use-lite`, `openai:text-embedding-3-small`… */
  readonly id: string;
  readonly cacheable: boolean;
  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array[]>;
}

/** TF-IDF as dense rows, for callers of the interface; runs and evaluations use its sparse rows. */
export const tfidfEmbedder: Embedder = {
  id: 'tfidf',
  cacheable: false,
  embed: (texts) => {
    const { dim, rows } = tfidfEmbed(texts);
    return Promise.resolve(rows.map((_, i) => denseRow(sparseSet(rows, dim), i)));
  },
};

/** What one request may hold: OpenAI allows 2,048 inputs and about 300 k tokens a request. */
const OPENAI_BATCH = 256;
/** Inputs are cut here (~8 k tokens is the per-input limit; 4 characters a token is the usual rule). */
const OPENAI_MAX_CHARS = 24_000;

/** Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM…), through the openai SDK. */
export function openaiEmbedder(client: OpenAI, model: string): Embedder {
  return {
    id: `openai:${model}`,
    cacheable: true,
    async embed(texts, onProgress) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += OPENAI_BATCH) {
        const batch = texts.slice(i, i + OPENAI_BATCH).map((t) => t.slice(0, OPENAI_MAX_CHARS) || ' ');
        const response = await client.embeddings.create({ model, input: batch, encoding_format: 'float' });
        const rows = [...response.data].sort((a, b) => a.index - b.index);
        if (rows.length !== batch.length) {
          throw new Error(
            `the embeddings endpoint returned ${rows.length} vectors for ${batch.length} texts`,
          );
        }
        for (const row of rows) out.push(normalizeInPlace(Float32Array.from(row.embedding)));
        onProgress?.(out.length);
      }
      return out;
    },
  };
}
