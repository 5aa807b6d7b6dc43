import { describe, expect, it } from 'vitest';
import { scoreClustering } from '../../../src/eval/metrics.js';

// Expected values computed with scikit-learn 1.5 (adjusted_rand_score, normalized_mutual_info_score,
// homogeneity_completeness_v_measure) on the same label lists.
describe('scoreClustering', () => {
  it('is perfect for the same partition under other names', () => {
    const s = scoreClustering([0, 0, 1, 1, 2], ['b', 'b', 'a', 'a', 'c']);
    expect(s.ari).toBeCloseTo(1);
    expect(s.nmi).toBeCloseTo(1);
    expect(s.vMeasure).toBeCloseTo(1);
  });

  it('matches scikit-learn on a partial agreement', () => {
    const s = scoreClustering([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]);
    expect(s.ari).toBeCloseTo(0.24242424, 6);
    expect(s.homogeneity).toBeCloseTo(0.66666667, 6);
    expect(s.completeness).toBeCloseTo(0.42061984, 6);
    expect(s.vMeasure).toBeCloseTo(0.51580374, 6);
    expect(s.nmi).toBeCloseTo(0.51580374, 6);
  });

  it('counts left-out items as clusters of one', () => {
    // Noise items (their own class each) left out: right. A pattern member left out: a split.
    const perfect = scoreClustering(['a', 'a', 'n1', 'n2'], [1, 1, null, null]);
    expect(perfect.ari).toBeCloseTo(1);
    expect(perfect.unclustered).toBe(0.5);
    const pulledIn = scoreClustering(['a', 'a', 'n1', 'n2'], [1, 1, 1, null]);
    expect(pulledIn.ari).toBeCloseTo(1 / 3);
  });
});
