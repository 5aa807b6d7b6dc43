import type { DuckDBConnection } from '@duckdb/node-api';
import { embeddable } from '../extract/extract-run.js';
import { queryRows } from '../store/db.js';

/**
 * How many members of an existing pattern come into a run to stand for it: its most central ones.
 * Their mean similarity is what a new candidate must reach to join, and 200 estimate that mean well
 * while keeping a run's cost independent of how large old patterns have grown.
 */
export const ANCHORS_PER_PATTERN = 200;

export interface PoolItem {
  id: string;
  /** What is embedded: the instruction, or the whole text when the paste is all there is. */
  text: string;
}

/**
 * The candidates a run clusters, by id (so that input order never matters): every candidate in no
 * pattern yet, this run's and the one-offs of earlier runs (a prompt written once last month and once
 * today is a pattern now), plus up to ANCHORS_PER_PATTERN members of each existing pattern, which
 * stay in it and let new candidates join it.
 */
export async function clusterPool(conn: DuckDBConnection): Promise<PoolItem[]> {
  const rows = await queryRows(
    conn,
    `SELECT id, text, instruction FROM (
       SELECT id, text, instruction, pattern_id,
              row_number() OVER (PARTITION BY pattern_id ORDER BY similarity DESC NULLS LAST, id) AS rank
       FROM candidates)
     WHERE pattern_id IS NULL OR rank <= $1
     ORDER BY id`,
    [ANCHORS_PER_PATTERN],
  );
  return rows.map(embeddable);
}
