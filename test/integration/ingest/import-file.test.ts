import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { importFile } from '../../../src/ingest/import-file.js';
import { expandInputs } from '../../../src/ingest/sources.js';
import { closeIdleDatabases, queryRows, withDb } from '../../../src/store/db.js';
import { fixtures, tempDir } from '../../helpers/paths.js';
import { makeZip } from '../../helpers/zip.js';

const chatgptFixture = join(fixtures, 'ingest/chatgpt-branching.json');
const jsonlFixture = join(fixtures, 'ingest/openai-chat.jsonl');

let work: string;
let db: string;
beforeEach(() => {
  work = tempDir();
  db = join(work, 'pog.duckdb');
});

const count = async (sql: string): Promise<number> =>
  Number((await withDb(db, 'read', (c) => queryRows(c, sql)))[0]!.n);

describe('importFile', () => {
  it('stores user messages with stable ids; importing again adds nothing', async () => {
    const first = await importFile(db, 'r1', { path: chatgptFixture, explicit: true });
    expect(first).toMatchObject({
      status: 'imported',
      format: 'chatgpt',
      messages: 7,
      inserted: 7,
      problems: 0,
    });
    const again = await importFile(db, 'r2', { path: chatgptFixture, explicit: true });
    expect(again).toMatchObject({ messages: 7, inserted: 0 });
    expect(await count('SELECT count(*) AS n FROM messages')).toBe(7);
    // Both runs saw all seven.
    expect(await count(`SELECT count(DISTINCT message_id) AS n FROM run_messages WHERE run_id = 'r2'`)).toBe(
      7,
    );
    const [row] = await withDb(db, 'read', (c) =>
      queryRows(c, `SELECT role, source_format, source_file, first_run_id FROM messages LIMIT 1`),
    );
    expect(row).toEqual({
      role: 'user',
      source_format: 'chatgpt',
      source_file: chatgptFixture,
      first_run_id: 'r1',
    });
  });

  it('records the bad lines of a file and imports the rest', async () => {
    const r = await importFile(db, 'r1', {
      path: join(fixtures, 'ingest/openai-chat-badline.jsonl'),
      explicit: true,
    });
    expect(r).toMatchObject({ messages: 3, problems: 1 });
    expect(r.firstProblem).toMatch(/^line 3: invalid JSON/);
    const errors = await withDb(db, 'read', (c) => queryRows(c, 'SELECT file, position FROM import_errors'));
    expect(errors).toEqual([
      { file: join(fixtures, 'ingest/openai-chat-badline.jsonl'), position: 'line 3' },
    ]);
  });

  it.each([
    ['empty.json', '', /empty/],
    ['truncated.json', '[{"title": "x", "mapping": {"a": {"id": "a", "message": nu', /ends early/],
    ['unknown.json', '{"name": "pkg", "version": "1.0.0"}', /not a chat export/],
    ['binary.json', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]), /not a chat export/],
    [
      'latin1.jsonl',
      Buffer.from('{"messages":[{"role":"user","content":"caf\xe9 cr\xe8me please review"}]}', 'latin1'),
      /UTF-8/,
    ],
    ['only-bad-lines.jsonl', '{"messages": [\n{"messages": 3}\n', /no valid conversation line/],
  ])('rejects %s with a clear reason', async (name, content, reason) => {
    const path = join(work, name);
    writeFileSync(path, content);
    const attempt = importFile(db, 'r1', { path, explicit: true });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(reason);
  });

  it('passes over non-data files and export companions found in a folder', async () => {
    writeFileSync(join(work, 'README.md'), '# my export\n');
    writeFileSync(join(work, 'user.json'), '{"id": "user-abc", "email": "x@y.z"}');
    writeFileSync(join(work, 'message_feedback.json'), '[]');
    for (const name of ['README.md', 'user.json', 'message_feedback.json']) {
      const r = await importFile(db, 'r1', { path: join(work, name) });
      expect(r.status, name).toBe('skipped');
    }
    // Named explicitly, a file pog cannot read is an error, not a silent skip.
    await expect(importFile(db, 'r1', { path: join(work, 'README.md'), explicit: true })).rejects.toThrow(
      /not a chat export/,
    );
  });
});

describe('zip archives', () => {
  it('imports a ChatGPT export zip entry by entry, without extracting anything', async () => {
    const zip = join(work, 'export.zip');
    writeFileSync(
      zip,
      makeZip([
        { name: 'conversations.json', data: readFileSyncUtf8(chatgptFixture) },
        { name: 'user.json', data: '{"id": "user-1"}' },
        { name: 'chat.html', data: '<html><body>chat</body></html>' },
        { name: '../escaped.jsonl', data: readFileSyncUtf8(jsonlFixture) },
      ]),
    );
    const { refs, problems } = await expandInputs([zip]);
    expect(problems).toEqual([
      { file: `${zip}!../escaped.jsonl`, reason: expect.stringMatching(/unsafe entry path/) },
    ]);
    expect(refs.map((r) => r.entry)).toEqual(['chat.html', 'conversations.json', 'user.json']);
    const results = await Promise.all(refs.map((ref) => importFile(db, 'r1', ref)));
    expect(results.map((r) => [r.status, r.messages])).toEqual([
      ['skipped', 0],
      ['imported', 7],
      ['skipped', 0],
    ]);
    expect(results[1]!.file).toBe(`${zip}!conversations.json`);
    // Nothing was written beside or above the archive (the database's WAL is checkpointed on close),
    // and the parsed parts were removed once stored.
    closeIdleDatabases();
    expect(readdirSync(work).sort()).toEqual(['export.zip', 'pog.duckdb', 'pog.runs']);
    const left = readdirSync(join(work, 'pog.runs'), { recursive: true, withFileTypes: true });
    expect(left.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
    expect(existsSync(join(work, '..', 'escaped.jsonl'))).toBe(false);
  });

  it('refuses an entry that declares more than the size limit before inflating it', async () => {
    const zip = join(work, 'bomb.zip');
    writeFileSync(zip, makeZip([{ name: 'conversations.json', data: '[]', declaredSize: 0xfffffff0 }]));
    const { refs } = await expandInputs([zip]);
    await expect(importFile(db, 'r1', refs[0]!)).rejects.toThrow(/over the .* limit/);
  });

  it('reports a corrupt archive as a problem of that path', async () => {
    const zip = join(work, 'corrupt.zip');
    writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]));
    const { refs, problems } = await expandInputs([zip]);
    expect(refs).toEqual([]);
    expect(problems).toEqual([{ file: zip, reason: expect.stringMatching(/zip/) }]);
  });
});

describe('expandInputs', () => {
  it('walks folders in a stable order, and reports paths that do not exist', async () => {
    mkdirSync(join(work, 'b'));
    writeFileSync(join(work, 'b', 'x.jsonl'), '');
    writeFileSync(join(work, 'a.json'), '');
    writeFileSync(join(work, '.hidden.json'), '');
    const { refs, problems } = await expandInputs([work, join(work, 'missing.json')]);
    expect(refs).toEqual([
      { path: join(work, 'a.json'), explicit: false, root: work, size: 0 },
      { path: join(work, 'b', 'x.jsonl'), explicit: false, root: work, size: 0 },
    ]);
    expect(problems).toEqual([{ file: join(work, 'missing.json'), reason: 'no such file or directory' }]);
  });
});

function readFileSyncUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
