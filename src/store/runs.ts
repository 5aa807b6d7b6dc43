import { listValue } from '@duckdb/node-api';
import type { RunSummary } from '../run-summary.js';
import { insertImportErrors } from './messages.js';
import { withTransaction } from './db.js';

export async function startRun(db: string, runId: string, inputs: readonly string[]): Promise<void> {
  await withTransaction(db, async (conn) => {
    // A workflow retried after a crash starts the same run again: keep one row.
    await conn.run(
      `INSERT INTO runs (id, status, inputs, started_at) VALUES ($1, 'running', $2, now())
       ON CONFLICT (id) DO UPDATE SET status = 'running'`,
      [runId, listValue([...inputs])],
    );
  });
}

export async function finishRun(
  db: string,
  summary: RunSummary,
  status: 'completed' | 'failed',
): Promise<void> {
  await withTransaction(db, async (conn) => {
    await conn.run(
      `UPDATE runs SET status = $2, finished_at = now(), files = $3, messages = $4, messages_new = $5,
         candidates = $6, patterns = $7, queued = $8, errors = $9, summary = $10::JSON WHERE id = $1`,
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
