import { listValue } from '@duckdb/node-api';
import { readVectorFile } from '../embed/vector-file.js';
import { withTransaction } from '../store/db.js';
import { stableId } from '../util/hash.js';
import { clusterVectors, type ClusterOptions } from './kmeans.js';
import { topTerms } from './keywords.js';

export interface ClusterSummary {
  k: number;
  silhouette: number;
  patterns: number;
  clustered: number;
  unclustered: number;
}

/**
 * Groups the run's candidates into patterns and links each candidate to its pattern (or to none).
 * A pattern's id derives from its members, so the same candidates always make the same pattern.
 */
export async function clusterRun(
  db: string,
  runId: string,
  vectorPath: string,
  options: ClusterOptions,
): Promise<ClusterSummary> {
  const file = await readVectorFile(vectorPath);
  const result = clusterVectors(file.vectors, options);
  // Keywords are words: from the vectors themselves when they are TF-IDF, else from the TF-IDF
  // vectors the embed stage wrote beside them.
  const lexical = file.vocabulary ? file : await readVectorFile(`${vectorPath}.tfidf`).catch(() => null);
  const vocabulary = lexical?.vocabulary ?? [];
  const keywordCentroid = (members: readonly number[], centroid: Float32Array): Float32Array => {
    if (!lexical || lexical === file) return centroid;
    const sum = new Float32Array(lexical.dim);
    for (const i of members) lexical.vectors[i]!.forEach((x, d) => (sum[d]! += x));
    return sum;
  };
  await withTransaction(db, async (conn) => {
    if (file.ids.length > 0) {
      await conn.run(
        `UPDATE candidates SET pattern_id = NULL, similarity = NULL WHERE id IN (SELECT unnest($1::VARCHAR[]))`,
        [listValue(file.ids)],
      );
    }
    for (const cluster of result.clusters) {
      const memberIds = cluster.members.map((i) => file.ids[i]!);
      const id = stableId('p', ...[...memberIds].sort());
      const keywords = topTerms(keywordCentroid(cluster.members, cluster.centroid), vocabulary);
      const medoid = await conn.runAndReadAll('SELECT text FROM candidates WHERE id = $1', [memberIds[0]!]);
      const template = String(medoid.getRowObjects()[0]?.text ?? '');
      await conn.run(
        `INSERT INTO patterns (id, template, size, label, keywords, cohesion, coverage, slots, method,
                               first_run_id, last_run_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::VARCHAR[], $6, NULL, NULL, 'medoid', $7, $7, now(), now())
         ON CONFLICT (id) DO UPDATE SET size = excluded.size, label = excluded.label, keywords = excluded.keywords,
           cohesion = excluded.cohesion, last_run_id = excluded.last_run_id, updated_at = now()`,
        [
          id,
          template,
          memberIds.length,
          keywords.slice(0, 3).join(' '),
          listValue(keywords),
          cluster.cohesion,
          runId,
        ],
      );
      for (const [j, memberId] of memberIds.entries()) {
        await conn.run('UPDATE candidates SET pattern_id = $1, similarity = $2 WHERE id = $3', [
          id,
          cluster.similarities[j]!,
          memberId,
        ]);
      }
    }
  });
  const clustered = result.clusters.reduce((s, c) => s + c.members.length, 0);
  return {
    k: result.k,
    silhouette: result.silhouette,
    patterns: result.clusters.length,
    clustered,
    unclustered: result.unclustered.length,
  };
}
