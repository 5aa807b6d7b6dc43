import { join } from 'node:path';
import { runCandidates } from '../extract/extract-run.js';
import { withDb } from '../store/db.js';
import { cachedEmbed } from './cache.js';
import { tfidfEmbedder, type Embedder } from './embedder.js';
import { tfidfEmbed } from './tfidf.js';
import { writeVectorFile } from './vector-file.js';

export interface EmbedSummary {
  /** The vector file the cluster stage reads. */
  path: string;
  count: number;
  dim: number;
  model: string;
}

/** Where a run's intermediate files live: beside the database, one folder a run. */
export function runArtifactDir(db: string, runId: string): string {
  return join(db.replace(/\.duckdb$/, '') + '.runs', runId);
}

/**
 * Embeds the run's candidates (their instruction text, not what was pasted into them) into a vector
 * file. TF-IDF keeps its vocabulary in the file (the cluster stage names patterns with it); other
 * embedders go through the cache, so a prompt seen by an earlier run is not embedded again.
 */
export async function embedRun(
  db: string,
  runId: string,
  embedder: Embedder = tfidfEmbedder,
  onProgress?: (done: number) => void,
): Promise<EmbedSummary & { computed: number }> {
  const candidates = await withDb(db, 'read', (conn) => runCandidates(conn, runId));
  const texts = candidates.map((c) => c.text);
  const path = join(runArtifactDir(db, runId), `embeddings.${embedder.id.replace(/[^\w.-]+/g, '_')}.bin`);
  const ids = candidates.map((c) => c.id);
  if (embedder === tfidfEmbedder) {
    const embedding = tfidfEmbed(texts);
    await writeVectorFile(path, {
      model: 'tfidf',
      dim: embedding.dim,
      ids,
      vocabulary: embedding.vocabulary,
      vectors: embedding.vectors,
    });
    return { path, count: ids.length, dim: embedding.dim, model: 'tfidf', computed: ids.length };
  }
  const { vectors, computed } = await cachedEmbed(db, embedder, texts, onProgress);
  // Keywords still come from words: the TF-IDF vocabulary rides along for the cluster stage.
  const lexical = tfidfEmbed(texts);
  const dim = vectors[0]?.length ?? 0;
  await writeVectorFile(path, { model: embedder.id, dim, ids, vectors });
  await writeVectorFile(`${path}.tfidf`, {
    model: 'tfidf',
    dim: lexical.dim,
    ids,
    vocabulary: lexical.vocabulary,
    vectors: lexical.vectors,
  });
  return { path, count: ids.length, dim, model: embedder.id, computed };
}
