import { describe, expect, it } from 'vitest';
import { USE_LITE_MODEL, useLiteEmbed } from '../../../src/embed/use-lite.js';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

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

    expect(USE_LITE_MODEL).toBe('use-lite');
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    expect(progress).toEqual([2, 4, 5]);

    const [reverse, paraphrase, lasagna] = vectors as [Float32Array, Float32Array, Float32Array];
    const similar = dot(reverse, paraphrase);
    const unrelated = dot(reverse, lasagna);
    expect(similar).toBeGreaterThan(unrelated);
    expect(similar).toBeGreaterThan(0.7);
  });

  it('is deterministic and independent of batch order and size', async () => {
    const [a] = await useLiteEmbed([texts[0]!]);
    const [b] = await useLiteEmbed([texts[0]!]);
    expect(b).toEqual(a);
    // In a larger batch, padded to a 2,000-character neighbour and placed after it.
    const mixed = await useLiteEmbed([texts[4]!, texts[2]!, texts[0]!], { batchSize: 3 });
    expect(mixed[2]).toEqual(a);
  });

  it('returns an empty array for no texts and rejects a bad batch size', async () => {
    await expect(useLiteEmbed([])).resolves.toEqual([]);
    await expect(useLiteEmbed(['a'], { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
