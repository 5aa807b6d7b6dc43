import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { redactText } from '../redact/redact.js';
import type { PeopleDirectory } from '../redact/people.js';
import { holdOpen, withTransaction } from '../store/db.js';
import {
  appendProblems,
  appendToStage,
  commitMessages,
  insertImportErrorsFrom,
  problemTable,
  STAGE_TABLE,
  type ImportProblem,
  type StoredMessage,
} from '../store/messages.js';

/*
 * An import in two halves, so that parsing (CPU) can run on any compute worker and only the store
 * worker touches the database: the parser writes what it read to Parquet parts in the run's folder
 * (through an in-memory DuckDB, which locks no file), and the store worker moves each part into
 * `messages` with one set-based insert. A part is renamed into place only once written, so a part
 * that exists is whole: after a crash, what was parsed before it is still there to be stored.
 */

/**
 * What goes into one part, at most: 122,880 rows (DuckDB's row group: an insert that large is written
 * straight to the database file instead of to the WAL and again at the checkpoint), or 16 M characters
 * of text plus 300 a row, so that a part of long messages stays within the store worker's memory limit.
 */
const PART_ROWS = 122_880;
const PART_CHARS = 16 * 1024 ** 2;
/** Rows appended to the in-memory stage at a time. */
const BATCH = 10_000;

const PART = /^part-(\d+)\.parquet$/;
/** Written once the last part is: the parse read its files to the end. */
const DONE = 'done';
const partName = (n: number): string => `part-${String(n).padStart(5, '0')}.parquet`;
const problemsName = (n: number): string => `problems-${String(n).padStart(5, '0')}.parquet`;
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Collects a group's messages and problems into Parquet parts under `dir` (emptied first). */
export class PartWriter {
  private batch: StoredMessage[] = [];
  private problems: ImportProblem[] = [];
  /** Ids in the current part: a duplicate inside one insert would conflict with itself. */
  private partIds = new Set<string>();
  private partRows = 0;
  private partChars = 0;
  private stagedProblems = 0;
  private parts = 0;
  private db: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | undefined;
  /** The part being written while the next is parsed: one at most, and its error surfaces at the next. */
  private writing: Promise<void> = Promise.resolve();
  /** Messages read (duplicates within a part counted once). */
  read = 0;
  problemCount = 0;

  private constructor(
    private readonly dir: string,
    private readonly partRowsMax: number,
    private readonly batchSize: number,
  ) {}

  /** A writer into `dir`, emptied first: a retried parse starts over. */
  static async create(dir: string, partRows = PART_ROWS, batchSize = BATCH): Promise<PartWriter> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new PartWriter(dir, partRows, batchSize);
  }

  /**
   * Collects a message; a promise only when a batch or a part is written out, to be awaited before
   * the next `add` (not an async function: an import adds hundreds of thousands, and a promise and a
   * microtask each would cost more than the collecting).
   */
  add(message: StoredMessage): Promise<void> | undefined {
    const before = this.partIds.size;
    this.partIds.add(message.id);
    if (this.partIds.size === before) return undefined;
    this.batch.push(message);
    this.partRows++;
    this.partChars += 300 + message.text.length + (message.rawText?.length ?? 0);
    this.read++;
    if (this.partRows >= this.partRowsMax || this.partChars >= PART_CHARS) return this.writePart();
    if (this.batch.length >= this.batchSize) return this.appendBatch();
    return undefined;
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
    // A hostile file can have a problem on every one of a million lines: staged, not held in memory,
    // and written out with a part of their own when there are many.
    if (this.problems.length >= this.batchSize) await this.appendProblems();
    if (this.stagedProblems >= this.partRowsMax) await this.writePart();
    return recorded;
  }

  /**
   * Writes what is collected as a last part and lets go of the in-memory database. `complete`: the
   * parse reached its end, and a marker says so to a store that follows the parts as they come.
   */
  async close(complete: boolean): Promise<void> {
    try {
      await this.writePart();
      await this.writing;
      if (complete) await writeFile(join(this.dir, DONE), String(this.parts));
    } finally {
      await this.writing.catch(() => undefined);
      const db = this.db;
      this.db = undefined;
      if (db) {
        const { instance, conn } = await db;
        conn.closeSync();
        instance.closeSync();
      }
    }
  }

  private connection(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
    this.db ??= (async () => {
      // What spills goes beside the parts, not to DuckDB's default `.tmp` in the working directory.
      const instance = await DuckDBInstance.create(':memory:', {
        memory_limit: '256MB',
        temp_directory: join(this.dir, '.spill'),
      });
      const conn = await instance.connect();
      await conn.run(STAGE_TABLE);
      await conn.run(problemTable('stage_problems'));
      return { instance, conn };
    })();
    return this.db;
  }

  private async appendBatch(): Promise<void> {
    await this.writing;
    const batch = this.batch;
    this.batch = [];
    const { conn } = await this.connection();
    await appendToStage(conn, batch);
  }

  private async appendProblems(): Promise<void> {
    await this.writing;
    const problems = this.problems;
    this.problems = [];
    const { conn } = await this.connection();
    await appendProblems(conn, 'stage_problems', problems);
    this.stagedProblems += problems.length;
  }

  private async writePart(): Promise<void> {
    if (this.partRows === 0 && this.problems.length === 0 && this.stagedProblems === 0) return;
    await this.appendBatch();
    if (this.problems.length > 0) await this.appendProblems();
    const { conn } = await this.connection();
    const n = this.parts++;
    const withProblems = this.stagedProblems > 0;
    this.stagedProblems = 0;
    this.partIds = new Set();
    this.partRows = 0;
    this.partChars = 0;
    this.writing = this.flushPart(conn, n, withProblems);
  }

  private async flushPart(conn: DuckDBConnection, n: number, withProblems: boolean): Promise<void> {
    if (withProblems) {
      await copyOut(conn, 'stage_problems', join(this.dir, problemsName(n)));
      await conn.run(problemTable('stage_problems'));
    }
    await copyOut(conn, 'stage_messages', join(this.dir, partName(n)));
    // Dropped, not emptied: deleted rows of a temp table keep their memory.
    await conn.run('DROP TABLE temp.stage_messages');
    await conn.run(STAGE_TABLE);
  }
}

async function copyOut(conn: DuckDBConnection, table: string, path: string): Promise<void> {
  const temp = `${path}.tmp`;
  await conn.run(`COPY temp.${table} TO ${sqlString(temp)} (FORMAT parquet)`);
  await rename(temp, path);
}

export interface StoreOptions {
  /**
   * Store the parts as the parser writes them, until it marks the end (or `signal` aborts: then what
   * exists is stored and the call returns). Without it, what exists now is stored.
   */
  follow?: { signal?: AbortSignal; onWait?: () => void };
}

/**
 * Stores the whole parts under `dir` (and their problems), a transaction a part; returns how many
 * messages were new. Stored again after a retry, a part adds nothing. Following a parser that runs at
 * the same time, the writes overlap the parsing.
 */
export async function storeParts(
  db: string,
  runId: string,
  dir: string,
  options: StoreOptions = {},
): Promise<number> {
  const { follow } = options;
  const stored = new Set<string>();
  let inserted = 0;
  for (;;) {
    // Read before listing: once the marker is there, every part is.
    const finished = !follow || follow.signal?.aborted === true || existsSync(join(dir, DONE));
    const parts = existsSync(dir)
      ? (await readdir(dir)).filter((f) => PART.test(f) && !stored.has(f)).sort()
      : [];
    if (parts.length > 0) {
      await holdOpen(db, 'write', async () => {
        for (const part of parts) {
          const path = join(dir, part);
          const problems = join(dir, problemsName(Number(PART.exec(part)![1])));
          try {
            inserted += await withTransaction(db, async (conn) => {
              if (existsSync(problems))
                await insertImportErrorsFrom(conn, runId, `read_parquet(${sqlString(problems)})`);
              return commitMessages(conn, runId, `read_parquet(${sqlString(path)})`);
            });
          } catch (err) {
            // A retried parser starts its folder over: a part that vanished comes back, whole.
            if (follow && !existsSync(path)) continue;
            throw err;
          }
          stored.add(part);
        }
      });
    }
    if (finished) return inserted;
    follow.onWait?.();
    await sleep(100);
  }
}
