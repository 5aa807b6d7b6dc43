import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseBusyError } from '../../../src/errors.js';
import { closeIdleDatabases, holdOpen, queryRows, withDb, withTransaction } from '../../../src/store/db.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { commitMessages } from '../../../src/store/messages.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { repoRoot, tempDir } from '../../helpers/paths.js';

describe('withDb', () => {
  it('creates the schema on first write and records the migrations', async () => {
    const db = join(tempDir(), 'x.duckdb');
    const rows = await withDb(db, 'write', (c) =>
      queryRows(c, 'SELECT version FROM schema_migrations ORDER BY 1'),
    );
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = await withDb(db, 'read', (c) =>
      queryRows(c, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`),
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['runs', 'messages', 'candidates', 'patterns', 'triage_items', 'import_errors']),
    );
  });

  it('moves the messages of a store made before migration 14 into a table without an index; re-imports still add nothing', async () => {
    const db = join(tempDir(), 'old.duckdb');
    // A store as pog left it at schema 13, with a stored message.
    const instance = await DuckDBInstance.create(db);
    const raw = await instance.connect();
    await raw.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 13)) {
      await raw.run(m.sql);
      await raw.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
    }
    await raw.run(`INSERT INTO messages (id, conversation_id, role, text, source_format, source_file, first_run_id,
                     imported_at, thread_id, redactions)
                   VALUES ('m_1', 'c1', 'user', 'hello', 'chatgpt', 'a.json', 'r0', now(), 't1', '{"email":1}')`);
    raw.closeSync();
    instance.closeSync();

    const again = `(SELECT 'm_1' AS id, 'c1' AS conversation_id, NULL AS conversation_title, NULL AS author,
                      'user' AS role, 'hello again' AS text, NULL AS created_at, 'chatgpt' AS source_format,
                      'a.json' AS source_file, NULL AS source_message_id, NULL AS workspace, NULL AS thread_id,
                      NULL AS branch, NULL AS author_name, NULL AS raw_text, NULL AS redactions
                    UNION ALL SELECT 'm_2', 'c1', NULL, NULL, 'user', 'new', NULL, 'chatgpt', 'a.json', NULL, NULL,
                      NULL, NULL, NULL, NULL, NULL)`;
    const inserted = await withTransaction(db, (c) => commitMessages(c, 'r1', again));
    expect(inserted).toBe(1);
    const rows = await withDb(db, 'read', (c) =>
      queryRows(c, 'SELECT id, text, thread_id, redactions::VARCHAR AS r FROM messages ORDER BY id'),
    );
    expect(rows).toEqual([
      { id: 'm_1', text: 'hello', thread_id: 't1', r: '{"email":1}' },
      { id: 'm_2', text: 'new', thread_id: null, r: null },
    ]);
    const indexes = await withDb(db, 'read', (c) =>
      queryRows(c, `SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'messages'`),
    );
    expect(indexes.map((r) => r.constraint_type)).not.toContain('PRIMARY KEY');
  });

  it('returns 64-bit integers as JSON numbers', async () => {
    const db = join(tempDir(), 'x.duckdb');
    const [row] = await withDb(db, 'write', (c) => queryRows(c, 'SELECT count(*) AS n, 2::HUGEINT AS h'));
    expect(row).toEqual({ n: 1, h: 2 });
    expect(JSON.stringify(row)).toBe('{"n":1,"h":2}');
  });

  it('refuses writes on a read connection in a process that does not write (pog query)', async () => {
    const db = join(tempDir(), 'x.duckdb');
    await withDb(db, 'write', () => Promise.resolve());
    closeIdleDatabases(); // as a separate `pog query` process would find it
    await expect(withDb(db, 'read', (c) => c.run('CREATE TABLE t (x INT)'))).rejects.toThrow(/read-only/i);
  });

  it('rolls a failed transaction back', async () => {
    const db = join(tempDir(), 'x.duckdb');
    await expect(
      withTransaction(db, async (c) => {
        await c.run(
          `INSERT INTO triage_items (id, pattern_id, status, run_id, created_at, updated_at) VALUES ('t1', 'p1', 'new', 'r', now(), now())`,
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await withDb(db, 'read', (c) => queryRows(c, 'SELECT count(*) AS n FROM triage_items'));
    expect(rows[0]!.n).toBe(0);
  });

  it('keeps an unused database open briefly, then lets go of the file', async () => {
    const db = join(tempDir(), 'x.duckdb');
    await withDb(db, 'write', () => Promise.resolve());
    const probe = (): boolean => {
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(${JSON.stringify(db)});`,
        ],
        { cwd: repoRoot },
      );
      return r.status === 0;
    };
    expect(probe()).toBe(false); // still held by this process
    await new Promise((r) => setTimeout(r, 1500));
    expect(probe()).toBe(true); // released after the linger
  });

  it('lets concurrent first users of a new file in only after its migrations ran', async () => {
    const db = join(tempDir(), 'x.duckdb');
    // holdOpen is how an import keeps the file open; its writes must not race the migrations.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        holdOpen(db, 'write', () =>
          withTransaction(db, (c) => c.run(`INSERT INTO run_messages VALUES ('r', 'm${i}')`)),
        ),
      ),
    );
    const rows = await withDb(db, 'read', (c) => queryRows(c, 'SELECT count(*) AS n FROM run_messages'));
    expect(rows[0]!.n).toBe(6);
  });

  it('serialises concurrent writers in one process', async () => {
    const db = join(tempDir(), 'x.duckdb');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withTransaction(db, (c) =>
          c.run(
            `INSERT INTO triage_items (id, pattern_id, status, run_id, created_at, updated_at) VALUES ('t${i}', 'p${i}', 'new', 'r', now(), now())`,
          ),
        ),
      ),
    );
    const rows = await withDb(db, 'read', (c) => queryRows(c, 'SELECT count(*) AS n FROM triage_items'));
    expect(rows[0]!.n).toBe(10);
  });

  it('waits for another process to let go of the file, and says so when it does not', async () => {
    const db = join(tempDir(), 'x.duckdb');
    await withDb(db, 'write', () => Promise.resolve());
    closeIdleDatabases();
    // Another process holds the file for 1.5 s.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const i = await DuckDBInstance.create(${JSON.stringify(db)});
         console.log('held'); setTimeout(() => { i.closeSync(); process.exit(0); }, 1500);`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    await expect(withDb(db, 'read', () => Promise.resolve(), { busyTimeoutMs: 200 })).rejects.toBeInstanceOf(
      DatabaseBusyError,
    );
    const rows = await withDb(db, 'read', (c) => queryRows(c, 'SELECT 1 AS ok'), { busyTimeoutMs: 10_000 });
    expect(rows).toEqual([{ ok: 1 }]);
  });
});
