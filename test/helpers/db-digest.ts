import { closeIdleDatabases, queryRows, withDb } from '../../src/store/db.js';

/** Each table a run writes, without the columns that hold wall-clock times. */
const TABLES: Record<string, string> = {
  messages: 'SELECT * EXCLUDE (imported_at) FROM messages',
  run_messages: 'SELECT * FROM run_messages',
  import_errors: 'SELECT * EXCLUDE (created_at) FROM import_errors',
  extractions: 'SELECT * FROM extractions',
  candidates: 'SELECT * EXCLUDE (created_at) FROM candidates',
  patterns: 'SELECT * EXCLUDE (created_at, updated_at) FROM patterns',
  triage_items: 'SELECT * EXCLUDE (created_at, updated_at) FROM triage_items',
  embedding_cache: 'SELECT * EXCLUDE (created_at) FROM embedding_cache',
  runs: 'SELECT id, status, inputs, files, messages, messages_new, candidates, patterns, queued, errors FROM runs',
};

/** A digest per table: two databases with equal digests hold the same rows (times aside). */
export async function databaseDigest(db: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await withDb(db, 'read', async (c) => {
    for (const [name, sql] of Object.entries(TABLES)) {
      const [row] = await queryRows(
        c,
        `SELECT count(*) AS n, md5(coalesce(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR)), '')) AS digest
         FROM (${sql}) t`,
      );
      out[name] = `${String(row!.n)} rows, ${String(row!.digest)}`;
    }
  });
  closeIdleDatabases();
  return out;
}
