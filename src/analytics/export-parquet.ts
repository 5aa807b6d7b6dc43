import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { queryRows, withDb } from '../store/db.js';

/** What analysts get: the views, and the tables they are built on. Caches and bookkeeping stay home. */
const SKIPPED = new Set(['embedding_cache', 'llm_cache', 'schema_migrations']);

export interface ExportedFile {
  name: string;
  file: string;
  rows: number;
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes every analyst-facing table and view to `<dir>/<name>.parquet`, from one read-only snapshot of
 * the file (a discovery run that starts meanwhile waits for the export, never the other way round).
 */
export async function exportParquet(db: string, dir: string): Promise<ExportedFile[]> {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  return withDb(db, 'read', async (conn) => {
    const names = await queryRows(
      conn,
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name`,
    );
    const files: ExportedFile[] = [];
    for (const { name } of names) {
      const table = String(name);
      if (SKIPPED.has(table)) continue;
      const file = join(out, `${table}.parquet`);
      // The names come from the catalog; quoted all the same.
      const quoted = `"${table.replaceAll('"', '""')}"`;
      await conn.run(
        `COPY (SELECT * FROM ${quoted}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      const [count] = await queryRows(conn, `SELECT count(*) AS n FROM ${quoted}`);
      files.push({ name: table, file, rows: Number(count?.n ?? 0) });
    }
    return files;
  });
}
