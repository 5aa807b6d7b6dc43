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

export async function cachedEmbed(
  db: string,
  embedder: Embedder,
  texts: readonly string[],
  onProgress?: (done: number) => void,
): Promise<CachedEmbedding> {
  if (!embedder.cacheable)
    return { vectors: await embedder.embed(texts, onProgress), computed: texts.length };
  const hashes = texts.map((t) => sha256Hex(t));
  const known = await withDb(db, 'write', async (conn) => {
    await conn.run('CREATE OR REPLACE TEMP TABLE wanted (content_hash VARCHAR)');
    const appender = await conn.createAppender('wanted', 'main', 'temp');
    for (const h of new Set(hashes)) {
      appender.appendVarchar(h);
      appender.endRow();
    }
    appender.closeSync();
    const reader = await conn.runAndReadAll(
      `SELECT c.content_hash, c.vector FROM embedding_cache c JOIN temp.wanted w USING (content_hash)
       WHERE c.model = $1`,
      [embedder.id],
    );
    await conn.run('DROP TABLE temp.wanted');
    return new Map(
      reader.getRows().map(([hash, blob]) => [String(hash), fromBlob((blob as DuckDBBlobValue).bytes)]),
    );
  });
  const missing = [...new Set(hashes.filter((h) => !known.has(h)))];
  const textOf = new Map(hashes.map((h, i) => [h, texts[i]!]));
  const fresh = await embedder.embed(
    missing.map((h) => textOf.get(h)!),
    onProgress,
  );
  if (missing.length > 0) {
    await withTransaction(db, async (conn) => {
      await conn.run(
        'CREATE OR REPLACE TEMP TABLE stage_vectors (content_hash VARCHAR, dim INTEGER, vector BLOB)',
      );
      const appender = await conn.createAppender('stage_vectors', 'main', 'temp');
      missing.forEach((h, i) => {
        appender.appendVarchar(h);
        appender.appendInteger(fresh[i]!.length);
        appender.appendBlob(toBlob(fresh[i]!));
        appender.endRow();
      });
      appender.closeSync();
      await conn.run(
        `INSERT INTO embedding_cache SELECT content_hash, $1, dim, vector, now() FROM stage_vectors
         ON CONFLICT DO NOTHING`,
        [embedder.id],
      );
      await conn.run('DROP TABLE temp.stage_vectors');
    });
    missing.forEach((h, i) => known.set(h, fresh[i]!));
  }
  return { vectors: hashes.map((h) => known.get(h)!), computed: missing.length };
}
