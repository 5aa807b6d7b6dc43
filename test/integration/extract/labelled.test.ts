import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  pipelineDecisions,
  scoreFilter,
  sha256,
  type HashedLabel,
  type Labelled,
} from '../../../src/extract/evaluate.js';
import { fixtures, hasShared, sharedCorpora, tempDir } from '../../helpers/paths.js';

/*
 * The keep/drop filter, measured through the whole import and extract path on messages labelled by
 * hand: the project's own set (446 messages in 8 formats) and the real exports of ../shared.
 */
const labelledDir = join(fixtures, 'extract/labelled');

describe('extraction against hand labels', () => {
  it('keeps and drops the labelled set with precision and recall of at least 0.9', async () => {
    const labels = readFileSync(join(labelledDir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Labelled);
    expect(labels.length).toBeGreaterThanOrEqual(300);
    const decisions = await pipelineDecisions(join(tempDir(), 'pog.duckdb'), [join(labelledDir, 'exports')]);
    expect(new Set([...decisions.values()].map((d) => d.format)).size).toBeGreaterThanOrEqual(6);
    const score = scoreFilter(labels, (text) => decisions.get(text));
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
  });

  it.skipIf(!hasShared)('does as well on the real exports of ../shared', async () => {
    const { labels } = JSON.parse(readFileSync(join(fixtures, 'extract/shared-labels.json'), 'utf8')) as {
      labels: HashedLabel[];
    };
    const decisions = await pipelineDecisions(join(tempDir(), 'pog.duckdb'), [
      join(sharedCorpora, 'exports'),
    ]);
    const byHash = new Map([...decisions].map(([text, d]) => [`${d.format}:${sha256(text)}`, d]));
    const score = scoreFilter(
      labels.map((l) => ({ text: `${l.format}:${l.sha256}`, keep: l.keep, kind: l.format })),
      (key) => byHash.get(key),
    );
    expect(score.total).toBe(labels.length);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
  });
});
