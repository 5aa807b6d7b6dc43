import { queryRows, textOrNull, withDb, withTransaction } from '../store/db.js';
import { sha256Hex } from '../util/hash.js';
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

/** A candidate's id derives from its message: a message is a candidate at most once, whatever the run. */
export function candidateId(messageId: string): string {
  return `c_${sha256Hex(messageId).slice(0, 24)}`;
}

/**
 * Decides, for every user message the run saw, whether it is a candidate prompt; records why. The
 * classification and the duplicate grouping run between a short read and a short write: the file is
 * not held while the CPU works, so reviewers and analysts get in meanwhile.
 */
export async function extractRun(db: string, runId: string): Promise<ExtractSummary> {
  const { rows, existing } = await withDb(db, 'read', async (conn) => ({
    rows: await queryRows(
      conn,
      `SELECT m.id, m.text FROM messages m
       WHERE m.role = 'user' AND EXISTS (SELECT 1 FROM run_messages r WHERE r.message_id = m.id AND r.run_id = $1)
       ORDER BY m.id`,
      [runId],
    ),
    existing: await queryRows(conn, 'SELECT id, text, instruction FROM candidates ORDER BY id'),
  }));

  const dropped: Record<string, number> = {};
  let candidates = 0;
  const decided = rows.map((row) => {
    const text = String(row.text);
    const separated = separateMaterial(text);
    const decision = classifyMessage(text, separated);
    if (decision.kept) candidates++;
    else dropped[decision.reason] = (dropped[decision.reason] ?? 0) + 1;
    return { messageId: String(row.id), text, separated, decision };
  });
  // Duplicate groups over all candidates (a new run's prompts may repeat an old run's), as they will be
  // once this run's are written: its kept messages replace or join the stored ones.
  const all = new Map(existing.map((r) => [String(r.id), embeddable(r)]));
  for (const d of decided)
    if (d.decision.kept) {
      const id = candidateId(d.messageId);
      all.set(id, embeddable({ id, text: d.text, instruction: d.separated.instruction }));
    }
  const groups = duplicateGroups([...all.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));

  await withTransaction(db, async (conn) => {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE stage_extract (message_id VARCHAR, kept BOOLEAN, reason VARCHAR, text VARCHAR,
                                                   instruction VARCHAR, materials VARCHAR)`,
    );
    const appender = await conn.createAppender('stage_extract', 'main', 'temp');
    for (const d of decided) {
      appender.appendVarchar(d.messageId);
      appender.appendBoolean(d.decision.kept);
      appender.appendVarchar(d.decision.reason);
      appender.appendVarchar(d.text);
      appender.appendVarchar(d.separated.instruction);
      appender.appendVarchar(JSON.stringify(d.separated.materials));
      appender.endRow();
    }
    appender.closeSync();
    await conn.run(
      `INSERT INTO extractions SELECT message_id, kept, reason, $1 FROM stage_extract
       ON CONFLICT (message_id) DO UPDATE SET kept = excluded.kept, reason = excluded.reason, run_id = excluded.run_id`,
      [runId],
    );
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
    await storeGroups(conn, groups);
  });
  return { considered: rows.length, candidates, dropped, duplicateGroups: new Set(groups.values()).size };
}

/** Writes the duplicate group of every candidate whose group changed. */
async function storeGroups(conn: DuckDBConnection, groups: ReadonlyMap<string, string>): Promise<void> {
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
}

/** A candidate row (id, text, instruction) as the embedder reads it: see `embeddingText`. */
export function embeddable(row: Record<string, unknown>): { id: string; text: string } {
  const instruction = textOrNull(row.instruction);
  return { id: String(row.id), text: embeddingText(String(row.text), instruction) };
}
