import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { holdOpen, queryRows, withDb } from '../../../src/store/db.js';
import { MessageSink, messageId, type StoredMessage } from '../../../src/store/messages.js';
import { tempDir } from '../../helpers/paths.js';

let db: string;
beforeEach(() => {
  db = join(tempDir(), 'pog.duckdb');
});

function message(i: number, text = `prompt number ${i}`): StoredMessage {
  const m = { conversationId: `c${i % 7}`, sourceMessageId: `m${i}` };
  return {
    ...m,
    id: messageId('openai-jsonl', m),
    conversationTitle: null,
    workspace: null,
    threadId: null,
    branch: null,
    author: null,
    authorName: null,
    role: 'user',
    text,
    createdAt: '2026-01-02T03:04:05.000Z',
    rawText: null,
    redactions: null,
    sourceFormat: 'openai-jsonl',
    sourceFile: 'chats.jsonl',
  };
}

const rows = async (sql: string): Promise<Record<string, unknown>[]> =>
  withDb(db, 'read', (c) => queryRows(c, sql));

describe('MessageSink', () => {
  it('stages batches, commits every commitRows and at the end; duplicates are stored once', async () => {
    // Batches of 3 staged, a commit every 7: commits land mid-batch and duplicates span batches.
    const sink = new MessageSink(db, 'r1', 3, 7);
    await holdOpen(db, 'write', async () => {
      for (let i = 0; i < 20; i++) await sink.add(message(i));
      for (const i of [0, 19, 18]) await sink.add(message(i)); // already committed, or staged
      await sink.problem({ file: 'chats.jsonl', position: 'line 4', reason: 'not JSON' });
      await sink.close();
    });
    expect(sink.inserted).toBe(20);
    expect(sink.problemCount).toBe(1);
    expect(await rows('SELECT count(*) AS n, count(DISTINCT id) AS d FROM messages')).toEqual([
      { n: 20, d: 20 },
    ]);
    expect(await rows(`SELECT count(*) AS n FROM import_errors WHERE run_id = 'r1'`)).toEqual([{ n: 1 }]);
    const linked = await rows(`SELECT count(DISTINCT message_id) AS n FROM run_messages WHERE run_id = 'r1'`);
    expect(linked).toEqual([{ n: 20 }]);

    const again = new MessageSink(db, 'r2', 3, 7);
    await holdOpen(db, 'write', async () => {
      for (let i = 0; i < 25; i++) await again.add(message(i));
      await again.close();
    });
    expect(again.inserted).toBe(5);
    expect(
      await rows(`SELECT count(DISTINCT message_id) AS n FROM run_messages WHERE run_id = 'r2'`),
    ).toEqual([{ n: 25 }]);
  });

  it('commits a large stage early, by its size', async () => {
    const sink = new MessageSink(db, 'r1', 2, 1_000_000);
    const big = 'x'.repeat(9 * 1024 ** 2);
    await holdOpen(db, 'write', async () => {
      await sink.add(message(1, big));
      await sink.add(message(2, big)); // a batch of 2, 18 M characters staged: over the limit
      await sink.add(message(3));
      await sink.add(message(4));
      await new Promise((r) => setTimeout(r, 0));
      expect(sink.inserted).toBe(2);
      await sink.close();
    });
    expect(sink.inserted).toBe(4);
  });

  it('on close after a failure, what was staged is still committed', async () => {
    const sink = new MessageSink(db, 'r1', 2, 100);
    await expect(
      holdOpen(db, 'write', async () => {
        try {
          for (let i = 0; i < 5; i++) await sink.add(message(i));
          throw new Error('the parser broke');
        } finally {
          await sink.close();
        }
      }),
    ).rejects.toThrow('the parser broke');
    expect(await rows('SELECT count(*) AS n FROM messages')).toEqual([{ n: 5 }]);
  });
});
