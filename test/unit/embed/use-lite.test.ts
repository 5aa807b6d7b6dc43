import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  closeUseLite,
  setUseLiteWorkerEntryForTests,
  USE_LITE_MODEL,
  useLiteEmbed,
} from '../../../src/embed/use-lite.js';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The vectors' bytes, so that a comparison is bit-for-bit (toEqual would also accept -0 for 0). */
function bytes(vectors: readonly Float32Array[]): Buffer[] {
  return vectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));
}

/** A worker entry as a data: URL (Node runs those as ES modules; they may import node: builtins only). */
function entry(code: string): URL {
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

afterAll(async () => {
  await closeUseLite();
});

describe('useLiteEmbed (Universal Sentence Encoder lite, offline)', () => {
  const texts = [
    'How do I reverse a list in Python?',
    "What's the way to reverse a Python list?",
    'Suggest a recipe for a vegetarian lasagna.',
    '',
    'x'.repeat(5_000),
  ];

  it('gives one unit-length 512-d vector per text, with paraphrases closer than unrelated texts', async () => {
    const progress: number[] = [];
    const vectors = await useLiteEmbed(texts, { batchSize: 2, onProgress: (done) => progress.push(done) });

    expect(USE_LITE_MODEL).toBe('use-lite-12');
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    // One report a batch; with several threads batches may finish out of order, but the count only grows.
    expect(progress).toHaveLength(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(5);

    const [reverse, paraphrase, lasagna] = vectors as [Float32Array, Float32Array, Float32Array];
    const similar = dot(reverse, paraphrase);
    const unrelated = dot(reverse, lasagna);
    expect(similar).toBeGreaterThan(unrelated);
    expect(similar).toBeGreaterThan(0.7);
  });

  it('reports progress batch by batch in this thread when threads is 1', async () => {
    const progress: number[] = [];
    await useLiteEmbed(texts, { batchSize: 2, threads: 1, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([2, 4, 5]);
  });

  it('is deterministic and independent of batch order and size', async () => {
    const [a] = await useLiteEmbed([texts[0]!]);
    const [b] = await useLiteEmbed([texts[0]!]);
    expect(b).toEqual(a);
    // In a larger batch, padded to a 2,000-character neighbour and placed after it.
    const mixed = await useLiteEmbed([texts[4]!, texts[2]!, texts[0]!], { batchSize: 3 });
    expect(mixed[2]).toEqual(a);
  });

  it('gives the same vectors bit for bit in this thread and in two worker threads', async () => {
    // A few dozen texts from 1 to past 128 tokens, in no length order, so that batches are sorted,
    // split over the two workers and put back.
    const words = 'please review this python function and explain every bug you find with a fix'.split(' ');
    const mixed = Array.from({ length: 36 }, (_, i) => {
      const n = [1, 3, 8, 20, 45, 90, 160][(i * 5) % 7]!;
      return `${i}: ${Array.from({ length: n }, (_, j) => words[(i + j * 3) % words.length]).join(' ')}`;
    });
    mixed.push('', 'x'.repeat(5_000), '🙂'.repeat(1_200));
    for (const batchSize of [16, 5]) {
      const one = await useLiteEmbed(mixed, { threads: 1, batchSize });
      const progress: number[] = [];
      const two = await useLiteEmbed(mixed, { threads: 2, batchSize, onProgress: (d) => progress.push(d) });
      expect(two).toHaveLength(mixed.length);
      expect(bytes(two)).toEqual(bytes(one));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(mixed.length);
    }
  });

  it('embeds only the first 32 tokens: texts that differ after them get the same vector', async () => {
    const head = Array.from({ length: 40 }, (_, i) => `word${i % 9}`).join(' ');
    const [a, b, c] = await useLiteEmbed(
      [`${head} about recursion in Python`, `${head} about sourdough bread`, `Short: ${head}`],
      { threads: 1 },
    );
    expect(bytes([b!])).toEqual(bytes([a!]));
    expect(dot(a!, c!)).toBeLessThan(0.9999);
  });

  it('returns an empty array for no texts and rejects a bad batch size or thread count', async () => {
    await expect(useLiteEmbed([])).resolves.toEqual([]);
    await expect(useLiteEmbed(['a'], { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(useLiteEmbed(['a'], { threads: 0 })).rejects.toThrow(RangeError);
    await expect(useLiteEmbed(['a'], { threads: 1.5 })).rejects.toThrow(RangeError);
  });

  describe('POG_EMBED_THREADS', () => {
    const saved = process.env.POG_EMBED_THREADS;
    afterEach(() => {
      if (saved === undefined) delete process.env.POG_EMBED_THREADS;
      else process.env.POG_EMBED_THREADS = saved;
    });

    it('sets the default thread count and must be a positive integer', async () => {
      process.env.POG_EMBED_THREADS = '1';
      const progress: number[] = [];
      await useLiteEmbed(texts, { batchSize: 2, onProgress: (done) => progress.push(done) });
      expect(progress).toEqual([2, 4, 5]);
      process.env.POG_EMBED_THREADS = 'two';
      await expect(useLiteEmbed(['a'])).rejects.toThrow(/POG_EMBED_THREADS must be a positive integer/);
    });
  });

  describe('when a worker fails', () => {
    afterEach(async () => {
      setUseLiteWorkerEntryForTests(undefined);
      await closeUseLite();
    });

    it('rejects the call when a worker crashes, then starts fresh workers for the next call', async () => {
      await closeUseLite();
      setUseLiteWorkerEntryForTests(entry(`throw new Error('the model files are missing');`));
      await expect(useLiteEmbed(texts, { threads: 2, batchSize: 2 })).rejects.toThrow(
        /embedding worker crashed: Error: the model files are missing/,
      );
      setUseLiteWorkerEntryForTests(undefined);
      const vectors = await useLiteEmbed(texts, { threads: 2, batchSize: 2 });
      expect(bytes(vectors)).toEqual(bytes(await useLiteEmbed(texts, { threads: 1, batchSize: 2 })));
    });

    it('rejects the call with the error a worker reports, and replaces that worker', async () => {
      await closeUseLite();
      setUseLiteWorkerEntryForTests(
        entry(`
          import { parentPort } from 'node:worker_threads';
          parentPort.on('message', ({ id }) =>
            parentPort.postMessage({ id, ok: false, error: 'Error: loading the model failed: out of memory' }),
          );
        `),
      );
      const progress: number[] = [];
      await expect(
        useLiteEmbed(texts, { threads: 2, batchSize: 1, onProgress: (d) => progress.push(d) }),
      ).rejects.toThrow(/embedding worker failed: Error: loading the model failed: out of memory/);
      expect(progress).toEqual([]);
      setUseLiteWorkerEntryForTests(undefined);
      await expect(useLiteEmbed(texts, { threads: 2 })).resolves.toHaveLength(texts.length);
    });

    it('rejects an embedding in flight when the workers are closed', async () => {
      const rejected = expect(useLiteEmbed(texts, { threads: 2, batchSize: 1 })).rejects.toThrow(/closed/);
      await closeUseLite();
      await rejected;
      await expect(useLiteEmbed(texts, { threads: 2 })).resolves.toHaveLength(texts.length);
    });
  });
});
