import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queueRun } from '../../../src/queue/queue-run.js';
import { queryRows, withDb, withTransaction } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/paths.js';

/** A pattern of the run whose members were written by `authors` (one message each). */
async function addPattern(db: string, id: string, authors: (string | null)[], runId: string): Promise<void> {
  await withTransaction(db, async (c) => {
    await c.run(
      `INSERT INTO patterns (id, template, size, method, first_run_id, last_run_id, created_at, updated_at)
       VALUES ($1, 'Say {{x}}', $2, 'heuristic', $3, $3, now(), now())`,
      [id, authors.length, runId],
    );
    for (const [i, author] of authors.entries()) {
      const m = `${id}-m${i}`;
      await c.run(
        `INSERT INTO messages (id, conversation_id, author, role, text, source_format, source_file, first_run_id,
                               imported_at)
         VALUES ($1, $2, $3, 'user', 'Say hello', 'csv', 'f.csv', $4, now())`,
        [m, `conv-${m}`, author, runId],
      );
      await c.run(
        `INSERT INTO candidates (id, message_id, text, pattern_id, run_id, created_at, dup_group)
         VALUES ($1, $1, 'Say hello', $2, $3, now(), $1)`,
        [m, id, runId],
      );
    }
  });
}

describe('queueRun', () => {
  it("queues each of the run's patterns once, with status new, when enough people wrote it", async () => {
    const db = join(tempDir(), 'pog.duckdb');
    await addPattern(db, 'p1', ['a1', 'a2', 'a1'], 'r1');
    await addPattern(db, 'p2', ['a1', 'a1'], 'r1');
    await addPattern(db, 'p3', [null, null], 'r1'); // a format without authors: one unknown author
    await addPattern(db, 'p4', ['a1', 'a2', 'a3'], 'r0');
    expect(await queueRun(db, 'r1', 2)).toEqual({ queued: 1, heldBack: 2 });
    expect(await queueRun(db, 'r1', 2)).toEqual({ queued: 0, heldBack: 2 });
    expect(await queueRun(db, 'r1', 1)).toEqual({ queued: 2, heldBack: 0 });
    const items = await withDb(db, 'read', (c) =>
      queryRows(c, 'SELECT pattern_id, status, run_id FROM triage_items ORDER BY pattern_id'),
    );
    expect(items).toEqual([
      { pattern_id: 'p1', status: 'new', run_id: 'r1' },
      { pattern_id: 'p2', status: 'new', run_id: 'r1' },
      { pattern_id: 'p3', status: 'new', run_id: 'r1' },
    ]);
  });
});
