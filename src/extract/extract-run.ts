import { queryRows, textOrNull, withTransaction } from '../store/db.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { classifyMessage } from './classify.js';
import { embeddingText, separateMaterial } from './materials.js';
import { duplicateGroups } from './dedup.js';

export interface ExtractSummary {
  considered: number;
  candidates: number;
  dropped: Record<string, number>;
  /** Distinct prompts among all candidates once exact and near duplicates are collapsed. */
  duplicateGroups: number;
}

/** Decides, for every user message the run saw, whether it is a candidate prompt; records why. */
export async function extractRun(db: string, runId: string): Promise<ExtractSummary> {
  return withTransaction(db, async (conn) => {
    const rows = await queryRows(
      conn,
      `SELECT m.id, m.text FROM messages m
       WHERE m.role = 'user' AND EXISTS (SELECT 1 FROM run_messages r WHERE r.message_id = m.id AND r.run_id = $1)
       ORDER BY m.id`,
      [runId],
    );
    const dropped: Record<string, number> = {};
    let candidates = 0;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE stage_extract (message_id VARCHAR, kept BOOLEAN, reason VARCHAR, text VARCHAR,
                                                   instruction VARCHAR, materials VARCHAR)`,
    );
    const appender = await conn.createAppender('stage_extract', 'main', 'temp');
    for (const row of rows) {
      const text = String(row.text);
      const separated = separateMaterial(text);
      const decision = classifyMessage(text, separated);
      if (decision.kept) candidates++;
      else dropped[decision.reason] = (dropped[decision.reason] ?? 0) + 1;
      appender.appendVarchar(String(row.id));
      appender.appendBoolean(decision.kept);
      appender.appendVarchar(decision.reason);
      appender.appendVarchar(text);
      appender.appendVarchar(separated.instruction);
      appender.appendVarchar(JSON.stringify(separated.materials));
      appender.endRow();
    }
    appender.closeSync();
    await conn.run(
      `INSERT INTO extractions SELECT message_id, kept, reason, $1 FROM stage_extract
       ON CONFLICT (message_id) DO UPDATE SET kept = excluded.kept, reason = excluded.reason, run_id = excluded.run_id`,
      [runId],
    );
    // Candidate ids derive from the message: a message is a candidate at most once, whatever the run.
    await conn.run(
      `INSERT INTO candidates (id, message_id, text, pattern_id, similarity, run_id, created_at, instruction, materials)
         SELECT 'c_' || substr(sha256(message_id), 1, 24), message_id, text, NULL, NULL, $1, now(), instruction,
                materials::JSON
         FROM stage_extract WHERE kept
       ON CONFLICT (message_id) DO UPDATE SET run_id = excluded.run_id, instruction = excluded.instruction,
         materials = excluded.materials`,
      [runId],
    );
    await conn.run('DROP TABLE temp.stage_extract');
    const groups = await regroupDuplicates(conn);
    return { considered: rows.length, candidates, dropped, duplicateGroups: groups };
  });
}

/**
 * Recomputes the duplicate groups of all candidates (a new run's prompts may repeat an old run's).
 * Groups are by what is embedded (mostly the instruction), so the same request with different pasted
 * code is one prompt.
 */
async function regroupDuplicates(conn: DuckDBConnection): Promise<number> {
  const rows = await queryRows(conn, 'SELECT id, text, instruction FROM candidates ORDER BY id');
  const groups = duplicateGroups(rows.map(embeddable));
  await conn.run('CREATE OR REPLACE TEMP TABLE stage_groups (id VARCHAR, dup_group VARCHAR)');
  const appender = await conn.createAppender('stage_groups', 'main', 'temp');
  for (const [id, group] of groups) {
    appender.appendVarchar(id);
    appender.appendVarchar(group);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run(
    `UPDATE candidates SET dup_group = g.dup_group FROM stage_groups g
     WHERE candidates.id = g.id AND candidates.dup_group IS DISTINCT FROM g.dup_group`,
  );
  await conn.run('DROP TABLE temp.stage_groups');
  return new Set(groups.values()).size;
}

/** A candidate row (id, text, instruction) as the embedder reads it: see `embeddingText`. */
export function embeddable(row: Record<string, unknown>): { id: string; text: string } {
  const instruction = textOrNull(row.instruction);
  return { id: String(row.id), text: embeddingText(String(row.text), instruction) };
}
