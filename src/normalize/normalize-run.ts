import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, textOrNull, withDb, withTransaction } from '../store/db.js';
import { buildCanonical, CanonicalTemplateSchema, type CanonicalTemplate } from './canonical.js';
import { induceTemplate, type InducedTemplate } from './induce-template.js';
import { readHandoff, writeHandoff } from '../pipeline/handoff.js';
import { stageFile } from '../pipeline/run-dir.js';

/** Members a template is induced from: the most central ones are enough and keep the work bounded. */
const MAX_MEMBERS = 50;

export interface NormalizeSummary {
  /** The patterns the run normalised, for the LLM step to refine one by one. */
  patternIds: string[];
}

/**
 * Duplicates collapse to one member (a prompt pasted 40 times says no more about the template); the
 * most central come first.
 */
const MEMBERS_SQL = `SELECT pattern_id, text FROM (
    SELECT pattern_id, coalesce(instruction, text) AS text,
           row_number() OVER (PARTITION BY pattern_id
                              ORDER BY max(similarity) DESC NULLS LAST, min(id)) AS rank
    FROM candidates WHERE pattern_id IN (SELECT id FROM patterns WHERE last_run_id = $1)
    GROUP BY pattern_id, coalesce(instruction, text))
  WHERE rank <= $2 ORDER BY pattern_id, rank`;

export async function patternMembers(
  conn: DuckDBConnection,
  patternId: string,
  limit = MAX_MEMBERS,
): Promise<string[]> {
  const rows = await queryRows(
    conn,
    `SELECT coalesce(instruction, text) AS text FROM candidates WHERE pattern_id = $1
     GROUP BY 1 ORDER BY max(similarity) DESC NULLS LAST, min(id) LIMIT $2`,
    [patternId, limit],
  );
  return rows.map((r) => String(r.text));
}

/** What a pattern's canonical template is built from, besides its template. */
export interface PatternFacts {
  id: string;
  slug: string | null;
  template: string;
  inducedTemplate: string | null;
  method: string;
  version: number | null;
  keywords: string[];
  cohesion: number | null;
  source: CanonicalTemplate['source'];
  /** The stored canonical template, when it is still valid; null before the first normalisation. */
  canonical: CanonicalTemplate | null;
}

const FACTS_SQL = `SELECT p.id, p.slug, p.canonical::VARCHAR AS canonical, p.template, p.induced_template, p.method, p.version, p.keywords, p.cohesion,
         coalesce(s.occurrences, 0) AS occurrences, coalesce(s.distinct_authors, 0) AS distinct_authors,
         coalesce(s.distinct_conversations, 0) AS conversations,
         strftime(s.first_seen AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS first_seen,
         strftime(s.last_seen AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS last_seen,
         f.formats
  FROM patterns p
  LEFT JOIN pattern_stats s ON s.id = p.id
  LEFT JOIN (SELECT c.pattern_id, list(DISTINCT m.source_format ORDER BY m.source_format) AS formats
             FROM candidates c JOIN messages m ON m.id = c.message_id
             WHERE c.pattern_id IS NOT NULL GROUP BY 1) f ON f.pattern_id = p.id`;

function factsFrom(row: Record<string, unknown>): PatternFacts {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const stored = textOrNull(row.canonical);
  const canonical = stored === null ? null : CanonicalTemplateSchema.safeParse(JSON.parse(stored));
  return {
    id: String(row.id),
    slug: textOrNull(row.slug),
    template: String(row.template),
    inducedTemplate: textOrNull(row.induced_template),
    method: String(row.method),
    version: row.version === null || row.version === undefined ? null : Number(row.version),
    keywords: list(row.keywords),
    cohesion: row.cohesion === null || row.cohesion === undefined ? null : Number(row.cohesion),
    canonical: canonical?.success ? canonical.data : null,
    source: {
      occurrences: Number(row.occurrences),
      distinctAuthors: Number(row.distinct_authors),
      conversations: Number(row.conversations),
      firstSeen: textOrNull(row.first_seen),
      lastSeen: textOrNull(row.last_seen),
      formats: list(row.formats),
    },
  };
}

/** The facts of one pattern, or of every pattern the run touched. */
export async function patternFacts(
  conn: DuckDBConnection,
  where: { patternId: string } | { runId: string },
): Promise<PatternFacts[]> {
  const rows =
    'patternId' in where
      ? await queryRows(conn, `${FACTS_SQL} WHERE p.id = $1`, [where.patternId])
      : await queryRows(conn, `${FACTS_SQL} WHERE p.last_run_id = $1 ORDER BY p.id`, [where.runId]);
  return rows.map(factsFrom);
}

/** Writes canonical templates (and the columns analysts filter on) through one staged update. */
export async function storeCanonical(
  conn: DuckDBConnection,
  rows: readonly { canonical: CanonicalTemplate; inducedTemplate?: string }[],
): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE stage_canonical (id VARCHAR, canonical VARCHAR, slots VARCHAR,
       induced VARCHAR)`,
  );
  const appender = await conn.createAppender('stage_canonical', 'main', 'temp');
  for (const r of rows) {
    appender.appendVarchar(r.canonical.patternId);
    appender.appendVarchar(JSON.stringify(r.canonical));
    // `slots` keeps the shape it always had (name, examples), plus what the canonical template adds.
    appender.appendVarchar(JSON.stringify(r.canonical.variables));
    if (r.inducedTemplate === undefined) appender.appendNull();
    else appender.appendVarchar(r.inducedTemplate);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run(
    `UPDATE patterns SET canonical = s.canonical::JSON, slots = s.slots::JSON,
       template = s.canonical->>'template', method = s.canonical->>'method',
       coverage = (s.canonical->'quality'->>'coverage')::DOUBLE,
       slug = s.canonical->>'id', title = s.canonical->>'title', label = s.canonical->>'title',
       intent = s.canonical->>'intent', phase = s.canonical->>'phase',
       tags = from_json(s.canonical->'tags', '["VARCHAR"]'), version = (s.canonical->>'version')::INTEGER,
       induced_template = coalesce(s.induced, patterns.induced_template), updated_at = now()
     FROM temp.stage_canonical s WHERE patterns.id = s.id AND patterns.edited_by IS NULL`,
  );
  // A template a reviewer edited is theirs: a later run refreshes only its source statistics.
  await conn.run(
    `UPDATE patterns SET canonical = json_merge_patch(patterns.canonical, json_object('source', s.canonical->'source')),
       induced_template = coalesce(s.induced, patterns.induced_template), updated_at = now()
     FROM temp.stage_canonical s WHERE patterns.id = s.id AND patterns.edited_by IS NOT NULL`,
  );
  await conn.run('DROP TABLE temp.stage_canonical');
}

/**
 * One pattern that induction cannot handle (a bug, a pathological prompt) must not fail the run: it
 * keeps its most central member, verbatim, as its template.
 */
function safeInduce(members: readonly string[]): InducedTemplate {
  try {
    return induceTemplate(members);
  } catch {
    const first = members[0] ?? '';
    return { template: first, slots: [], coverage: members.length === 0 ? 0 : 1 / members.length };
  }
}

interface NormalizeInput {
  work: { facts: PatternFacts; members: string[] }[];
}

interface NormalizeOutput {
  results: { canonical: CanonicalTemplate; inducedTemplate?: string }[];
  patternIds: string[];
}

/** Where the database is: the facts and most central members of every pattern the run touched. */
export async function prepareNormalize(db: string, runId: string): Promise<void> {
  const work = await withDb(db, 'read', async (conn) => {
    const facts = await patternFacts(conn, { runId });
    const members = new Map<string, string[]>();
    for (const r of await queryRows(conn, MEMBERS_SQL, [runId, MAX_MEMBERS])) {
      const id = String(r.pattern_id);
      const list = members.get(id) ?? [];
      list.push(String(r.text));
      members.set(id, list);
    }
    return facts.map((f) => ({ facts: f, members: members.get(f.id) ?? [] }));
  });
  await writeHandoff(stageFile(db, runId, 'normalize', 'in'), { work } satisfies NormalizeInput);
}

/**
 * Induces the deterministic template of every pattern the run found or added to, and its canonical
 * template. A pattern whose induced template did not change keeps a template a model wrote for it
 * before (the LLM step then answers from its cache). Runs on any compute worker.
 */
export async function computeNormalize(db: string, runId: string): Promise<void> {
  const { work } = await readHandoff<NormalizeInput>(stageFile(db, runId, 'normalize', 'in'));
  const results: NormalizeOutput['results'] = [];
  for (const { facts, members } of work) {
    const induced = safeInduce(members);
    const keepModel =
      facts.method !== 'heuristic' && facts.inducedTemplate === induced.template && facts.canonical !== null;
    if (keepModel) {
      // Only what the new members changed: counts and cohesion.
      const stored = facts.canonical!;
      const canonical = CanonicalTemplateSchema.parse({
        ...stored,
        source: facts.source,
        quality: { ...stored.quality, cohesion: facts.cohesion },
      });
      results.push({ canonical });
    } else if (induced.template !== '') {
      const canonical = buildCanonical({
        patternId: facts.id,
        slug: facts.slug,
        template: induced.template,
        slots: induced.slots,
        previous: facts.version === null ? null : { template: facts.template, version: facts.version },
        keywords: facts.keywords,
        cohesion: facts.cohesion,
        coverage: induced.coverage,
        method: 'heuristic',
        source: facts.source,
      });
      results.push({ canonical, inducedTemplate: induced.template });
    }
    // Induction is CPU work: yield between patterns so timers (the activity's heartbeat) still run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const output: NormalizeOutput = { results, patternIds: work.map((w) => w.facts.id) };
  await writeHandoff(stageFile(db, runId, 'normalize', 'out'), output);
}

/** Where the database is: stores the canonical templates. */
export async function commitNormalize(db: string, runId: string): Promise<NormalizeSummary> {
  const { results, patternIds } = await readHandoff<NormalizeOutput>(
    stageFile(db, runId, 'normalize', 'out'),
  );
  await withTransaction(db, (conn) => storeCanonical(conn, results));
  return { patternIds };
}

/** The normalize stage in one process. */
export async function normalizeRun(db: string, runId: string): Promise<NormalizeSummary> {
  await prepareNormalize(db, runId);
  await computeNormalize(db, runId);
  return commitNormalize(db, runId);
}
