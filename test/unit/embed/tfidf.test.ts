import { describe, expect, it } from 'vitest';
import { denseRow, denseSet, sparseSet } from '../../../src/cluster/vector-set.js';
import { dot, tfidfEmbed } from '../../../src/embed/tfidf.js';
import { contentTokens } from '../../../src/embed/tokenize.js';
import { readVectorFile, writeVectorFile } from '../../../src/embed/vector-file.js';
import { join } from 'node:path';
import { tempDir } from '../../helpers/paths.js';

describe('contentTokens', () => {
  it('lower-cases, drops stopwords and numbers, and stems', () => {
    expect(contentTokens('Reviewing the following Python code for 2 issues')).toEqual([
      'review',
      'follow',
      'python',
      'code',
      'issu',
    ]);
  });
});

describe('tfidfEmbed', () => {
  const texts = [
    'review this python code for security',
    'review this go code for performance',
    'translate this string into french',
    'translate this string into german',
    'a completely unrelated sentence',
  ];
  const dense = (e: ReturnType<typeof tfidfEmbed>): Float32Array[] =>
    e.rows.map((_, i) => denseRow(sparseSet(e.rows, e.dim), i));

  it('keeps only terms shared by two or more texts, as sparse rows over them', () => {
    const e = tfidfEmbed(texts);
    expect(e.vocabulary).toEqual(['code', 'review', 'string', 'translat']);
    expect(Array.from(e.rows[0]!.index)).toEqual([0, 1]);
    expect(e.rows[4]!.index.length).toBe(0);
  });

  it("counts every word in a row's length, so words of its own make it shorter", () => {
    const [a, , c] = dense(tfidfEmbed(texts));
    // 'python' and 'security' are only in the first text: its shared part is less than unit length.
    expect(dot(a!, a!)).toBeGreaterThan(0.2);
    expect(dot(a!, a!)).toBeLessThan(0.8);
    const bare = dense(tfidfEmbed(['translate string', 'translate string please', 'other words']));
    expect(dot(bare[0]!, bare[0]!)).toBeCloseTo(1, 5);
    expect(dot(c!, c!)).toBeLessThan(1);
  });

  it('makes prompts of one pattern closer to each other than to another pattern', () => {
    const [a, b, c] = dense(tfidfEmbed(texts));
    const cos = (x: Float32Array, y: Float32Array): number => dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y));
    expect(cos(a!, b!)).toBeGreaterThan(0.9);
    expect(dot(a!, c!)).toBe(0);
  });

  it('round-trips through a vector file, sparse and dense', async () => {
    const e = tfidfEmbed(texts);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const sparsePath = join(tempDir(), 'v.bin');
    await writeVectorFile(sparsePath, { model: 'tfidf', ids, vectors: sparseSet(e.rows, e.dim) });
    const back = await readVectorFile(sparsePath);
    expect(back.ids).toEqual(ids);
    expect(back.vectors).toEqual(sparseSet(e.rows, e.dim));

    const densePath = join(tempDir(), 'd.bin');
    await writeVectorFile(densePath, { model: 'x', ids, vectors: denseSet(dense(e), e.dim) });
    const again = await readVectorFile(densePath);
    expect(again.vectors.kind).toBe('dense');
    expect(again.vectors.rows.map((r) => Array.from(r as Float32Array))).toEqual(
      dense(e).map((r) => Array.from(r)),
    );
  });

  it('refuses a truncated vector file', async () => {
    const e = tfidfEmbed(texts);
    const path = join(tempDir(), 't.bin');
    await writeVectorFile(path, {
      model: 'tfidf',
      ids: ['a', 'b', 'c', 'd', 'e'],
      vectors: sparseSet(e.rows, e.dim),
    });
    const { readFileSync, writeFileSync } = await import('node:fs');
    const buf = readFileSync(path);
    writeFileSync(path, buf.subarray(0, buf.length - 3));
    await expect(readVectorFile(path)).rejects.toThrow(/truncated/);
  });
});
