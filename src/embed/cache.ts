import type { DuckDBBlobValue } from '@duckdb/node-api';
import { sha256Hex } from '../util/hash.js';
import { withDb, withTransaction } from '../store/db.js';
import type { Embedder } from './embedder.js';

/*
 * Vectors of cacheable embedders, kept in DuckDB by the text's SHA-256 and the model id: the same
 * prompt in a later run (or in another export) is never embedded twice. Vectors are stored as
 * little-endian float32 BLOBs: appending 512 floats a row as LIST values costs far more than the
 * embedding it saves.
 */

export interface CachedEmbedding {
  vectors: Float32Array[];
  /** Texts that were embedded now (the rest came from the cache). */
  computed: number;
}

const toBlob = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Uint8Array): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/** Where cached vectors of one model are looked up and kept. */
export interface VectorCache {
  lookup(hashes: readonly string[]): Promise<Map<string, Float32Array>>;
  store(hashes: readonly string[], vectors: readonly Float32Array[]): Promise<void>;
}

/** The cache in the database: what the store worker (or a single process) reads and writes. */
export function dbCache(db: string, model: string): VectorCache {
  return {
    lookup: (hashes) => lookup(db, model, hashes),
    store: (hashes, vectors) => storeCached(db, model, hashes, vectors),
  };
}

export async function cachedEmbed(
  cache: VectorCache,
  embedder: Embedder,
  texts: readonly string[],
  onProgress?: (done: number) => void,
): Promise<CachedEmbedding> {
  if (!embedder.cacheable)
    return { vectors: await embedder.embed(texts, onProgress), computed: texts.length };
  const hashes = texts.map((t) => sha256Hex(t));
  const textOf = new Map(hashes.map((h, i) => [h, texts[i]!]));
  const unique = [...new Set(hashes)];
  const known = new Map<string, Float32Array>();
  let computed = 0;
  let done = 0;
  // A slice at a time: each is looked up, embedded where missing and stored on its own, so DuckDB never
  // holds more than a slice of vectors (100 k of them are 200 MB, past the write memory limit) and an
  // embedding cut short by a crash or a retry resumes from what is already stored.
  for (let start = 0; start < unique.length; start += CACHE_SLICE) {
    const slice = unique.slice(start, start + CACHE_SLICE);
    const found = await cache.lookup(slice);
    for (const [h, v] of found) known.set(h, v);
    const missing = slice.filter((h) => !found.has(h));
    const before = done + found.size;
    const fresh = await embedder.embed(
      missing.map((h) => textOf.get(h)!),
      onProgress && ((n) => onProgress(before + n)),
    );
    if (missing.length > 0) await cache.store(missing, fresh);
    missing.forEach((h, i) => known.set(h, fresh[i]!));
    computed += missing.length;
    done += slice.length;
    onProgress?.(done);
  }
  return { vectors: hashes.map((h) => known.get(h)!), computed };
}

/** Looks every hash up, a slice at a time. */
export async function lookupAll(
  db: string,
  model: string,
  hashes: readonly string[],
): Promise<Map<string, Float32Array>> {
  const known = new Map<string, Float32Array>();
  for (let start = 0; start < hashes.length; start += CACHE_SLICE) {
    for (const [h, v] of await lookup(db, model, hashes.slice(start, start + CACHE_SLICE))) known.set(h, v);
  }
  return known;
}

/** Distinct texts looked up, embedded and stored at a time. */
const CACHE_SLICE = 8_192;

async function lookup(
  db: string,
  model: string,
  hashes: readonly string[],
): Promise<Map<string, Float32Array>> {
  return withDb(db, 'write', async (conn) => {
    await conn.run('CREATE OR REPLACE TEMP TABLE wanted (content_hash VARCHAR)');
    const appender = await conn.createAppender('wanted', 'main', 'temp');
    for (const h of hashes) {
      appender.appendVarchar(h);
      appender.endRow();
    }
    appender.closeSync();
    const reader = await conn.runAndReadAll(
      `SELECT c.content_hash, c.vector FROM embedding_cache c JOIN temp.wanted w USING (content_hash)
       WHERE c.model = $1`,
      [model],
    );
    await conn.run('DROP TABLE temp.wanted');
    return new Map(
      reader.getRows().map(([hash, blob]) => [String(hash), fromBlob((blob as DuckDBBlobValue).bytes)]),
    );
  });
}

export async function storeCached(
  db: string,
  model: string,
  hashes: readonly string[],
  vectors: readonly Float32Array[],
): Promise<void> {
  await withTransaction(db, async (conn) => {
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE stage_vectors (content_hash VARCHAR, dim INTEGER, vector BLOB)',
    );
    const appender = await conn.createAppender('stage_vectors', 'main', 'temp');
    hashes.forEach((h, i) => {
      appender.appendVarchar(h);
      appender.appendInteger(vectors[i]!.length);
      appender.appendBlob(toBlob(vectors[i]!));
      appender.endRow();
    });
    appender.closeSync();
    await conn.run(
      `INSERT INTO embedding_cache SELECT content_hash, $1, dim, vector, now() FROM stage_vectors
       ON CONFLICT DO NOTHING`,
      [model],
    );
    await conn.run('DROP TABLE temp.stage_vectors');
  });
}
