import { describe, expect, it } from 'vitest';
import { sphericalKmeans } from '../../../src/cluster/spherical-kmeans.js';
import { denseSet, normalizeInPlace, sparse, sparseDot, sparseSet } from '../../../src/cluster/vector-set.js';

/** Unit vectors near one of three axes of a 50-d space, in a fixed order. */
function points(): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < 30; i++) {
    const v = new Float32Array(50);
    v[(i % 3) * 10] = 1;
    v[(i % 3) * 10 + 1 + (i % 7)] = 0.3;
    out.push(normalizeInPlace(v));
  }
  return out;
}

describe('sphericalKmeans', () => {
  it('finds well-separated groups and is the same for the same seed', () => {
    const data = sparseSet(points().map(sparse), 50);
    const { labels } = sphericalKmeans(data, 3, 42);
    for (let i = 0; i < 30; i++) expect(labels[i]).toBe(labels[i % 3]);
    expect(new Set(labels).size).toBe(3);
    expect(sphericalKmeans(data, 3, 42).labels).toEqual(labels);
  });

  it('gives the same labels on dense and sparse rows', () => {
    expect(sphericalKmeans(denseSet(points()), 3, 7).labels).toEqual(
      sphericalKmeans(sparseSet(points().map(sparse), 50), 3, 7).labels,
    );
  });

  it('keeps only non-zero entries and takes dot products over them', () => {
    const v = points()[4]!;
    const s = sparse(v);
    expect(s.index.length).toBe(2);
    expect(sparseDot(s, v)).toBeCloseTo(1);
  });
});
