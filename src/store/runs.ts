import { listValue } from '@duckdb/node-api';
import type { RunSummary } from '../run-summary.js';
import { insertImportErrors } from './messages.js';
import { queryRows, withDb, withTransaction } from './db.js';

export async function startRun(
  db: string,
  runId: string,
  inputs: readonly string[],
  settings: string | null = null,
): Promise<void> {
  await withTransaction(db, async (conn) => {
    // A workflow retried after a crash starts the same run again: keep one row.
    await conn.run(
      `INSERT INTO runs (id, status, inputs, started_at, settings) VALUES ($1, 'running', $2, now(), $3)
       ON CONFLICT (id) DO UPDATE SET status = 'running'`,
      [runId, listValue([...inputs]), settings],
    );
  });
}

/**
 * Whether the run brought nothing to mine: every message it read was already read by a completed run
 * with the same settings. Mining it again would give what is stored, so the run stops after its import.
 */
export async function nothingNew(db: string, runId: string, settings: string): Promise<boolean> {
  return withDb(db, 'read', async (conn) => {
    const [row] = await queryRows(
      conn,
      `SELECT count(*) AS seen,
              count(*) FILTER (WHERE NOT EXISTS (
                SELECT 1 FROM run_messages r2 JOIN runs p ON p.id = r2.run_id
                WHERE r2.message_id = r.message_id AND r2.run_id <> $1 AND p.status = 'completed'
                  AND p.settings = $2)) AS fresh
       FROM run_messages r WHERE r.run_id = $1`,
      [runId, settings],
    );
    return Number(row?.seen ?? 0) > 0 && Number(row?.fresh ?? 1) === 0;
  });
}

/**
 * The last completed run with these settings over exports with this fingerprint (src/ingest/fingerprint.ts):
 * what it read, for a rerun that then reads nothing. Null when there is none.
 */
export async function unchangedSince(
  db: string,
  settings: string,
  fingerprint: string,
): Promise<{
  runId: string;
  files: number;
  messages: number;
  skipped: { file: string; reason: string }[];
} | null> {
  return withDb(db, 'read', async (conn) => {
    const [row] = await queryRows(
      conn,
      `SELECT id, files, messages, summary->'skipped' AS skipped FROM runs
       WHERE status = 'completed' AND settings = $1 AND input_fingerprint = $2
       ORDER BY finished_at DESC LIMIT 1`,
      [settings, fingerprint],
    );
    if (!row) return null;
    const skipped = typeof row.skipped === 'string' ? (JSON.parse(row.skipped) as unknown) : row.skipped;
    return {
      runId: String(row.id),
      files: Number(row.files ?? 0),
      messages: Number(row.messages ?? 0),
      skipped: Array.isArray(skipped) ? (skipped as { file: string; reason: string }[]) : [],
    };
  });
}

export async function finishRun(
  db: string,
  summary: RunSummary,
  status: 'completed' | 'failed',
  fingerprint: string | null = null,
): Promise<void> {
  await withTransaction(db, async (conn) => {
    await conn.run(
      `UPDATE runs SET status = $2, finished_at = now(), files = $3, messages = $4, messages_new = $5,
         candidates = $6, patterns = $7, queued = $8, errors = $9, summary = $10::JSON,
         input_fingerprint = $11 WHERE id = $1`,
      [
        summary.runId,
        status,
        summary.files,
        summary.messages,
        summary.messagesNew,
        summary.candidates,
        summary.patterns,
        summary.queued,
        summary.errors.length,
        JSON.stringify(summary),
        fingerprint,
      ],
    );
  });
}

/** A run stopped by `pog runs cancel`: what it imported stays, its row says it did not finish. */
export async function markRunCancelled(db: string, runId: string): Promise<void> {
  await withTransaction(db, async (conn) => {
    await conn.run(`UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1`, [runId]);
  });
}

/** Errors found before any file was read (a path that does not exist, an unreadable archive). */
export async function recordImportErrors(
  db: string,
  runId: string,
  problems: readonly { file: string; position?: string; reason: string }[],
): Promise<void> {
  if (problems.length === 0) return;
  await withTransaction(db, (conn) => insertImportErrors(conn, runId, problems));
}
