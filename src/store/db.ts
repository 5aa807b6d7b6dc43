import { mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DatabaseBusyError, PogError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

/*
 * DuckDB allows one process to hold a file for writing, and while it does no other process can open
 * it at all. So pog never keeps the file open: every unit of work opens it, does its work and lets
 * go, and a process that finds it held waits and retries. Inside one process all work shares one
 * instance (two instances on one file in one process would corrupt it) and writes are serialised.
 */

export type Access = 'read' | 'write';

interface OpenDb {
  instance: DuckDBInstance;
  writable: boolean;
  users: number;
  /** Set while nobody uses the instance: it closes when this fires. */
  idle?: NodeJS.Timeout;
}

/**
 * How long an unused instance stays open. Long enough that a run's consecutive steps (a Slack export's
 * thousand daily files) do not reopen and checkpoint the file each time; short enough that another
 * process waiting for the file gets it within a second or so.
 */
const LINGER_MS = 750;

const open = new Map<string, OpenDb>();
const writeQueues = new Map<string, Promise<unknown>>();

/**
 * A bulk import appends a lot: checkpointing (rewriting the file and its indexes) every 16 MB of WAL,
 * DuckDB's default, costs more than the writes themselves, so the threshold is raised. DuckDB's memory
 * is capped (it spills to disk beyond it) so that a worker importing a gigabyte export stays within a
 * few hundred MB; POG_DUCKDB_MEMORY_LIMIT raises it for large stores.
 */
const WRITE_OPTIONS = {
  checkpoint_threshold: '256MB',
  memory_limit: process.env.POG_DUCKDB_MEMORY_LIMIT || '160MB',
};

const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;

export interface DbOptions {
  /** How long to wait for another process to let go of the file. */
  busyTimeoutMs?: number;
}

async function openInstance(file: string, access: Access, busyTimeoutMs: number): Promise<DuckDBInstance> {
  const deadline = Date.now() + busyTimeoutMs;
  let delay = 25;
  for (;;) {
    try {
      return await DuckDBInstance.create(
        file,
        access === 'read' ? { access_mode: 'READ_ONLY' } : WRITE_OPTIONS,
      );
    } catch (err) {
      if (!LOCK_ERROR.test((err as Error).message)) throw err;
      if (Date.now() >= deadline) throw new DatabaseBusyError(file, { cause: err });
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 500);
    }
  }
}

async function migrate(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
  );
  const reader = await conn.runAndReadAll(
    'SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_migrations',
  );
  const current = Number(reader.getRowObjects()[0]?.v ?? 0);
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new PogError(
      'DB_TOO_NEW',
      `The database was written by a newer pog (schema ${current}, this one knows ${latest}). Upgrade pog.`,
    );
  }
  for (const m of MIGRATIONS.filter((x) => x.version > current)) {
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw new PogError(
        'DB_MIGRATION',
        `Migration ${m.version} (${m.name}) failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
}

/** Opens in progress, so that concurrent callers in one process open the file once. */
const opening = new Map<string, Promise<void>>();

async function acquire(file: string, access: Access, busyTimeoutMs: number): Promise<OpenDb> {
  for (;;) {
    const existing = open.get(file);
    if (existing && (existing.writable || access === 'read')) {
      clearTimeout(existing.idle);
      existing.idle = undefined;
      existing.users++;
      return existing;
    }
    if (existing && existing.users === 0) {
      // An idle read-only instance and a writer needs the file: close it now.
      closeEntry(file, existing);
      continue;
    }
    if (existing) {
      // A read-only instance is in use here and a writer needs the file: wait until the readers finish.
      await sleep(10);
      continue;
    }
    const pending = opening.get(file);
    if (pending) {
      await pending.catch(() => undefined);
      continue;
    }
    const opened = openEntry(file, access, busyTimeoutMs);
    opening.set(file, opened);
    try {
      // The entry is published only once its migrations ran: nobody writes to a half-migrated file.
      await opened;
    } finally {
      opening.delete(file);
    }
  }
}

async function openEntry(file: string, access: Access, busyTimeoutMs: number): Promise<void> {
  if (access === 'read' && !existsSync(file)) {
    throw new PogError('DB_MISSING', `No database at ${file}. Run \`pog discover <exports…>\` first.`);
  }
  if (access === 'write') mkdirSync(dirname(file), { recursive: true });
  const instance = await openInstance(file, access, busyTimeoutMs);
  if (access === 'write') {
    const conn = await instance.connect();
    try {
      await migrate(conn);
    } catch (err) {
      conn.closeSync();
      instance.closeSync();
      throw err;
    }
    conn.closeSync();
  }
  open.set(file, { instance, writable: access === 'write', users: 0 });
}

function closeEntry(file: string, entry: OpenDb): void {
  clearTimeout(entry.idle);
  if (open.get(file) === entry) open.delete(file);
  entry.instance.closeSync();
}

function release(file: string, entry: OpenDb): void {
  entry.users--;
  if (entry.users > 0) return;
  entry.idle = setTimeout(() => entry.users === 0 && closeEntry(file, entry), LINGER_MS);
  entry.idle.unref(); // an idle database never keeps the process alive
}

/** Closes every database this process has open and nobody is using (before exiting: a clean checkpoint). */
export function closeIdleDatabases(): void {
  for (const [file, entry] of open) if (entry.users === 0) closeEntry(file, entry);
}

/** Runs `fn` with a connection to the file, holding it only for the duration. */
export async function withDb<T>(
  file: string,
  access: Access,
  fn: (conn: DuckDBConnection) => Promise<T>,
  options: DbOptions = {},
): Promise<T> {
  const busyTimeoutMs = options.busyTimeoutMs ?? (access === 'write' ? 120_000 : 60_000);
  const run = async (): Promise<T> => {
    const entry = await acquire(file, access, busyTimeoutMs);
    const conn = await entry.instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
      release(file, entry);
    }
  };
  return access === 'read' ? run() : serialWrite(file, run);
}

/** Serialises writers within this process: concurrent transactions on the same rows would conflict. */
export async function serialWrite<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  writeQueues.set(file, next);
  try {
    return await next;
  } finally {
    if (writeQueues.get(file) === next) writeQueues.delete(file);
  }
}

export interface HeldConnection {
  conn: DuckDBConnection;
  /** Closes the connection and lets go of the file. */
  close(): void;
}

/**
 * A write connection kept across many calls, for state that lives on one connection (a temp table
 * an import stages its rows in). Appending to a temp table conflicts with nobody; what touches shared
 * tables must still go through `serialWrite`.
 */
export async function openWriteConnection(file: string, options: DbOptions = {}): Promise<HeldConnection> {
  const entry = await acquire(file, 'write', options.busyTimeoutMs ?? 120_000);
  try {
    const conn = await entry.instance.connect();
    return {
      conn,
      close: () => {
        conn.closeSync();
        release(file, entry);
      },
    };
  } catch (err) {
    release(file, entry);
    throw err;
  }
}

/**
 * Keeps the file open in this process while `fn` runs, so that a series of short writes (an import's
 * batches) does not pay for opening the file and checkpointing it on close each time. Writes inside
 * still go one at a time through `withDb`/`withTransaction`.
 */
export async function holdOpen<T>(
  file: string,
  access: Access,
  fn: () => Promise<T>,
  options: DbOptions = {},
): Promise<T> {
  const entry = await acquire(file, access, options.busyTimeoutMs ?? (access === 'write' ? 120_000 : 60_000));
  try {
    return await fn();
  } finally {
    release(file, entry);
  }
}

/** `fn` inside one transaction on a write connection. */
export function withTransaction<T>(file: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withDb(file, 'write', async (conn) => {
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await fn(conn);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK');
      throw err;
    }
  });
}

/** Rows as plain JSON-safe objects: 64-bit integers become numbers (strings past 2^53), dates ISO strings. */
export async function queryRows(
  conn: DuckDBConnection,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params as never);
  // getRowObjectsJson renders 64-bit integers as strings to stay exact; most counts fit a double.
  const wide = new Set(
    reader
      .columnNames()
      .filter((_, i) => /^U?(BIG|HUGE)INT$/.test(reader.columnTypes()[i]?.toString() ?? '')),
  );
  return reader.getRowObjectsJson().map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const k of wide) {
      const v = out[k];
      if (typeof v === 'string' && Number.isSafeInteger(Number(v))) out[k] = Number(v);
    }
    return out;
  });
}

/** SQL for a TIMESTAMPTZ column as ISO 8601 UTC text (`2026-12-03T10:30:00Z`), null staying null. */
export function isoUtcSql(column: string): string {
  return `strftime(${column} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')`;
}

/** A nullable text column's value: null stays null, anything else becomes its string. */
export function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
