import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { PogError } from '../../errors.js';
import { queryRows, withDb } from '../../store/db.js';

/** What `pog query` runs: reads. (DESCRIBE, SHOW and SUMMARIZE are SELECTs to DuckDB.) */
const READS = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/** Refuses the SQL unless every statement in it only reads (checked by DuckDB's own parser). */
async function checkReadOnly(conn: DuckDBConnection, sql: string): Promise<void> {
  const statements = await conn.extractStatements(sql);
  for (let i = 0; i < statements.count; i++) {
    const type = (await statements.prepare(i)).statementType;
    if (!READS.has(type))
      throw new PogError(
        'READ_ONLY',
        `pog query is read-only: it runs reads (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), and a ${StatementType[type] ?? type} ` +
          'statement is refused. The database changes only through pog’s own commands.',
      );
  }
}

/**
 * Read-only SQL: every statement must be a read (so `COPY … TO`, `ATTACH`, `INSTALL` or `SET` are
 * refused too), and the file is opened READ_ONLY, so DuckDB itself refuses any write that got past.
 */
export function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  return withDb(db, 'read', async (conn) => {
    await checkReadOnly(conn, sql);
    return queryRows(conn, sql);
  });
}

export function formatTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    const flat = s.replace(/\s+/g, ' ');
    return flat.length > 60 ? flat.slice(0, 57) + '...' : flat;
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join('\n');
}
