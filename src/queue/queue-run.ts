import { queryRows, withTransaction } from '../store/db.js';

/**
 * Puts every pattern the run found that has no triage item yet into the reviewers' queue, status
 * `new`, once it has `minAuthors` distinct authors; the others are held back (and counted) until a
 * later run brings more authors.
 */
export async function queueRun(
  db: string,
  runId: string,
  minAuthors = 1,
): Promise<{ queued: number; heldBack: number }> {
  return withTransaction(db, async (conn) => {
    const result = await conn.run(
      `INSERT INTO triage_items (id, pattern_id, status, run_id, created_at, updated_at)
         SELECT 't_' || substr(sha256(p.id), 1, 24), p.id, 'new', $1, now(), now()
         FROM patterns p JOIN pattern_stats s ON s.id = p.id
         WHERE p.last_run_id = $1 AND p.size >= 2 AND s.distinct_authors >= $2
       ON CONFLICT DO NOTHING`,
      [runId, minAuthors],
    );
    const held = await queryRows(
      conn,
      `SELECT count(*) AS n FROM patterns p JOIN pattern_stats s ON s.id = p.id
       WHERE p.last_run_id = $1 AND p.size >= 2 AND s.distinct_authors < $2
         AND NOT EXISTS (SELECT 1 FROM triage_items t WHERE t.pattern_id = p.id)`,
      [runId, minAuthors],
    );
    return { queued: Number(result.rowsChanged), heldBack: Number(held[0]?.n ?? 0) };
  });
}
