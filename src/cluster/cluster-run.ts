import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { lexicalPath } from '../embed/embed-run.js';
import { readVectorFile, readVectorIds } from '../embed/vector-file.js';
import { readHandoff, writeHandoff } from '../pipeline/handoff.js';
import { stageFile } from '../pipeline/run-dir.js';
import { queryRows, textOrNull, withDb, withTransaction } from '../store/db.js';
import { stableId } from '../util/hash.js';
import { classKeywords, labelFrom } from './keywords.js';
import { clusterPatterns, type Cluster } from './patterns.js';
import { skeletonWords } from './skeleton.js';
import { clusteringSpace, DEFAULT_SIMILARITY } from './space.js';

export interface ClusterRunOptions {
  minPatternSize: number;
  /** Joining threshold; absent: the default of the clustering space (src/cluster/space.ts). */
  similarity?: number;
  seed: number;
}

export interface ClusterSummary {
  /** Patterns the run found or added members to. */
  patterns: number;
  /** Of those, how many are new. */
  newPatterns: number;
  /** Candidates in patterns, of those the run clustered (members standing for old patterns included). */
  clustered: number;
  unclustered: number;
  /** Mean silhouette over clustered candidates. */
  silhouette: number;
  /** The joining threshold used. */
  similarity: number;
  /** This run's candidates that joined a pattern an earlier run found: reuse of a known prompt. */
  reused: number;
  /** Of those, how many joined a pattern that reviewers promoted into the library. */
  reusedPromoted: number;
}

interface PoolRow {
  patternId: string | null;
  dupGroup: string | null;
  text: string;
  inRun: boolean;
}

/** At most this many member ids are kept as a pattern's examples. */
const EXAMPLES = 5;

interface ClusterInput {
  /** The pool's rows, in the vector file's order. */
  rows: PoolRow[];
  /** Patterns reviewers promoted into the library. */
  promoted: string[];
}

interface ClusterOutput {
  assignments: { id: string; patternId: string | null; similarity: number | null }[];
  patterns: {
    id: string;
    isNew: boolean;
    template: string;
    size: number;
    label: string;
    keywords: string[];
    cohesion: number;
    silhouette: number;
    examples: string[];
  }[];
  summary: ClusterSummary;
}

/** Where the database is: what each pooled candidate is now (its pattern, duplicate group, text). */
export async function prepareCluster(db: string, runId: string, vectorPath: string): Promise<void> {
  const ids = await readVectorIds(vectorPath);
  const input = await withDb(db, 'read', async (conn) => ({
    rows: ids.length === 0 ? [] : await poolRows(conn, runId, ids),
    promoted: (await queryRows(conn, `SELECT pattern_id FROM triage_items WHERE status = 'promoted'`)).map(
      (r) => String(r.pattern_id),
    ),
  }));
  await writeHandoff(stageFile(db, runId, 'cluster', 'in'), input satisfies ClusterInput);
}

/**
 * Groups the run's pool (src/cluster/pool.ts) into patterns. Candidates already in a pattern stay in it
 * and stand for it: a new candidate as similar to them as they are to each other joins that pattern
 * (and counts as reuse), and the rest form new patterns. A new pattern's id derives from its members,
 * so the same candidates always make the same pattern. Runs on any compute worker.
 */
export async function computeCluster(
  db: string,
  runId: string,
  vectorPath: string,
  options: ClusterRunOptions,
): Promise<void> {
  const file = await readVectorFile(vectorPath);
  const lexical = file.model === 'tfidf' ? file : await readVectorFile(lexicalPath(vectorPath));
  const space = clusteringSpace(file.model === 'tfidf' ? null : file.vectors, lexical.vectors);
  const similarity = options.similarity ?? DEFAULT_SIMILARITY[space.kind];
  const ids = file.ids;
  const out = stageFile(db, runId, 'cluster', 'out');
  if (ids.length === 0) {
    const summary = {
      patterns: 0,
      newPatterns: 0,
      clustered: 0,
      unclustered: 0,
      silhouette: 0,
      similarity,
      reused: 0,
      reusedPromoted: 0,
    };
    await writeHandoff(out, { assignments: [], patterns: [], summary } satisfies ClusterOutput);
    return;
  }
  const input = await readHandoff<ClusterInput>(stageFile(db, runId, 'cluster', 'in'));
  const rows = input.rows;
  if (rows.length !== ids.length) throw new Error('the cluster input does not match the vector file');
  const promoted = new Set(input.promoted);

  const firstOfGroup = new Map<string, number>();
  const patternKey = new Map<string, number>();
  const patternIds: string[] = [];
  const representative = new Int32Array(ids.length);
  const fixed = new Int32Array(ids.length).fill(-1);
  rows.forEach((row, i) => {
    const group = row.dupGroup ?? ids[i]!;
    if (!firstOfGroup.has(group)) firstOfGroup.set(group, i);
    representative[i] = firstOfGroup.get(group)!;
    if (row.patternId !== null) {
      if (!patternKey.has(row.patternId)) {
        patternKey.set(row.patternId, patternIds.length);
        patternIds.push(row.patternId);
      }
      fixed[i] = patternKey.get(row.patternId)!;
    }
  });

  const result = clusterPatterns(
    {
      vectors: space.vectors,
      lexical: space.lexical,
      representative,
      fixed,
      words: rows.map((r) => skeletonWords(r.text)),
    },
    { minPatternSize: options.minPatternSize, similarity, seed: options.seed },
  );

  const clustered = new Set(result.clusters.flatMap((c) => c.members));
  const keywords = classKeywords([
    ...result.clusters.map((c) => c.members.map((i) => rows[i]!.text)),
    rows.filter((_, i) => !clustered.has(i)).map((r) => r.text),
  ]);

  let reused = 0;
  let reusedPromoted = 0;
  const output: ClusterOutput = { assignments: [], patterns: [], summary: undefined as never };
  result.clusters.forEach((cluster, c) => {
    const joined = cluster.members.filter((i) => fixed[i]! < 0);
    if (joined.length === 0) return; // an old pattern nobody joined: nothing to write
    const isNew = cluster.fixed < 0;
    const id = isNew
      ? stableId('p', ...cluster.members.map((i) => ids[i]!).sort())
      : patternIds[cluster.fixed]!;
    cluster.members.forEach((i, m) => {
      if (fixed[i]! >= 0) return;
      output.assignments.push({ id: ids[i]!, patternId: id, similarity: cluster.similarities[m]! });
      if (!isNew && rows[i]!.inRun) {
        reused++;
        if (promoted.has(id)) reusedPromoted++;
      }
    });
    output.patterns.push({
      id,
      isNew,
      template: rows[cluster.members[0]!]!.text,
      size: cluster.members.length,
      label: labelFrom(keywords[c]!),
      keywords: keywords[c]!,
      cohesion: cluster.cohesion,
      silhouette: cluster.silhouette,
      examples: exampleIds(cluster, ids, rows),
    });
  });
  for (const i of result.unclustered) {
    if (fixed[i]! < 0) output.assignments.push({ id: ids[i]!, patternId: null, similarity: null });
  }
  const inPatterns = result.clusters.reduce((s, c) => s + c.members.length, 0);
  output.summary = {
    patterns: output.patterns.length,
    newPatterns: output.patterns.filter((t) => t.isNew).length,
    clustered: inPatterns,
    unclustered: result.unclustered.length,
    silhouette: result.silhouette,
    similarity,
    reused,
    reusedPromoted,
  };
  await writeHandoff(out, output);
}

/** Where the database is: writes the patterns and every pooled candidate's pattern in one transaction. */
export async function commitCluster(db: string, runId: string): Promise<ClusterSummary> {
  const output = await readHandoff<ClusterOutput>(stageFile(db, runId, 'cluster', 'out'));
  if (output.assignments.length === 0 && output.patterns.length === 0) return output.summary;
  await withTransaction(db, async (conn) => {
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE stage_assign (id VARCHAR, pattern_id VARCHAR, similarity DOUBLE)',
    );
    const appender = await conn.createAppender('stage_assign', 'main', 'temp');
    for (const a of output.assignments) {
      appender.appendVarchar(a.id);
      if (a.patternId === null) appender.appendNull();
      else appender.appendVarchar(a.patternId);
      if (a.similarity === null) appender.appendNull();
      else appender.appendDouble(a.similarity);
      appender.endRow();
    }
    appender.closeSync();
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE stage_patterns (id VARCHAR, is_new BOOLEAN, template VARCHAR, size INTEGER,
         label VARCHAR, keywords VARCHAR, cohesion DOUBLE, silhouette DOUBLE, examples VARCHAR)`,
    );
    const patterns = await conn.createAppender('stage_patterns', 'main', 'temp');
    for (const t of output.patterns) {
      patterns.appendVarchar(t.id);
      patterns.appendBoolean(t.isNew);
      patterns.appendVarchar(t.template);
      patterns.appendInteger(t.size);
      patterns.appendVarchar(t.label);
      patterns.appendVarchar(JSON.stringify(t.keywords));
      patterns.appendDouble(t.cohesion);
      patterns.appendDouble(t.silhouette);
      patterns.appendVarchar(JSON.stringify(t.examples));
      patterns.endRow();
    }
    patterns.closeSync();
    await conn.run(
      `INSERT INTO patterns (id, template, size, label, keywords, cohesion, silhouette, examples, coverage, slots,
                             method, first_run_id, last_run_id, created_at, updated_at)
       SELECT id, template, size, label, from_json(keywords, '["VARCHAR"]'), cohesion, silhouette,
              from_json(examples, '["VARCHAR"]'), NULL, NULL, 'medoid', $1, $1, now(), now()
       FROM temp.stage_patterns WHERE is_new
       ON CONFLICT (id) DO UPDATE SET size = excluded.size, label = excluded.label, keywords = excluded.keywords,
         cohesion = excluded.cohesion, silhouette = excluded.silhouette, examples = excluded.examples,
         last_run_id = excluded.last_run_id, updated_at = now()`,
      [runId],
    );
    await conn.run(
      `UPDATE patterns SET label = s.label, keywords = from_json(s.keywords, '["VARCHAR"]'), cohesion = s.cohesion,
         silhouette = s.silhouette, examples = from_json(s.examples, '["VARCHAR"]'), last_run_id = $1,
         updated_at = now()
       FROM temp.stage_patterns s WHERE patterns.id = s.id AND NOT s.is_new`,
      [runId],
    );
    await conn.run('DROP TABLE temp.stage_patterns');
    await conn.run(
      `UPDATE candidates SET pattern_id = a.pattern_id, similarity = a.similarity,
         pattern_run_id = CASE WHEN a.pattern_id IS NULL THEN NULL ELSE $1 END
       FROM temp.stage_assign a WHERE candidates.id = a.id`,
      [runId],
    );
    await conn.run('DROP TABLE temp.stage_assign');
    // An old pattern's size counts all its members, not just those that stood for it in this run.
    await conn.run(
      `UPDATE patterns SET size = s.n FROM (
         SELECT pattern_id, count(*) AS n FROM candidates WHERE pattern_id IS NOT NULL GROUP BY 1) s
       WHERE patterns.id = s.pattern_id AND patterns.last_run_id = $1`,
      [runId],
    );
  });
  return output.summary;
}

/** The cluster stage in one process. */
export async function clusterRun(
  db: string,
  runId: string,
  vectorPath: string,
  options: ClusterRunOptions,
): Promise<ClusterSummary> {
  await prepareCluster(db, runId, vectorPath);
  await computeCluster(db, runId, vectorPath, options);
  return commitCluster(db, runId);
}

async function poolRows(conn: DuckDBConnection, runId: string, ids: readonly string[]): Promise<PoolRow[]> {
  const found = await queryRows(
    conn,
    `WITH wanted AS (SELECT unnest($1::VARCHAR[]) AS id)
     SELECT c.id, c.pattern_id, c.dup_group, coalesce(c.instruction, c.text) AS text,
            EXISTS (SELECT 1 FROM run_messages r WHERE r.message_id = c.message_id AND r.run_id = $2) AS in_run
     FROM candidates c JOIN wanted USING (id)`,
    [listValue([...ids]), runId],
  );
  const byId = new Map(found.map((r) => [String(r.id), r]));
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r) throw new Error(`candidate ${id} of the vector file is not in the database`);
    return {
      patternId: textOrNull(r.pattern_id),
      dupGroup: textOrNull(r.dup_group),
      text: String(r.text),
      inRun: Boolean(r.in_run),
    };
  });
}

/** The most central members, one per duplicate group. */
function exampleIds(cluster: Cluster, ids: readonly string[], rows: readonly PoolRow[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const i of cluster.members) {
    const group = rows[i]!.dupGroup ?? ids[i]!;
    if (seen.has(group)) continue;
    seen.add(group);
    out.push(ids[i]!);
    if (out.length === EXAMPLES) break;
  }
  return out;
}
