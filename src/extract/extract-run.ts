import { readHandoff, writeHandoff } from '../pipeline/handoff.js';
import { stageFile } from '../pipeline/run-dir.js';
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

/** What extraction reads from the database: the run's user messages and every stored candidate. */
export interface ExtractInput {
  rows: { id: string; text: string }[];
  existing: { id: string; text: string; instruction: string | null }[];
}

/** What extraction decided, for the database: each message's decision and every candidate's duplicate group. */
export interface ExtractOutput {
  decided: {
    messageId: string;
    kept: boolean;
    reason: string;
    text: string;
    instruction: string;
    /** The separated materials, as JSON. */
    materials: string;
  }[];
  groups: [id: string, group: string][];
  summary: ExtractSummary;
}

export async function loadExtractInput(db: string, runId: string): Promise<ExtractInput> {
  return withDb(db, 'read', async (conn) => ({
    rows: (
      await queryRows(
        conn,
        `SELECT m.id, m.text FROM messages m
         WHERE m.role = 'user' AND EXISTS (SELECT 1 FROM run_messages r WHERE r.message_id = m.id AND r.run_id = $1)
         ORDER BY m.id`,
        [runId],
      )
    ).map((r) => ({ id: String(r.id), text: String(r.text) })),
    existing: (await queryRows(conn, 'SELECT id, text, instruction FROM candidates ORDER BY id')).map(
      (r) => ({
        id: String(r.id),
        text: String(r.text),
        instruction: textOrNull(r.instruction),
      }),
    ),
  }));
}

/**
 * Decides, for every user message the run saw, whether it is a candidate prompt, and why; and groups
 * all candidates, old and new, into duplicates. Pure CPU work: it runs on any compute worker.
 */
export function computeExtraction(input: ExtractInput): ExtractOutput {
  const dropped: Record<string, number> = {};
  let candidates = 0;
  const decided = input.rows.map((row) => {
    const separated = separateMaterial(row.text);
    const decision = classifyMessage(row.text, separated);
    if (decision.kept) candidates++;
    else dropped[decision.reason] = (dropped[decision.reason] ?? 0) + 1;
    return {
      messageId: row.id,
      kept: decision.kept,
      reason: decision.reason,
      text: row.text,
      instruction: separated.instruction,
      materials: JSON.stringify(separated.materials),
    };
  });
  // Duplicate groups over all candidates (a new run's prompts may repeat an old run's), as they will be
  // once this run's are written: its kept messages replace or join the stored ones.
  const all = new Map(input.existing.map((r) => [r.id, embeddable(r)]));
  for (const d of decided)
    if (d.kept) {
      const id = candidateId(d.messageId);
      all.set(id, embeddable({ id, text: d.text, instruction: d.instruction }));
    }
  const groups = duplicateGroups([...all.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  return {
    decided,
    groups: [...groups],
    summary: {
      considered: input.rows.length,
      candidates,
      dropped,
      duplicateGroups: new Set(groups.values()).size,
    },
  };
}

/** Writes extraction's decisions in one transaction; a retry writes the same again. */
export async function saveExtraction(
  db: string,
  runId: string,
  output: ExtractOutput,
): Promise<ExtractSummary> {
  await withTransaction(db, async (conn) => {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE stage_extract (message_id VARCHAR, kept BOOLEAN, reason VARCHAR, text VARCHAR,
                                                   instruction VARCHAR, materials VARCHAR)`,
    );
    const appender = await conn.createAppender('stage_extract', 'main', 'temp');
    for (const d of output.decided) {
      appender.appendVarchar(d.messageId);
      appender.appendBoolean(d.kept);
      appender.appendVarchar(d.reason);
      appender.appendVarchar(d.text);
      appender.appendVarchar(d.instruction);
      appender.appendVarchar(d.materials);
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
    await storeGroups(conn, output.groups);
  });
  return output.summary;
}

/** Where the database is: the run's user messages and the stored candidates, to a handoff file. */
export async function prepareExtract(db: string, runId: string): Promise<void> {
  await writeHandoff(stageFile(db, runId, 'extract', 'in'), await loadExtractInput(db, runId));
}

/** On any compute worker: the decisions, to a handoff file. */
export async function computeExtract(db: string, runId: string): Promise<void> {
  const input = await readHandoff<ExtractInput>(stageFile(db, runId, 'extract', 'in'));
  await writeHandoff(stageFile(db, runId, 'extract', 'out'), computeExtraction(input));
}

/** Where the database is: writes the decisions. */
export async function commitExtract(db: string, runId: string): Promise<ExtractSummary> {
  return saveExtraction(db, runId, await readHandoff<ExtractOutput>(stageFile(db, runId, 'extract', 'out')));
}

/**
 * The extract stage in one process, through the same files as across workers. The database is not
 * held while the CPU works, so reviewers and analysts get in meanwhile.
 */
export async function extractRun(db: string, runId: string): Promise<ExtractSummary> {
  await prepareExtract(db, runId);
  await computeExtract(db, runId);
  return commitExtract(db, runId);
}

/** Writes the duplicate group of every candidate whose group changed. */
async function storeGroups(
  conn: DuckDBConnection,
  groups: readonly (readonly [string, string])[],
): Promise<void> {
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
