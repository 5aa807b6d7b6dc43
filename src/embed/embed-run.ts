import { join } from 'node:path';
import { runCandidates } from '../extract/extract-run.js';
import { withDb } from '../store/db.js';
import { tfidfEmbed } from './tfidf.js';
import { writeVectorFile } from './vector-file.js';

export interface EmbedSummary {
  /** The vector file the cluster stage reads. */
  path: string;
  count: number;
  dim: number;
  model: string;
}

/** Where a run's intermediate files live: beside the database, one folder a run. */
export function runArtifactDir(db: string, runId: string): string {
  return join(db.replace(/\.duckdb$/, '') + '.runs', runId);
}

/** Embeds the run's candidates (their instruction text, not what was pasted into them) into a vector file. */
export async function embedRun(db: string, runId: string): Promise<EmbedSummary> {
  const candidates = await withDb(db, 'read', (conn) => runCandidates(conn, runId));
  const embedding = tfidfEmbed(candidates.map((c) => c.text));
  const path = join(runArtifactDir(db, runId), 'embeddings.tfidf.bin');
  await writeVectorFile(path, {
    model: 'tfidf',
    dim: embedding.dim,
    ids: candidates.map((c) => c.id),
    vocabulary: embedding.vocabulary,
    vectors: embedding.vectors,
  });
  return { path, count: candidates.length, dim: embedding.dim, model: 'tfidf' };
}
