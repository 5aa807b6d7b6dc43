import { existsSync } from 'node:fs';
import { z } from 'zod';
import { PogError } from '../errors.js';
import { RunSummarySchema } from '../run-summary.js';
import { queryRows, textOrNull, withDb, isoUtcSql } from '../store/db.js';

export const RunRowSchema = z.object({
  id: z.string(),
  status: z.string(),
  inputs: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nullable(),
  files: z.number().int().nullable(),
  messages: z.number().int().nullable(),
  messagesNew: z.number().int().nullable(),
  candidates: z.number().int().nullable(),
  patterns: z.number().int().nullable(),
  queued: z.number().int().nullable(),
  errors: z.number().int().nullable(),
});
export type RunRow = z.infer<typeof RunRowSchema>;

const iso = isoUtcSql;
const RUN_SQL = `SELECT id, status, inputs, ${iso('started_at')} AS started_at, ${iso('finished_at')} AS finished_at,
    round(epoch(finished_at - started_at), 1) AS seconds, files, messages, messages_new, candidates, patterns,
    queued, errors, summary::VARCHAR AS summary
  FROM runs`;

function rowFrom(r: Record<string, unknown>): RunRow {
  const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return RunRowSchema.parse({
    id: String(r.id),
    status: String(r.status),
    inputs: Array.isArray(r.inputs) ? r.inputs.map(String) : [],
    startedAt: String(r.started_at),
    finishedAt: textOrNull(r.finished_at),
    seconds: r.seconds === null || r.seconds === undefined ? null : Number(r.seconds),
    files: int(r.files),
    messages: int(r.messages),
    messagesNew: int(r.messages_new),
    candidates: int(r.candidates),
    patterns: int(r.patterns),
    queued: int(r.queued),
    errors: int(r.errors),
  });
}

/** Runs, newest first; none yet when there is no database yet. */
export async function listRuns(db: string, limit = 100): Promise<RunRow[]> {
  if (!existsSync(db)) return [];
  const rows = await withDb(db, 'read', (c) =>
    queryRows(
      c,
      `${RUN_SQL} ORDER BY started_at DESC, id DESC LIMIT ${Math.max(1, Math.min(limit, 10_000))}`,
    ),
  );
  return rows.map(rowFrom);
}

export const RunReportSchema = z.object({
  run: RunRowSchema,
  /** The whole summary of a finished run: counts, errors, stage durations, LLM tokens and cost. */
  summary: RunSummarySchema.nullable(),
  /** What could not be imported, as recorded. */
  importErrors: z.array(z.object({ file: z.string(), position: z.string().nullable(), reason: z.string() })),
});
export type RunReport = z.infer<typeof RunReportSchema>;

export async function runReport(db: string, id: string): Promise<RunReport> {
  return withDb(db, 'read', async (c) => {
    const [row] = await queryRows(c, `${RUN_SQL} WHERE id = $1`, [id]);
    if (!row) throw new PogError('NOT_FOUND', `No run "${id}". \`pog runs list\` shows them.`);
    const summary = textOrNull(row.summary);
    const errors = await queryRows(
      c,
      'SELECT file, position, reason FROM import_errors WHERE run_id = $1 ORDER BY created_at, file LIMIT 1000',
      [id],
    );
    return RunReportSchema.parse({
      run: rowFrom(row),
      summary: summary === null ? null : RunSummarySchema.parse(JSON.parse(summary)),
      importErrors: errors.map((e) => ({
        file: String(e.file),
        position: textOrNull(e.position),
        reason: String(e.reason),
      })),
    });
  });
}
