import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedEmbed, dbCache } from '../../../src/embed/cache.js';
import { openaiEmbedder } from '../../../src/embed/embedder.js';
import { queryRows, withDb } from '../../../src/store/db.js';
import { fakeEmbedding, startFakeLlm, type FakeLlm } from '../../helpers/openai-server.js';
import { tempDir } from '../../helpers/paths.js';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await llm.close();
});

describe('embeddings through an OpenAI-compatible endpoint, cached in DuckDB', () => {
  it('asks for float vectors in batches, keeps their order, and never embeds a text twice', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const embedder = openaiEmbedder(
      new OpenAI({ apiKey: 'test', baseURL: llm.baseURL('valid'), maxRetries: 0 }),
      'text-embedding-3-small',
    );
    const texts = Array.from({ length: 300 }, (_, i) => `prompt number ${i}`);
    const cache = dbCache(db, embedder.id);
    const first = await cachedEmbed(cache, embedder, texts);
    expect(first.computed).toBe(300);
    const calls = llm.requests.filter((r) => r.path.endsWith('/embeddings'));
    expect(calls.map((r) => r.body.input?.length)).toEqual([256, 44]);
    expect(
      calls.every((r) => r.body.encoding_format === 'float' && r.body.model === 'text-embedding-3-small'),
    ).toBe(true);
    // Unit length, in input order.
    const expected = fakeEmbedding('prompt number 7');
    const norm = Math.hypot(...expected);
    expect([...first.vectors[7]!].map((x) => Number(x.toFixed(5)))).toEqual(
      expected.map((x) => Number((x / norm).toFixed(5))),
    );

    const again = await cachedEmbed(cache, embedder, [
      ...texts.slice(0, 10),
      'a new prompt',
      'prompt number 3',
    ]);
    expect(again.computed).toBe(1);
    expect(llm.requests.filter((r) => r.path.endsWith('/embeddings'))).toHaveLength(3);
    expect(again.vectors[0]).toEqual(first.vectors[0]);
    expect(again.vectors[11]).toEqual(first.vectors[3]);

    const rows = await withDb(db, 'read', (c) =>
      queryRows(c, 'SELECT model, count(*) AS n, min(dim) AS dim FROM embedding_cache GROUP BY model'),
    );
    expect(rows).toEqual([{ model: 'openai:text-embedding-3-small', n: 301, dim: 8 }]);
  });
});
