import { join } from 'node:path';
import { clusterPool } from '../cluster/pool.js';
import { denseSet, sparseSet } from '../cluster/vector-set.js';
import { withDb } from '../store/db.js';
import { cachedEmbed } from './cache.js';
import { tfidfEmbedder, type Embedder } from './embedder.js';
import { tfidfEmbed } from './tfidf.js';
import { writeVectorFile } from './vector-file.js';

export interface EmbedSummary {
  /** The vector file the cluster stage reads; a sentence embedder's has its TF-IDF at `<path>.tfidf`. */
  path: string;
  count: number;
  dim: number;
  model: string;
}

/** Where a run's intermediate files live: beside the database, one folder a run. */
export function runArtifactDir(db: string, runId: string): string {
  return join(db.replace(/\.duckdb$/, '') + '.runs', runId);
}

/** The file a lexical (TF-IDF) companion of a sentence-vector file is written to. */
export function lexicalPath(path: string): string {
  return `${path}.tfidf`;
}

/**
 * Embeds what the run clusters (src/cluster/pool.ts: candidates in no pattern, and members standing
 * for each existing pattern) into vector files. TF-IDF is always computed (it is the lexical half of
 * the clustering space and cheap); a sentence embedder's vectors go through the cache, so a prompt
 * seen by an earlier run is not embedded again.
 */
export async function embedRun(
  db: string,
  runId: string,
  embedder: Embedder = tfidfEmbedder,
  onProgress?: (done: number) => void,
): Promise<EmbedSummary & { computed: number }> {
  const pool = await withDb(db, 'read', (conn) => clusterPool(conn));
  const texts = pool.map((c) => c.text);
  const ids = pool.map((c) => c.id);
  const path = join(runArtifactDir(db, runId), `embeddings.${embedder.id.replace(/[^\w.-]+/g, '_')}.bin`);
  const lexical = tfidfEmbed(texts);
  const lexicalFile = {
    model: 'tfidf',
    ids,
    vocabulary: lexical.vocabulary,
    vectors: sparseSet(lexical.rows, lexical.dim),
  };
  if (embedder === tfidfEmbedder) {
    await writeVectorFile(path, lexicalFile);
    return { path, count: ids.length, dim: lexical.dim, model: 'tfidf', computed: ids.length };
  }
  const { vectors, computed } = await cachedEmbed(db, embedder, texts, onProgress);
  const dim = vectors[0]?.length ?? 0;
  await writeVectorFile(path, { model: embedder.id, ids, vectors: denseSet(vectors, dim) });
  await writeVectorFile(lexicalPath(path), lexicalFile);
  return { path, count: ids.length, dim, model: embedder.id, computed };
}
