import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, withDb, withTransaction } from '../store/db.js';
import { induceTemplate } from './induce-template.js';

/** Members a template is induced from: the most central ones are enough and keep the work bounded. */
const MAX_MEMBERS = 50;

export interface NormalizeSummary {
  /** The patterns the run normalised, for the LLM step to refine one by one. */
  patternIds: string[];
}

export async function patternMembers(
  conn: DuckDBConnection,
  patternId: string,
  limit = MAX_MEMBERS,
): Promise<string[]> {
  const rows = await queryRows(
    conn,
    // Duplicates collapse to one member: a prompt pasted 40 times says no more about the template.
    `SELECT coalesce(instruction, text) AS text FROM candidates WHERE pattern_id = $1
     GROUP BY 1 ORDER BY max(similarity) DESC NULLS LAST, min(id) LIMIT $2`,
    [patternId, limit],
  );
  return rows.map((r) => String(r.text));
}

/** Induces the deterministic template of every pattern the run found. */
export async function normalizeRun(db: string, runId: string): Promise<NormalizeSummary> {
  const work = await withDb(db, 'read', async (conn) => {
    const patterns = await queryRows(conn, 'SELECT id FROM patterns WHERE last_run_id = $1 ORDER BY id', [
      runId,
    ]);
    const out: { id: string; members: string[] }[] = [];
    for (const p of patterns)
      out.push({ id: String(p.id), members: await patternMembers(conn, String(p.id)) });
    return out;
  });
  const results: { id: string; induced: ReturnType<typeof induceTemplate> }[] = [];
  for (const { id, members } of work) {
    results.push({ id, induced: induceTemplate(members) });
    // Induction is CPU work: yield between patterns so timers (the activity's heartbeat) still run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await withTransaction(db, async (conn) => {
    for (const { id, induced } of results) {
      await conn.run(
        `UPDATE patterns SET template = $1, slots = $2::JSON, coverage = $3, method = 'heuristic', updated_at = now()
         WHERE id = $4`,
        [induced.template, JSON.stringify(induced.slots), induced.coverage, id],
      );
    }
  });
  return { patternIds: results.map((r) => r.id) };
}
