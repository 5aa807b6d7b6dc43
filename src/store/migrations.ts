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
];
