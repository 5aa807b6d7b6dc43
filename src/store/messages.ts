import type { DuckDBConnection } from '@duckdb/node-api';
import type { MessageRecord } from '../ingest/types.js';
import type { PeopleDirectory } from '../redact/people.js';
import { redactText } from '../redact/redact.js';
import { stableId } from '../util/hash.js';
import { openWriteConnection, serialWrite, type HeldConnection } from './db.js';

export interface StoredMessage extends MessageRecord {
  id: string;
  sourceFormat: string;
  sourceFile: string;
  /** The text before redaction, kept only when the policy says so. */
  rawText: string | null;
  /** What redaction replaced, by kind, or null when nothing was. */
  redactions: Partial<Record<string, number>> | null;
}

/** The stored id: stable across re-imports and re-exports because it derives from the source's own ids. */
export function messageId(
  format: string,
  m: Pick<MessageRecord, 'conversationId' | 'sourceMessageId'>,
): string {
  return stableId('m', format, m.conversationId, m.sourceMessageId);
}

const STAGE_COLUMNS = [
  'id',
  'conversation_id',
  'conversation_title',
  'author',
  'role',
  'text',
  'created_at',
  'source_format',
  'source_file',
  'source_message_id',
  'workspace',
  'thread_id',
  'branch',
  'author_name',
  'raw_text',
  'redactions',
] as const;

const STAGE_TABLE = `CREATE TEMP TABLE IF NOT EXISTS stage_messages (${STAGE_COLUMNS.map((c) => `${c} VARCHAR`).join(', ')})`;

/** Appends messages to the connection's stage table (created by STAGE_TABLE). */
async function appendToStage(conn: DuckDBConnection, messages: readonly StoredMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const appender = await conn.createAppender('stage_messages', 'main', 'temp');
  const nullable = (v: string | null): void =>
    v === null ? appender.appendNull() : appender.appendVarchar(v);
  for (const m of messages) {
    appender.appendVarchar(m.id);
    appender.appendVarchar(m.conversationId);
    nullable(m.conversationTitle);
    nullable(m.author);
    appender.appendVarchar(m.role);
    appender.appendVarchar(m.text);
    nullable(m.createdAt);
    appender.appendVarchar(m.sourceFormat);
    appender.appendVarchar(m.sourceFile);
    appender.appendVarchar(m.sourceMessageId);
    nullable(m.workspace);
    nullable(m.threadId);
    nullable(m.branch);
    nullable(m.authorName);
    nullable(m.rawText);
    nullable(m.redactions === null ? null : JSON.stringify(m.redactions));
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Inserts the staged messages that are not stored yet, links all of them to the run and empties the
 * stage; inside the caller's transaction. Returns how many were new. One set-based
 * INSERT … ON CONFLICT DO NOTHING makes re-imports add nothing.
 */
async function commitStage(conn: DuckDBConnection, runId: string): Promise<number> {
  const inserted = await conn.run(
    `INSERT INTO messages (id, conversation_id, conversation_title, author, role, text, created_at, source_format,
                           source_file, source_message_id, first_run_id, imported_at, workspace, thread_id, branch,
                           author_name, raw_text, redactions)
       SELECT id, conversation_id, conversation_title, author, role, text, created_at::TIMESTAMPTZ, source_format,
              source_file, source_message_id, $1, now(), workspace, thread_id, branch, author_name, raw_text,
              redactions::JSON
       FROM stage_messages
     ON CONFLICT DO NOTHING`,
    [runId],
  );
  // An import retried after a crash stages the same messages again: each is linked to the run once.
  await conn.run(
    `INSERT INTO run_messages SELECT $1, s.id FROM stage_messages s
     WHERE NOT EXISTS (SELECT 1 FROM run_messages r WHERE r.run_id = $1 AND r.message_id = s.id)`,
    [runId],
  );
  // Dropped, not emptied: deleted rows of a temp table keep their memory.
  await conn.run('DROP TABLE temp.stage_messages');
  await conn.run(STAGE_TABLE);
  return Number(inserted.rowsChanged);
}

export interface ImportProblem {
  file: string;
  position?: string | undefined;
  reason: string;
}

export async function insertImportErrors(
  conn: DuckDBConnection,
  runId: string,
  problems: readonly ImportProblem[],
): Promise<void> {
  if (problems.length === 0) return;
  // A hostile file can have a problem on every one of a million lines: appended, not inserted one by one.
  await conn.run(
    'CREATE OR REPLACE TEMP TABLE stage_errors (file VARCHAR, position VARCHAR, reason VARCHAR)',
  );
  const appender = await conn.createAppender('stage_errors', 'main', 'temp');
  for (const p of problems) {
    appender.appendVarchar(p.file);
    if (p.position === undefined) appender.appendNull();
    else appender.appendVarchar(p.position);
    appender.appendVarchar(p.reason);
    appender.endRow();
  }
  appender.closeSync();
  // An import retried after a crash finds the same problems again: each is recorded once.
  await conn.run(
    `INSERT INTO import_errors SELECT $1, s.file, s.position, s.reason, now() FROM stage_errors s
     WHERE NOT EXISTS (SELECT 1 FROM import_errors e WHERE e.run_id = $1 AND e.file = s.file
                         AND e.position IS NOT DISTINCT FROM s.position AND e.reason = s.reason)`,
    [runId],
  );
  await conn.run('DROP TABLE temp.stage_errors');
}

/**
 * What is staged before a commit, at most, in characters of text plus 300 a row: DuckDB holds the
 * stage in its memory (capped for the worker's sake) beside the committed rows it has not checkpointed
 * yet, and a stage of 32 M characters of ChatGPT messages ran it out of memory.
 */
const STAGE_CHARS = 16 * 1024 ** 2;

/**
 * Collects an import's messages and problems and writes them in two steps, so that memory stays
 * bounded on a gigabyte export and the shared tables are held only briefly at a time:
 * - every `batchSize` messages are appended to a temp table on the sink's own connection (nobody else
 *   sees it, so this waits for no other writer), while the next batch is parsed;
 * - every `commitRows` staged messages (and at the end) one transaction moves them into `messages`.
 *   122,880 rows is DuckDB's row group: an insert that large is written straight to the database file
 *   instead of to the WAL and then again at the checkpoint, which made a 400 k-message JSONL import
 *   a third faster than committing every 10,000.
 * What was committed before a later failure stays written; `close` commits what is staged.
 */
export class MessageSink {
  private batch: StoredMessage[] = [];
  /** Ids staged since the last commit: a duplicate inside one INSERT would conflict with itself. */
  private stagedIds = new Set<string>();
  private staged = 0;
  private stagedChars = 0;
  private problems: ImportProblem[] = [];
  private writing: Promise<void> = Promise.resolve();
  private held: Promise<HeldConnection> | undefined;
  /** Messages read (duplicates before a commit counted once). */
  read = 0;
  inserted = 0;
  problemCount = 0;

  constructor(
    private readonly db: string,
    private readonly runId: string,
    private readonly batchSize = 10_000,
    private readonly commitRows = 122_880,
  ) {}

  async add(message: StoredMessage): Promise<void> {
    if (this.stagedIds.has(message.id)) return;
    this.stagedIds.add(message.id);
    this.batch.push(message);
    this.stagedChars += 300 + message.text.length + (message.rawText?.length ?? 0);
    this.read++;
    if (this.batch.length >= this.batchSize) await this.startWrite(false);
  }

  /**
   * Records a problem, redacted (a parser's message can quote the bad input, and the bad input can
   * hold a secret), and returns it as recorded, for the run summary. `count` false for a whole file's
   * failure, which is not a record of the file.
   */
  async problem(problem: ImportProblem, count = true, people?: PeopleDirectory): Promise<ImportProblem> {
    const recorded = {
      file: problem.file,
      position: problem.position === undefined ? undefined : redactText(problem.position, people).text,
      reason: redactText(problem.reason, people).text,
    };
    this.problems.push(recorded);
    if (count) this.problemCount++;
    if (this.problems.length >= this.batchSize) await this.startWrite(true);
    return recorded;
  }

  /** Commits everything collected and waits until it is written. */
  async flush(): Promise<void> {
    await this.startWrite(true);
    await this.writing;
  }

  /** Commits what is collected (unless `commit` is false: after a failure of the database itself) and lets go of the connection. */
  async close(commit = true): Promise<void> {
    try {
      if (commit) await this.flush();
    } finally {
      const held = this.held;
      this.held = undefined;
      if (held) (await held).close();
    }
  }

  private connection(): Promise<HeldConnection> {
    this.held ??= openWriteConnection(this.db).then(async (h) => {
      await h.conn.run(STAGE_TABLE);
      return h;
    });
    return this.held;
  }

  private async startWrite(commit: boolean): Promise<void> {
    await this.writing; // one write in flight at most: bounded memory, and its errors surface here
    const batch = this.batch;
    this.batch = [];
    this.staged += batch.length;
    const full = this.staged >= this.commitRows || this.stagedChars >= STAGE_CHARS;
    const commitNow = (commit || full) && (this.staged > 0 || this.problems.length > 0);
    if (batch.length === 0 && !commitNow) return;
    const problems = this.problems;
    if (commitNow) {
      this.problems = [];
      this.stagedIds = new Set();
      this.staged = 0;
      this.stagedChars = 0;
    }
    this.writing = this.connection().then(async ({ conn }) => {
      await appendToStage(conn, batch);
      if (!commitNow) return;
      this.inserted += await serialWrite(this.db, async () => {
        await conn.run('BEGIN TRANSACTION');
        try {
          await insertImportErrors(conn, this.runId, problems);
          const n = await commitStage(conn, this.runId);
          await conn.run('COMMIT');
          return n;
        } catch (err) {
          await conn.run('ROLLBACK');
          throw err;
        }
      });
    });
  }
}
