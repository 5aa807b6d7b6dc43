import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PartWriter, storeParts } from '../../../src/ingest/parsed-parts.js';
import { queryRows, withDb } from '../../../src/store/db.js';
import { messageId, type StoredMessage } from '../../../src/store/messages.js';
import { tempDir } from '../../helpers/paths.js';

let work: string;
let db: string;
beforeEach(() => {
  work = tempDir();
  db = join(work, 'pog.duckdb');
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

describe('parsed parts: the parser writes Parquet, the store worker stores it', () => {
  it('splits parts by rows, stores each message once and links every one to the run', async () => {
    const dir = join(work, 'g1');
    // Parts of 7 rows appended 3 at a time: parts end mid-batch and duplicates span batches.
    const writer = await PartWriter.create(dir, 7, 3);
    for (let i = 0; i < 20; i++) await writer.add(message(i));
    for (const i of [0, 19, 18]) await writer.add(message(i)); // m0 ends part 2; m19, m18 start part 3
    await writer.problem({ file: 'chats.jsonl', position: 'line 4', reason: 'not JSON' });
    await writer.close(true);
    expect(writer.read).toBe(23); // duplicates within a part are counted once
    expect(writer.problemCount).toBe(1);
    // The marker last: the parse read its files to the end.
    expect(readdirSync(dir).sort()).toEqual([
      'done',
      'part-00000.parquet',
      'part-00001.parquet',
      'part-00002.parquet',
      'part-00003.parquet',
      'problems-00003.parquet',
    ]);

    expect(await storeParts(db, 'r1', dir)).toBe(20);
    expect(await rows('SELECT count(*) AS n, count(DISTINCT id) AS d FROM messages')).toEqual([
      { n: 20, d: 20 },
    ]);
    expect(await rows(`SELECT position, reason FROM import_errors WHERE run_id = 'r1'`)).toEqual([
      { position: 'line 4', reason: 'not JSON' },
    ]);
    // Stored again (a retry after a crash): nothing is added or linked twice.
    expect(await storeParts(db, 'r1', dir)).toBe(0);
    expect(await rows(`SELECT count(*) AS n FROM run_messages WHERE run_id = 'r1'`)).toEqual([{ n: 20 }]);
    expect(await rows(`SELECT count(*) AS n FROM import_errors`)).toEqual([{ n: 1 }]);

    const again = await PartWriter.create(join(work, 'g2'), 7, 3);
    for (let i = 0; i < 25; i++) await again.add(message(i));
    await again.close(true);
    expect(await storeParts(db, 'r2', join(work, 'g2'))).toBe(5);
    expect(await rows(`SELECT count(*) AS n FROM run_messages WHERE run_id = 'r2'`)).toEqual([{ n: 25 }]);
  });

  it('stores the parts as the parser writes them, until it marks the end', async () => {
    const dir = join(work, 'g');
    const writer = await PartWriter.create(dir, 5, 2);
    let waits = 0;
    const storing = storeParts(db, 'r1', dir, { follow: { onWait: () => waits++ } });
    for (let i = 0; i < 12; i++) {
      await writer.add(message(i));
      await new Promise((r) => setTimeout(r, 20));
    }
    // Two parts written, not the end: the store has stored them and still waits.
    await new Promise((r) => setTimeout(r, 300));
    expect(await rows('SELECT count(*) AS n FROM messages')).toEqual([{ n: 10 }]);
    await writer.close(true);
    expect(await storing).toBe(12);
    expect(waits).toBeGreaterThan(0);

    // A parser that stops without reaching the end: the store, told so, stores what exists and returns.
    const stopped = await PartWriter.create(join(work, 'h'), 5, 2);
    const parsing = new AbortController();
    const following = storeParts(db, 'r2', join(work, 'h'), { follow: { signal: parsing.signal } });
    for (let i = 100; i < 103; i++) await stopped.add(message(i));
    await stopped.close(false);
    parsing.abort();
    expect(await following).toBe(3);
  });

  it('writes problems out with parts of their own when a file is nothing but problems', async () => {
    const dir = join(work, 'g');
    const writer = await PartWriter.create(dir, 5, 2);
    for (let i = 0; i < 12; i++)
      await writer.problem({ file: 'bad.jsonl', position: `line ${i}`, reason: 'not JSON' });
    await writer.close(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('problems-')).length).toBe(2);
    expect(await storeParts(db, 'r1', dir)).toBe(0);
    expect(await rows('SELECT count(*) AS n FROM import_errors')).toEqual([{ n: 12 }]);
  });

  it('ends a part early by its size, so that a part of long messages stays small', async () => {
    const dir = join(work, 'g');
    const writer = await PartWriter.create(dir, 1_000_000, 2);
    const big = 'x'.repeat(9 * 1024 ** 2);
    await writer.add(message(1, big));
    await writer.add(message(2, big)); // 18 M characters: over the limit
    await writer.add(message(3));
    await writer.close(true);
    expect(readdirSync(dir).sort()).toEqual(['done', 'part-00000.parquet', 'part-00001.parquet']);
    expect(await storeParts(db, 'r1', dir)).toBe(3);
    expect(await rows('SELECT length(text) AS n FROM messages ORDER BY n')).toEqual([
      { n: 'prompt number 3'.length },
      { n: big.length },
      { n: big.length },
    ]);
  });

  it('a parser that fails part-way leaves what it read storable; a retry starts over', async () => {
    const dir = join(work, 'g');
    const writer = await PartWriter.create(dir, 100, 2);
    await expect(
      (async () => {
        try {
          for (let i = 0; i < 5; i++) await writer.add(message(i));
          throw new Error('the parser broke');
        } finally {
          await writer.close(false);
        }
      })(),
    ).rejects.toThrow('the parser broke');
    expect(await storeParts(db, 'r1', dir)).toBe(5);

    const retry = await PartWriter.create(dir, 100, 2);
    expect(readdirSync(dir)).toEqual([]);
    await retry.add(message(1));
    await retry.close(true);
    expect(await storeParts(db, 'r1', dir)).toBe(0);
  });
});
