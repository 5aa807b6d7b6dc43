import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDb } from '../../../src/store/db.js';
import { samples, tempDir } from '../../helpers/paths.js';
import { startTestWorker, type TestWorker } from '../../helpers/temporal.js';

let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker?.close();
});

/** What a reviewer sees of a run: each pattern's id, template, size and members. */
async function patternsOf(db: string): Promise<unknown[]> {
  return withDb(db, 'read', (c) =>
    queryRows(
      c,
      `SELECT p.id, p.template, p.size, list(c.message_id ORDER BY c.message_id) AS members
       FROM patterns p JOIN candidates c ON c.pattern_id = p.id
       GROUP BY ALL ORDER BY p.id`,
    ),
  );
}

describe('the same input gives the same patterns', () => {
  it('twice, and with its files and lines shuffled', async () => {
    const run = async (name: string, paths: string[]): Promise<unknown[]> => {
      const db = join(tempDir(), 'pog.duckdb');
      await worker.run({ runId: `det-${name}`, db, paths });
      return patternsOf(db);
    };
    const first = await run('a', [samples]);
    expect(first.length).toBeGreaterThan(3);
    expect(await run('b', [samples])).toEqual(first);

    // The same exports, their files named in the other order and the JSONL file's lines reversed.
    const shuffled = tempDir();
    mkdirSync(join(shuffled, 'chatgpt'));
    for (const f of ['conversations.json', 'user.json', 'message_feedback.json'])
      copyFileSync(join(samples, 'chatgpt', f), join(shuffled, 'chatgpt', f));
    const lines = readFileSync(join(samples, 'team-chats.jsonl'), 'utf8').trim().split('\n').reverse();
    writeFileSync(join(shuffled, 'team-chats.jsonl'), lines.join('\n') + '\n');
    expect(await run('c', [join(shuffled, 'team-chats.jsonl'), join(shuffled, 'chatgpt')])).toEqual(first);
  });
});
