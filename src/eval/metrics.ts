/*
 * External clustering scores against labelled sets, as scikit-learn computes them: adjusted Rand
 * index, normalised mutual information (arithmetic mean, sklearn's default) and the V-measure with
 * its homogeneity and completeness. Items a clustering leaves out (unclustered, label null) count as
 * clusters of one each: noise that stays out of patterns is then scored as right, noise pulled into a
 * pattern as wrong.
 */

export interface ClusteringScores {
  ari: number;
  nmi: number;
  homogeneity: number;
  completeness: number;
  vMeasure: number;
  /** Share of items the clustering left out. */
  unclustered: number;
}

const comb2 = (n: number): number => (n * (n - 1)) / 2;

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Replaces null (left out) with a label of its own per item. */
function singletons<T>(labels: readonly (T | null)[]): string[] {
  return labels.map((l, i) => (l === null ? `\u0000single:${i}` : `l:${String(l)}`));
}

export function scoreClustering(
  truth: readonly (string | number | null)[],
  predicted: readonly (string | number | null)[],
): ClusteringScores {
  if (truth.length !== predicted.length) throw new Error('truth and predicted differ in length');
  const n = truth.length;
  const t = singletons(truth);
  const p = singletons(predicted);
  const tCounts = new Map<string, number>();
  const pCounts = new Map<string, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    tCounts.set(t[i]!, (tCounts.get(t[i]!) ?? 0) + 1);
    pCounts.set(p[i]!, (pCounts.get(p[i]!) ?? 0) + 1);
    const key = `${t[i]}\u0001${p[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }

  // Adjusted Rand index (Hubert and Arabie).
  let index = 0;
  for (const c of joint.values()) index += comb2(c);
  let a = 0;
  for (const c of tCounts.values()) a += comb2(c);
  let b = 0;
  for (const c of pCounts.values()) b += comb2(c);
  const expected = n > 1 ? (a * b) / comb2(n) : 0;
  const max = (a + b) / 2;
  const ari = max === expected ? 1 : (index - expected) / (max - expected);

  // Mutual information and entropies (natural log; the ratios do not depend on the base).
  const hT = entropy(tCounts.values(), n);
  const hP = entropy(pCounts.values(), n);
  let mi = 0;
  for (const [key, c] of joint) {
    const [tl, pl] = key.split('\u0001') as [string, string];
    mi += (c / n) * Math.log((c * n) / (tCounts.get(tl)! * pCounts.get(pl)!));
  }
  const homogeneity = hT === 0 ? 1 : mi / hT;
  const completeness = hP === 0 ? 1 : mi / hP;
  const vMeasure =
    homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  const nmi = hT + hP === 0 ? 1 : mi / ((hT + hP) / 2);
  const unclustered = predicted.filter((l) => l === null).length / (n || 1);
  return { ari, nmi, homogeneity, completeness, vMeasure, unclustered };
}
