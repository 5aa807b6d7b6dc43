import { appendFileSync, cpSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDb } from '../../../src/store/db.js';
import { fixtures, hasShared, samples, sharedCorpora, tempDir } from '../../helpers/paths.js';
import { startTestWorker, type TestWorker } from '../../helpers/temporal.js';

let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker?.close();
});

const rows = (db: string, sql: string) => withDb(db, 'read', (c) => queryRows(c, sql));
const count = async (db: string, sql: string) => Number((await rows(db, sql))[0]!.n);

describe('discoverRun workflow', () => {
  it('mines the samples into patterns and queues them, and a second run adds no messages', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    const first = await worker.run({ runId: 'wf-samples-1', db, paths: [samples] });
    expect(first.files).toBe(2);
    expect(first.errors).toEqual([]);
    expect(first.skipped.map((s) => s.file.split('/').pop()).sort()).toEqual([
      'message_feedback.json',
      'user.json',
    ]);
    expect(first.patterns).toBeGreaterThanOrEqual(5);
    expect(first.queued).toBe(first.patterns);
    expect(first.messagesNew).toBe(first.messages);
    const messages = await count(db, 'SELECT count(*) AS n FROM messages');
    expect(messages).toBe(first.messages);

    // Every pattern has an induced template with slots, and one triage item with status new.
    const patterns = await rows(db, `SELECT id, template, size, method FROM patterns`);
    expect(patterns.length).toBe(first.patterns);
    for (const p of patterns) {
      expect(p.method).toBe('heuristic');
      expect(Number(p.size)).toBeGreaterThanOrEqual(2);
    }
    expect(patterns.map((p) => p.template)).toContainEqual(
      expect.stringMatching(/^Translate the following UI string into \{\{[a-z_]+\}\}/),
    );
    expect(await count(db, `SELECT count(*) AS n FROM triage_items WHERE status = 'new'`)).toBe(
      first.patterns,
    );
    // Candidates outside every pattern stay, with a null pattern_id.
    expect(await count(db, 'SELECT count(*) AS n FROM candidates WHERE pattern_id IS NULL')).toBeGreaterThan(
      0,
    );
    const [run] = await rows(db, `SELECT status, patterns, queued FROM runs WHERE id = 'wf-samples-1'`);
    expect(run).toEqual({ status: 'completed', patterns: first.patterns, queued: first.queued });

    const second = await worker.run({ runId: 'wf-samples-2', db, paths: [samples] });
    expect(second.messagesNew).toBe(0);
    expect(second.messages).toBe(first.messages);
    expect(await count(db, 'SELECT count(*) AS n FROM messages')).toBe(messages);
    // The same candidates are already in their patterns: nothing found, nothing joined, nothing queued.
    expect(first.newPatterns).toBe(first.patterns);
    expect(second).toMatchObject({ patterns: 0, newPatterns: 0, reused: { candidates: 0, promoted: 0 } });
    expect(second.queued).toBe(0);
    expect(await count(db, 'SELECT count(*) AS n FROM patterns')).toBe(first.patterns);
    // Unchanged exports, same settings: the run stops after its import, mining nothing twice.
    expect(first.unchanged).toBeUndefined();
    expect(second.unchanged).toBe(true);
    expect(second.stages?.map((s) => s.name)).toEqual(['import']);
    // Other settings mine the same messages again.
    const third = await worker.run({
      runId: 'wf-samples-3',
      db,
      paths: [samples],
      cluster: { ...worker.config.cluster, similarity: 0.5 },
    });
    expect(third.unchanged).toBeUndefined();
    expect(third.stages?.map((s) => s.name)).toEqual([
      'import',
      'extract',
      'embed',
      'cluster',
      'normalize',
      'queue',
    ]);
  });

  it('skips exports it has read before without reading them; touched or changed, it reads them again', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    const exports = join(work, 'exports');
    cpSync(samples, exports, { recursive: true });
    const linked = (runId: string) =>
      count(db, `SELECT count(*) AS n FROM run_messages WHERE run_id = '${runId}'`);
    const first = await worker.run({ runId: 'fp-1', db, paths: [exports] });
    expect(first.unchanged).toBeUndefined();

    // Same files, same settings: the fingerprint matches, and not one message is read.
    const same = await worker.run({ runId: 'fp-2', db, paths: [exports] });
    expect(same).toMatchObject({
      unchanged: true,
      files: first.files,
      messages: first.messages,
      messagesNew: 0,
    });
    expect(same.skipped).toEqual(first.skipped);
    expect(await linked('fp-2')).toBe(0);

    // Touched (a copy, a re-download): read again, found to hold nothing new, mined no further.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(exports, 'team-chats.jsonl'), later, later);
    const touched = await worker.run({ runId: 'fp-3', db, paths: [exports] });
    expect(touched.unchanged).toBe(true);
    expect(await linked('fp-3')).toBe(first.messages);

    // A new conversation: read and mined.
    appendFileSync(
      join(exports, 'team-chats.jsonl'),
      JSON.stringify({
        id: 'conv-new',
        messages: [{ role: 'user', content: 'Write a haiku about the release train leaving on time' }],
      }) + '\n',
    );
    const changed = await worker.run({ runId: 'fp-4', db, paths: [exports] });
    expect(changed.unchanged).toBeUndefined();
    expect(changed.messagesNew).toBe(1);
  });

  it('reports missing, empty and corrupt files and still imports the good ones', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    writeFileSync(join(work, 'empty.json'), '');
    writeFileSync(join(work, 'corrupt.json'), '[{"title": "t", "mapping": {"a": ');
    writeFileSync(join(work, 'bad.jsonl'), '{"messages": [{"role": "user", "content": "hi"\n');
    const paths = [
      samples,
      join(work, 'missing.json'),
      join(work, 'empty.json'),
      join(work, 'corrupt.json'),
      join(work, 'bad.jsonl'),
    ];
    const summary = await worker.run({ runId: 'wf-bad-input', db, paths });
    const byFile = Object.fromEntries(summary.errors.map((e) => [e.file.split('/').pop(), e.reason]));
    expect(byFile).toEqual({
      'missing.json': 'no such file or directory',
      'empty.json': 'the file is empty',
      'corrupt.json': expect.stringMatching(/ends early/),
      'bad.jsonl': expect.stringMatching(/no valid conversation line/),
    });
    expect(summary.files).toBe(2);
    expect(summary.patterns).toBeGreaterThan(0);
    // One entry per bad file, plus the position of the first bad record where there is one.
    expect(await count(db, 'SELECT count(DISTINCT file) AS n FROM import_errors')).toBe(4);
    expect(await count(db, 'SELECT count(*) AS n FROM import_errors WHERE position IS NOT NULL')).toBe(2);
    expect(await count(db, 'SELECT count(DISTINCT source_file) AS n FROM messages')).toBe(2);
  });

  it('passes the CSV column mapping to the importer, and without one a CSV file is not guessed at', async () => {
    const csv = join(fixtures, 'ingest/csv/messages.csv');
    const mapped = await worker.run({
      runId: 'wf-csv-mapped',
      db: join(tempDir(), 'pog.duckdb'),
      paths: [csv],
      ingest: {
        csvColumns: {
          text: 'message',
          author: 'user',
          time: 'ts',
          conversation: 'thread',
          id: 'msg_id',
          role: 'role',
        },
      },
    });
    // The fixture's one malformed row is reported; the rest imports.
    expect(mapped).toMatchObject({ files: 1, messages: 5 });
    expect(mapped.errors).toEqual([{ file: csv, reason: expect.stringMatching(/row 10: more fields/) }]);
    const unmapped = await worker.run({
      runId: 'wf-csv-unmapped',
      db: join(tempDir(), 'pog.duckdb'),
      paths: [csv],
    });
    expect(unmapped.files).toBe(0);
    expect(unmapped.errors).toEqual([{ file: csv, reason: expect.stringMatching(/not a chat export/) }]);
  });

  it.skipIf(!hasShared)('imports all 7 real ChatGPT conversations of the shared corpus', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const summary = await worker.run({
      runId: 'wf-shared-chatgpt',
      db,
      paths: [join(sharedCorpora, 'exports/chatgpt')],
    });
    expect(summary.errors).toEqual([]);
    expect(await count(db, 'SELECT count(DISTINCT conversation_id) AS n FROM messages')).toBe(7);
  });
});
