import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { clusterPool, type PoolItem } from '../cluster/pool.js';
import { denseSet, sparseSet } from '../cluster/vector-set.js';
import { readHandoff, writeHandoff } from '../pipeline/handoff.js';
import { runArtifactDir, stageFile } from '../pipeline/run-dir.js';
import type { DiscoverInput } from '../run-summary.js';
import { withDb } from '../store/db.js';
import { sha256Hex } from '../util/hash.js';
import { cachedEmbed, lookupAll, storeCached, type VectorCache } from './cache.js';
import { tfidfEmbedder, type Embedder } from './embedder.js';
import { tfidfEmbed } from './tfidf.js';
import { USE_LITE_MODEL } from './use-lite.js';
import { readVectorFile, writeVectorFile } from './vector-file.js';

export interface EmbedSummary {
  /** The vector file the cluster stage reads; a sentence embedder's has its TF-IDF at `<path>.tfidf`. */
  path: string;
  count: number;
  dim: number;
  model: string;
  /** Texts embedded now; the rest came from the cache. */
  computed: number;
}

export type EmbedChoice = DiscoverInput['embed'];

/** The file a lexical (TF-IDF) companion of a sentence-vector file is written to. */
export function lexicalPath(path: string): string {
  return `${path}.tfidf`;
}

/** The id a choice's vectors are cached under (the embedder's id), or null for TF-IDF, which is not cached. */
export function cacheModel(choice: EmbedChoice): string | null {
  switch (choice?.model ?? 'tfidf') {
    case 'tfidf':
      return null;
    case 'use-lite':
      return USE_LITE_MODEL;
    case 'openai':
      return `openai:${choice?.openaiModel ?? 'text-embedding-3-small'}`;
  }
}

interface EmbedInput {
  pool: PoolItem[];
  /** The cache's model id; null when the embedder's vectors are not cached. */
  model: string | null;
  /** A vector file of the pool's cached vectors, by text hash. */
  cached: string | null;
}

interface EmbedOutput extends EmbedSummary {
  /** Vector files of what was embedded now, by text hash, for the cache. */
  fresh: string[];
}

const CACHED_FILE = 'embed.cached.bin';
const FRESH_FILE = /^embed\.fresh-(\d+)\.bin$/;

/**
 * Where the database is: what the run clusters (src/cluster/pool.ts: candidates in no pattern, and
 * members standing for each existing pattern), and the cached vectors of those texts under `model`
 * (`cacheModel`; null: not cached).
 */
export async function prepareEmbed(db: string, runId: string, model: string | null): Promise<void> {
  const dir = runArtifactDir(db, runId);
  const pool = await withDb(db, 'read', (conn) => clusterPool(conn));
  let cached: string | null = null;
  if (model !== null) {
    const found = await lookupAll(db, model, [...new Set(pool.map((p) => sha256Hex(p.text)))]);
    cached = join(dir, CACHED_FILE);
    const ids = [...found.keys()];
    await writeVectorFile(cached, { model, ids, vectors: denseSet(ids.map((h) => found.get(h)!)) });
  }
  await writeHandoff(stageFile(db, runId, 'embed', 'in'), { pool, model, cached } satisfies EmbedInput);
}

/**
 * The cache as a compute worker sees it: the cached vectors the store worker handed over, plus what
 * an earlier attempt of this step embedded (a worker killed mid-way loses no finished slice).
 * New vectors go to files for the store worker to add to the cache.
 */
async function handedOverCache(
  dir: string,
  cached: string | null,
): Promise<VectorCache & { files: string[] }> {
  const known = new Map<string, Float32Array>();
  const files: string[] = [];
  const add = async (path: string): Promise<void> => {
    const file = await readVectorFile(path);
    if (file.vectors.kind !== 'dense') throw new Error(`${path} does not hold sentence vectors`);
    file.ids.forEach((h, i) => known.set(h, (file.vectors.rows as Float32Array[])[i]!));
  };
  if (cached !== null) await add(cached);
  const earlier = existsSync(dir) ? (await readdir(dir)).filter((f) => FRESH_FILE.test(f)).sort() : [];
  for (const f of earlier) {
    await add(join(dir, f));
    files.push(join(dir, f));
  }
  return {
    files,
    lookup: (hashes) =>
      Promise.resolve(new Map(hashes.flatMap((h) => (known.has(h) ? [[h, known.get(h)!]] : [])))),
    async store(hashes, vectors) {
      const path = join(dir, `embed.fresh-${String(files.length).padStart(5, '0')}.bin`);
      await writeVectorFile(path, { model: 'fresh', ids: [...hashes], vectors: denseSet([...vectors]) });
      files.push(path);
    },
  };
}

/**
 * Embeds the pool into vector files: TF-IDF always (it is the lexical half of the clustering space and
 * cheap), and the sentence embedder's vectors for the texts the cache did not have. Runs on any
 * compute worker: it reads and writes only the run's folder.
 */
export async function computeEmbed(
  db: string,
  runId: string,
  embedder: Embedder,
  onProgress?: (done: number) => void,
): Promise<void> {
  const dir = runArtifactDir(db, runId);
  const input = await readHandoff<EmbedInput>(stageFile(db, runId, 'embed', 'in'));
  const texts = input.pool.map((c) => c.text);
  const ids = input.pool.map((c) => c.id);
  const path = join(dir, `embeddings.${embedder.id.replace(/[^\w.-]+/g, '_')}.bin`);
  const lexical = tfidfEmbed(texts);
  const lexicalFile = {
    model: 'tfidf',
    ids,
    vocabulary: lexical.vocabulary,
    vectors: sparseSet(lexical.rows, lexical.dim),
  };
  let output: EmbedOutput;
  if (embedder === tfidfEmbedder) {
    await writeVectorFile(path, lexicalFile);
    output = { path, count: ids.length, dim: lexical.dim, model: 'tfidf', computed: ids.length, fresh: [] };
  } else {
    if (embedder.cacheable && embedder.id !== input.model) {
      throw new Error(`the embedder is ${embedder.id} but the cache was read for ${input.model ?? 'none'}`);
    }
    const cache = await handedOverCache(dir, input.cached);
    const { vectors, computed } = await cachedEmbed(cache, embedder, texts, onProgress);
    const dim = vectors[0]?.length ?? 0;
    await writeVectorFile(path, { model: embedder.id, ids, vectors: denseSet(vectors, dim) });
    await writeVectorFile(lexicalPath(path), lexicalFile);
    output = { path, count: ids.length, dim, model: embedder.id, computed, fresh: cache.files };
  }
  await writeHandoff(stageFile(db, runId, 'embed', 'out'), output);
}

/** Where the database is: adds what was embedded now to the cache. Retried, it adds nothing twice. */
export async function commitEmbed(db: string, runId: string): Promise<EmbedSummary> {
  const { fresh, ...summary } = await readHandoff<EmbedOutput>(stageFile(db, runId, 'embed', 'out'));
  for (const path of fresh) {
    const file = await readVectorFile(path);
    await storeCached(db, summary.model, file.ids, file.vectors.rows as Float32Array[]);
  }
  return summary;
}

/** The embed stage in one process. */
export async function embedRun(
  db: string,
  runId: string,
  embedder: Embedder = tfidfEmbedder,
  onProgress?: (done: number) => void,
): Promise<EmbedSummary> {
  await prepareEmbed(db, runId, embedder.cacheable ? embedder.id : null);
  await computeEmbed(db, runId, embedder, onProgress);
  return commitEmbed(db, runId);
}
