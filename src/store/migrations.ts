/**
 * Versioned schema. Append only: a released migration is never edited, a change is a new entry.
 * Analysts rely on these table and column names (docs/schema.md documents each one).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** What the duplicate-group and pattern views count over candidates `c` joined to their messages `m`. */
const PROMPT_COUNTS = `count(*)::INTEGER AS occurrences,
               count(DISTINCT coalesce(m.author, '?'))::INTEGER AS distinct_authors,
               count(DISTINCT m.source_format || '/' || coalesce(m.workspace, '') || '/' || m.conversation_id)::INTEGER
                 AS distinct_conversations,
               min(m.created_at) AS first_seen,
               max(m.created_at) AS last_seen`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE runs (
        id VARCHAR PRIMARY KEY,
        status VARCHAR NOT NULL,
        inputs VARCHAR[] NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        files INTEGER,
        messages INTEGER,
        messages_new INTEGER,
        candidates INTEGER,
        patterns INTEGER,
        queued INTEGER,
        errors INTEGER,
        summary JSON
      );
      CREATE TABLE messages (
        id VARCHAR PRIMARY KEY,
        conversation_id VARCHAR NOT NULL,
        conversation_title VARCHAR,
        author VARCHAR,
        role VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        created_at TIMESTAMPTZ,
        source_format VARCHAR NOT NULL,
        source_file VARCHAR NOT NULL,
        source_message_id VARCHAR,
        first_run_id VARCHAR NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE run_messages (
        run_id VARCHAR NOT NULL,
        message_id VARCHAR NOT NULL,
        PRIMARY KEY (run_id, message_id)
      );
      CREATE TABLE import_errors (
        run_id VARCHAR NOT NULL,
        file VARCHAR NOT NULL,
        position VARCHAR,
        reason VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE extractions (
        message_id VARCHAR PRIMARY KEY,
        kept BOOLEAN NOT NULL,
        reason VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL
      );
      CREATE TABLE candidates (
        id VARCHAR PRIMARY KEY,
        message_id VARCHAR NOT NULL UNIQUE,
        text VARCHAR NOT NULL,
        pattern_id VARCHAR,
        similarity DOUBLE,
        run_id VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE patterns (
        id VARCHAR PRIMARY KEY,
        template VARCHAR NOT NULL,
        size INTEGER NOT NULL,
        label VARCHAR,
        keywords VARCHAR[],
        cohesion DOUBLE,
        coverage DOUBLE,
        slots JSON,
        method VARCHAR NOT NULL,
        first_run_id VARCHAR NOT NULL,
        last_run_id VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE triage_items (
        id VARCHAR PRIMARY KEY,
        pattern_id VARCHAR NOT NULL UNIQUE,
        status VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'messages: workspace, thread, branch, author display name',
    sql: `
      ALTER TABLE messages ADD COLUMN workspace VARCHAR;
      ALTER TABLE messages ADD COLUMN thread_id VARCHAR;
      ALTER TABLE messages ADD COLUMN branch VARCHAR;
      ALTER TABLE messages ADD COLUMN author_name VARCHAR;
    `,
  },
  {
    version: 3,
    name: 'run_messages without a primary key (bulk imports)',
    // Its ART index cost more than the whole rest of an import's writes; readers use DISTINCT/EXISTS.
    sql: `
      CREATE TABLE run_messages_v3 AS SELECT DISTINCT run_id, message_id FROM run_messages;
      DROP TABLE run_messages;
      ALTER TABLE run_messages_v3 RENAME TO run_messages;
    `,
  },
  {
    version: 4,
    name: 'messages: redactions found, raw text only where the policy keeps it',
    sql: `
      ALTER TABLE messages ADD COLUMN raw_text VARCHAR;
      ALTER TABLE messages ADD COLUMN redactions JSON;
    `,
  },
  {
    version: 5,
    name: 'candidates: the instruction with typed placeholders for pasted material, and duplicate groups',
    sql: `
      ALTER TABLE candidates ADD COLUMN instruction VARCHAR;
      ALTER TABLE candidates ADD COLUMN materials JSON;
      ALTER TABLE candidates ADD COLUMN dup_group VARCHAR;
    `,
  },
  {
    version: 6,
    name: 'views: duplicate groups and pattern statistics with their counts',
    // Authors and conversations are counted over what was stored; a message without an author (a
    // format that records none) counts as one unknown author.
    sql: `
      CREATE VIEW duplicate_groups AS
        SELECT c.dup_group AS id,
               arg_min(coalesce(c.instruction, c.text), c.id) AS instruction,
               ${PROMPT_COUNTS}
        FROM candidates c JOIN messages m ON m.id = c.message_id
        WHERE c.dup_group IS NOT NULL
        GROUP BY c.dup_group;
      CREATE VIEW pattern_stats AS
        SELECT c.pattern_id AS id,
               count(DISTINCT c.dup_group)::INTEGER AS distinct_prompts,
               ${PROMPT_COUNTS}
        FROM candidates c JOIN messages m ON m.id = c.message_id
        WHERE c.pattern_id IS NOT NULL
        GROUP BY c.pattern_id;
    `,
  },
  {
    version: 7,
    name: 'embedding cache: vectors by text hash and model',
    sql: `
      CREATE TABLE embedding_cache (
        content_hash VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (content_hash, model)
      );
    `,
  },
  {
    version: 8,
    name: 'patterns: silhouette and examples; candidates: the run that put them in their pattern; reuse view',
    sql: `
      ALTER TABLE patterns ADD COLUMN silhouette DOUBLE;
      ALTER TABLE patterns ADD COLUMN examples VARCHAR[];
      ALTER TABLE candidates ADD COLUMN pattern_run_id VARCHAR;
      UPDATE candidates SET pattern_run_id = p.first_run_id FROM patterns p WHERE candidates.pattern_id = p.id;
      CREATE VIEW pattern_reuse AS
        SELECT c.pattern_id, c.pattern_run_id AS run_id, count(*) AS joined
        FROM candidates c JOIN patterns p ON p.id = c.pattern_id
        WHERE c.pattern_run_id IS DISTINCT FROM p.first_run_id
        GROUP BY ALL;
    `,
  },
  {
    version: 9,
    name: 'patterns: the canonical template (slug, title, intent, phase, tags, version); LLM cache and calls',
    sql: `
      ALTER TABLE patterns ADD COLUMN induced_template VARCHAR;
      ALTER TABLE patterns ADD COLUMN slug VARCHAR;
      ALTER TABLE patterns ADD COLUMN title VARCHAR;
      ALTER TABLE patterns ADD COLUMN intent VARCHAR;
      ALTER TABLE patterns ADD COLUMN phase VARCHAR;
      ALTER TABLE patterns ADD COLUMN tags VARCHAR[];
      ALTER TABLE patterns ADD COLUMN version INTEGER;
      ALTER TABLE patterns ADD COLUMN canonical JSON;
      CREATE TABLE llm_cache (
        key VARCHAR PRIMARY KEY,
        model VARCHAR NOT NULL,
        prompt_version VARCHAR NOT NULL,
        answer VARCHAR NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE llm_calls (
        run_id VARCHAR NOT NULL,
        pattern_id VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        prompt_version VARCHAR NOT NULL,
        cached BOOLEAN NOT NULL,
        outcome VARCHAR NOT NULL,
        reason VARCHAR,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        cost_usd DOUBLE,
        created_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'triage: claims, revisions, decisions, merges; template versions, notes, append-only audit log',
    sql: `
      ALTER TABLE triage_items ADD COLUMN revision INTEGER DEFAULT 0;
      ALTER TABLE triage_items ADD COLUMN claimed_by VARCHAR;
      ALTER TABLE triage_items ADD COLUMN claim_expires_at TIMESTAMPTZ;
      ALTER TABLE triage_items ADD COLUMN decided_by VARCHAR;
      ALTER TABLE triage_items ADD COLUMN decided_at TIMESTAMPTZ;
      ALTER TABLE triage_items ADD COLUMN merged_into VARCHAR;
      ALTER TABLE triage_items ADD COLUMN promoted_at TIMESTAMPTZ;
      ALTER TABLE triage_items ADD COLUMN promoted_commit VARCHAR;
      UPDATE triage_items SET revision = 0 WHERE revision IS NULL;
      ALTER TABLE patterns ADD COLUMN edited_by VARCHAR;
      CREATE TABLE template_versions (
        pattern_id VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        template VARCHAR NOT NULL,
        canonical JSON NOT NULL,
        author VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE triage_notes (
        item_id VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        note VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE SEQUENCE triage_audit_seq;
      CREATE TABLE triage_audit (
        seq BIGINT NOT NULL DEFAULT nextval('triage_audit_seq'),
        occurred_at TIMESTAMPTZ NOT NULL,
        item_id VARCHAR NOT NULL,
        pattern_id VARCHAR,
        reviewer VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        message VARCHAR,
        before JSON,
        after JSON
      );
    `,
  },
  {
    version: 11,
    name: 'analyst views: patterns, phase coverage, reuse, contributors, discovery to promotion, triage throughput, stale templates',
    // Documented in docs/schema.md. Times are TIMESTAMPTZ; counts INTEGER (never BIGINT: JSON-safe).
    sql: `
      CREATE VIEW v_patterns AS
        SELECT p.id AS pattern_id, p.slug, p.title, p.intent, p.phase, p.tags, p.template, p.version, p.method,
               p.edited_by, p.size, coalesce(s.occurrences, 0) AS occurrences,
               coalesce(s.distinct_authors, 0) AS distinct_authors,
               coalesce(s.distinct_conversations, 0) AS conversations, s.first_seen, s.last_seen,
               p.cohesion, p.coverage, p.silhouette, t.id AS item_id, coalesce(t.status, 'not_queued') AS status,
               t.decided_by, t.decided_at, t.promoted_at, t.promoted_commit, p.first_run_id, p.last_run_id,
               p.created_at AS discovered_at
        FROM patterns p
        LEFT JOIN pattern_stats s ON s.id = p.id
        LEFT JOIN triage_items t ON t.pattern_id = p.id
        WHERE p.size > 0;
      CREATE VIEW v_phase_coverage AS
        WITH phases(phase, ord) AS (
          VALUES ('requirements', 1), ('design', 2), ('development', 3), ('testing', 4), ('deployment', 5),
                 ('maintenance', 6), ('other', 7))
        SELECT ph.phase,
               count(v.pattern_id)::INTEGER AS patterns,
               count(v.pattern_id) FILTER (WHERE v.status IN ('approved', 'promoted'))::INTEGER AS approved,
               count(v.pattern_id) FILTER (WHERE v.status = 'promoted')::INTEGER AS promoted,
               coalesce(sum(v.occurrences), 0)::INTEGER AS occurrences,
               coalesce(sum(v.occurrences) FILTER (WHERE v.status = 'promoted'), 0)::INTEGER AS occurrences_promoted,
               round(coalesce(sum(v.occurrences), 0) / greatest(1, (SELECT sum(occurrences) FROM v_patterns)), 4)
                 AS share_of_uses
        FROM phases ph LEFT JOIN v_patterns v ON coalesce(v.phase, 'other') = ph.phase
        GROUP BY ph.phase, ph.ord ORDER BY ph.ord;
      CREATE VIEW v_reuse AS
        SELECT c.pattern_id, date_trunc('week', coalesce(m.created_at, m.imported_at)) AS week,
               count(*)::INTEGER AS uses,
               count(DISTINCT coalesce(m.author, '?'))::INTEGER AS authors,
               count(DISTINCT m.conversation_id)::INTEGER AS conversations
        FROM candidates c JOIN messages m ON m.id = c.message_id
        WHERE c.pattern_id IS NOT NULL
        GROUP BY ALL;
      CREATE VIEW v_contributors AS
        SELECT coalesce(m.author, '?') AS author, any_value(m.author_name) AS author_name,
               count(*)::INTEGER AS prompts,
               count(DISTINCT c.pattern_id)::INTEGER AS patterns,
               count(DISTINCT c.pattern_id) FILTER (WHERE t.status IN ('approved', 'promoted'))::INTEGER
                 AS approved_patterns,
               count(DISTINCT c.pattern_id) FILTER (WHERE t.status = 'promoted')::INTEGER AS promoted_patterns,
               min(m.created_at) AS first_seen, max(m.created_at) AS last_seen
        FROM candidates c JOIN messages m ON m.id = c.message_id
        LEFT JOIN triage_items t ON t.pattern_id = c.pattern_id
        GROUP BY 1;
      CREATE VIEW v_discovery_to_promotion AS
        SELECT v.pattern_id, v.item_id, v.slug, v.status, v.discovered_at, t.created_at AS queued_at,
               v.decided_at, v.promoted_at,
               round(epoch(t.created_at - v.discovered_at) / 3600, 2) AS hours_to_queue,
               round(epoch(v.decided_at - t.created_at) / 3600, 2) AS hours_to_decision,
               round(epoch(v.promoted_at - v.discovered_at) / 3600, 2) AS hours_to_promotion
        FROM v_patterns v LEFT JOIN triage_items t ON t.id = v.item_id;
      CREATE VIEW v_triage_throughput AS
        SELECT date_trunc('day', occurred_at) AS day, reviewer,
               count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS actions,
               count(*) FILTER (WHERE outcome = 'ok' AND action = 'approve')::INTEGER AS approved,
               count(*) FILTER (WHERE outcome = 'ok' AND action = 'reject')::INTEGER AS rejected,
               count(*) FILTER (WHERE outcome = 'ok' AND action = 'merge')::INTEGER AS merged,
               count(*) FILTER (WHERE outcome = 'ok' AND action = 'defer')::INTEGER AS deferred,
               count(*) FILTER (WHERE outcome = 'ok' AND action = 'edit')::INTEGER AS edited,
               count(*) FILTER (WHERE outcome = 'conflict')::INTEGER AS conflicts,
               count(DISTINCT item_id)::INTEGER AS items
        FROM triage_audit
        GROUP BY ALL;
      CREATE VIEW v_stale_templates AS
        WITH newest AS (SELECT max(coalesce(created_at, imported_at)) AS at_ FROM messages)
        SELECT v.pattern_id, v.slug, v.status, v.template, v.version, v.last_seen, v.promoted_at,
               date_diff('day', v.last_seen, newest.at_)::INTEGER AS days_since_last_use,
               p.induced_template,
               (p.induced_template IS NOT NULL AND p.induced_template <> v.template AND p.edited_by IS NULL)
                 AS drifted,
               CASE
                 WHEN v.last_seen IS NULL THEN 'never used with a timestamp'
                 WHEN date_diff('day', v.last_seen, newest.at_) > 90 THEN 'not used in the last 90 days of chats'
                 ELSE 'the members now induce another template'
               END AS reason
        FROM v_patterns v JOIN patterns p ON p.id = v.pattern_id, newest
        WHERE v.status IN ('approved', 'promoted')
          AND (v.last_seen IS NULL OR date_diff('day', v.last_seen, newest.at_) > 90
               OR (p.induced_template IS NOT NULL AND p.induced_template <> v.template AND p.edited_by IS NULL));
    `,
  },
  {
    version: 12,
    name: 'runs: the settings that shape the mined result, to tell an unchanged rerun',
    sql: `ALTER TABLE runs ADD COLUMN settings VARCHAR;`,
  },
  {
    version: 13,
    name: 'runs: the fingerprint of the exports a run read, to tell an unchanged rerun without reading them',
    sql: `ALTER TABLE runs ADD COLUMN input_fingerprint VARCHAR;`,
  },
  {
    version: 14,
    name: 'messages without a primary key (bulk imports)',
    // Its ART index cost more than the rest of an import's insert (1.6 s of 2.8 s for 400 k messages,
    // and 0.35 s more at each checkpoint), and it is a second copy of every id that DuckDB wants in
    // memory (an ART must fit in memory when built). Imports dedupe with an anti-join instead
    // (commitMessages); writes to a file are serialised, so nothing races it.
    sql: `
      CREATE TABLE messages_v14 (
        id VARCHAR NOT NULL,
        conversation_id VARCHAR NOT NULL,
        conversation_title VARCHAR,
        author VARCHAR,
        role VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        created_at TIMESTAMPTZ,
        source_format VARCHAR NOT NULL,
        source_file VARCHAR NOT NULL,
        source_message_id VARCHAR,
        first_run_id VARCHAR NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL,
        workspace VARCHAR,
        thread_id VARCHAR,
        branch VARCHAR,
        author_name VARCHAR,
        raw_text VARCHAR,
        redactions JSON
      );
      INSERT INTO messages_v14 SELECT * FROM messages;
      DROP TABLE messages;
      ALTER TABLE messages_v14 RENAME TO messages;
    `,
  },
];
