import { normalizeRun } from '../../src/normalize/normalize-run.js';
import { queueRun } from '../../src/queue/queue-run.js';
import { queryRows, withDb, withTransaction } from '../../src/store/db.js';

/**
 * A database with patterns as a discovery run leaves them (members, canonical templates, queued), built
 * without the embed and cluster stages: the triage tests need the queue, not the mining.
 */
export async function seedQueue(
  db: string,
  patterns: Record<string, readonly string[]>,
  runId = 'r1',
): Promise<void> {
  await withTransaction(db, async (c) => {
    for (const [id, texts] of Object.entries(patterns)) {
      await c.run(
        `INSERT INTO patterns (id, template, size, method, first_run_id, last_run_id, created_at, updated_at)
         VALUES ($1, $2, $3, 'heuristic', $4, $4, now(), now())`,
        [id, texts[0]!, texts.length, runId],
      );
      for (const [i, text] of texts.entries()) {
        const m = `${id}-m${i}`;
        await c.run(
          `INSERT INTO messages (id, conversation_id, author, role, text, source_format, source_file, first_run_id,
                                 imported_at, created_at)
           VALUES ($1, $2, $3, 'user', $4, 'chatgpt', 'conversations.json', $5, now(), now())`,
          [m, `conv-${m}`, `author-${i}`, text, runId],
        );
        await c.run(
          `INSERT INTO candidates (id, message_id, text, instruction, pattern_id, similarity, run_id, created_at, dup_group)
           VALUES ($1, $1, $2, $2, $3, $4, $5, now(), $1)`,
          [m, text, id, 1 - i / 100, runId],
        );
      }
    }
  });
  await normalizeRun(db, runId);
  await queueRun(db, runId, 1);
}

/** The triage item id of a pattern. */
export async function itemOf(db: string, patternId: string): Promise<string> {
  const rows = await withDb(db, 'read', (c) =>
    queryRows(c, 'SELECT id FROM triage_items WHERE pattern_id = $1', [patternId]),
  );
  return String(rows[0]!.id);
}

export const REVIEW = [
  'Review the following Python code for security issues: def f(x): return eval(x)',
  'Review the following Go code for performance issues: for i := range xs { s += xs[i] }',
  'Review the following Rust code for security issues: unsafe { *p = 1 }',
  'Review the following Java code for readability issues: class A { int x; }',
];
export const SUMMARISE = [
  'Summarise this incident report in three bullet points: the database failed over at 02:00',
  'Summarise this design doc in three bullet points: we move sessions to Redis',
  'Summarise this meeting transcript in three bullet points: alice proposed a freeze',
];
