import type { DuckDBConnection } from '@duckdb/node-api';
import type { MessageRecord } from '../ingest/types.js';
import type { PeopleDirectory } from '../redact/people.js';
import { redactText } from '../redact/redact.js';
import { stableId } from '../util/hash.js';
import { withTransaction } from './db.js';

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

/**
 * Inserts messages that are not stored yet and links all of them to the run. Returns how many were new.
 * Rows go through a temp table with the appender (far faster than row-by-row INSERTs), then one
 * set-based INSERT … ON CONFLICT DO NOTHING makes re-imports add nothing.
 */
export async function insertMessages(
  conn: DuckDBConnection,
  runId: string,
  messages: readonly StoredMessage[],
): Promise<number> {
  if (messages.length === 0) return 0;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE stage_messages (${STAGE_COLUMNS.map((c) => `${c} VARCHAR`).join(', ')})`,
  );
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
  await conn.run(`INSERT INTO run_messages SELECT $1, id FROM stage_messages`, [runId]);
  await conn.run('DROP TABLE temp.stage_messages');
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
  await conn.run('INSERT INTO import_errors SELECT $1, file, position, reason, now() FROM stage_errors', [
    runId,
  ]);
  await conn.run('DROP TABLE temp.stage_errors');
}

/**
 * Collects one file's messages and problems and writes them in batches, each batch its own
 * transaction: memory stays bounded on a gigabyte export, the database is held only briefly at a
 * time, and what was written before a later failure stays written. A batch is written while the next
 * one is parsed (DuckDB works on its own threads), and at most one write is in flight.
 */
export class MessageSink {
  private batch: StoredMessage[] = [];
  private batchIds = new Set<string>();
  private problems: ImportProblem[] = [];
  private writing: Promise<void> = Promise.resolve();
  /** Messages read (duplicates inside a batch counted once). */
  read = 0;
  inserted = 0;
  problemCount = 0;

  constructor(
    private readonly db: string,
    private readonly runId: string,
    private readonly batchSize = 10_000,
  ) {}

  async add(message: StoredMessage): Promise<void> {
    if (this.batchIds.has(message.id)) return;
    this.batchIds.add(message.id);
    this.batch.push(message);
    this.read++;
    if (this.batch.length >= this.batchSize) await this.startWrite();
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
    if (this.problems.length >= this.batchSize) await this.startWrite();
    return recorded;
  }

  /** Writes what is collected and waits until everything is written. */
  async flush(): Promise<void> {
    await this.startWrite();
    await this.writing;
  }

  private async startWrite(): Promise<void> {
    await this.writing; // one write in flight at most: bounded memory, and its errors surface here
    if (this.batch.length === 0 && this.problems.length === 0) return;
    const batch = this.batch;
    const problems = this.problems;
    this.batch = [];
    this.batchIds = new Set();
    this.problems = [];
    this.writing = withTransaction(this.db, async (conn) => {
      await insertImportErrors(conn, this.runId, problems);
      return insertMessages(conn, this.runId, batch);
    }).then((n) => {
      this.inserted += n;
    });
  }
}
