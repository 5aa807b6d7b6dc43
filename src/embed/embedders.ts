import type { Config } from '../config/config.js';
import { llmClient } from '../normalize/llm.js';
import { openaiEmbedder, tfidfEmbedder, type Embedder } from './embedder.js';

/**
 * The embedder a run asked for. The sentence encoder is imported only when used: loading TensorFlow
 * costs a second and memory that TF-IDF runs need not pay.
 */
export async function embedderFor(
  choice: { model: 'tfidf' | 'use-lite' | 'openai'; openaiModel: string } | undefined,
  llm: Config['llm'],
): Promise<Embedder> {
  switch (choice?.model ?? 'tfidf') {
    case 'tfidf':
      return tfidfEmbedder;
    case 'use-lite': {
      const { useLiteEmbedder } = await import('./use-lite.js');
      return useLiteEmbedder;
    }
    case 'openai':
      return openaiEmbedder(llmClient(llm), choice?.openaiModel ?? 'text-embedding-3-small');
  }
}
