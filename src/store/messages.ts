import type { DuckDBConnection } from '@duckdb/node-api';
import type { MessageRecord } from '../ingest/types.js';
import { stableId } from '../util/hash.js';

export interface StoredMessage extends MessageRecord {
  id: string;
  sourceFormat: string;
  sourceFile: string;
  /** The text before redaction, kept only when the policy says so. */
  rawText: string | null;
  /** What redaction replaced, by kind, or null when nothing was. */
  redactions: Partial<Record<string, number>> | null;
}

/** The stored id: stable across re-imports and re-exports because it derives from the source's own ids. */
export function messageId(
  format: string,
  m: Pick<MessageRecord, 'conversationId' | 'sourceMessageId'>,
): string {
  return stableId('m', format, m.conversationId, m.sourceMessageId);
}

const STAGE_COLUMNS = [
  'id',
  'conversation_id',
  'conversation_title',
  'author',
  'role',
  'text',
  'created_at',
  'source_format',
  'source_file',
  'source_message_id',
  'workspace',
  'thread_id',
  'branch',
  'author_name',
  'raw_text',
  'redactions',
] as const;

export const STAGE_TABLE = `CREATE TEMP TABLE IF NOT EXISTS stage_messages (${STAGE_COLUMNS.map((c) => `${c} VARCHAR`).join(', ')})`;

/** Appends messages to the connection's stage table (created by STAGE_TABLE). */
export async function appendToStage(
  conn: DuckDBConnection,
  messages: readonly StoredMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const appender = await conn.createAppender('stage_messages', 'main', 'temp');
  const nullable = (v: string | null): void =>
    v === null ? appender.appendNull() : appender.appendVarchar(v);
  for (const m of messages) {
    appender.appendVarchar(m.id);
    appender.appendVarchar(m.conversationId);
    nullable(m.conversationTitle);
    nullable(m.author);
    appender.appendVarchar(m.role);
    appender.appendVarchar(m.text);
    nullable(m.createdAt);
    appender.appendVarchar(m.sourceFormat);
    appender.appendVarchar(m.sourceFile);
    appender.appendVarchar(m.sourceMessageId);
    nullable(m.workspace);
    nullable(m.threadId);
    nullable(m.branch);
    nullable(m.authorName);
    nullable(m.rawText);
    nullable(m.redactions === null ? null : JSON.stringify(m.redactions));
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Inserts the messages of `source` (a table or `read_parquet(…)`) that are not stored yet and links all
 * of them to the run; inside the caller's transaction. Returns how many were new. `messages` has no
 * index (migration 14): an anti-join against it, built on the smaller `source` side, makes re-imports
 * add nothing, and the writes to a file are serialised, so no other insert races it. `source` must not
 * hold an id twice.
 */
export async function commitMessages(conn: DuckDBConnection, runId: string, source: string): Promise<number> {
  const result = await conn.run(
    `INSERT INTO messages (id, conversation_id, conversation_title, author, role, text, created_at, source_format,
                           source_file, source_message_id, first_run_id, imported_at, workspace, thread_id, branch,
                           author_name, raw_text, redactions)
       SELECT id, conversation_id, conversation_title, author, role, text, created_at::TIMESTAMPTZ, source_format,
              source_file, source_message_id, $1, now(), workspace, thread_id, branch, author_name, raw_text,
              redactions::JSON
       FROM ${source} s
       WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = s.id)`,
    [runId],
  );
  // An import retried after a crash brings the same messages again: each is linked to the run once.
  await conn.run(
    `INSERT INTO run_messages SELECT $1, s.id FROM ${source} s
     WHERE NOT EXISTS (SELECT 1 FROM run_messages r WHERE r.run_id = $1 AND r.message_id = s.id)`,
    [runId],
  );
  return result.rowsChanged;
}

export interface ImportProblem {
  file: string;
  position?: string | undefined;
  reason: string;
}

/** A table problems are staged in: the columns `insertImportErrorsFrom` reads. */
export const problemTable = (name: string): string =>
  `CREATE OR REPLACE TEMP TABLE ${name} (file VARCHAR, position VARCHAR, reason VARCHAR)`;

/** Appends problems to a table made by `problemTable`. */
export async function appendProblems(
  conn: DuckDBConnection,
  table: string,
  problems: readonly ImportProblem[],
): Promise<void> {
  const appender = await conn.createAppender(table, 'main', 'temp');
  for (const p of problems) {
    appender.appendVarchar(p.file);
    if (p.position === undefined) appender.appendNull();
    else appender.appendVarchar(p.position);
    appender.appendVarchar(p.reason);
    appender.endRow();
  }
  appender.closeSync();
}

export async function insertImportErrors(
  conn: DuckDBConnection,
  runId: string,
  problems: readonly ImportProblem[],
): Promise<void> {
  if (problems.length === 0) return;
  // A hostile file can have a problem on every one of a million lines: appended, not inserted one by one.
  await conn.run(problemTable('stage_errors'));
  await appendProblems(conn, 'stage_errors', problems);
  await insertImportErrorsFrom(conn, runId, 'temp.stage_errors');
  await conn.run('DROP TABLE temp.stage_errors');
}

/** Records the problems of `source` (columns file, position, reason); a retry records each once. */
export async function insertImportErrorsFrom(
  conn: DuckDBConnection,
  runId: string,
  source: string,
): Promise<void> {
  await conn.run(
    `INSERT INTO import_errors SELECT $1, s.file, s.position, s.reason, now() FROM ${source} s
     WHERE NOT EXISTS (SELECT 1 FROM import_errors e WHERE e.run_id = $1 AND e.file = s.file
                         AND e.position IS NOT DISTINCT FROM s.position AND e.reason = s.reason)`,
    [runId],
  );
}
