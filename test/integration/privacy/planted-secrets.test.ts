import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RunSummarySchema } from '../../../src/run-summary.js';
import { queryRows, withDb } from '../../../src/store/db.js';
import { filesUnder } from '../../helpers/adapter-harness.js';
import { bin, cleanEnv, pog } from '../../helpers/cli.js';
import { startFakeLlm, type FakeLlm } from '../../helpers/openai-server.js';
import { fixtures, repoRoot, tempDir } from '../../helpers/paths.js';

/*
 * The planted-secrets corpus (test/fixtures/privacy, made by its generate-planted.ts) goes through
 * the real pipeline: `pog discover` against a Temporal server, a separate `pog worker`, and a local
 * OpenAI-compatible endpoint. Not one planted value may appear in the database, its files, the logs
 * of either process, the workflow history or the requests the LLM endpoint received.
 */

interface Planted {
  kind: string;
  value: string;
  file: string;
  location: string;
}
const corpus = join(fixtures, 'privacy/planted');
const manifest = JSON.parse(readFileSync(`${corpus}.manifest.json`, 'utf8')) as {
  values: Planted[];
  /** Look-alikes (versions, git SHAs, UUIDs, Luhn-failing numbers…) that must come through untouched. */
  benign: { kind: string; value: string }[];
};

/** What must never appear: each value, and for a private key each line of its body. */
const needles = manifest.values.flatMap((v) =>
  v.value.includes('PRIVATE KEY')
    ? v.value
        .split('\n')
        .filter((line) => line.length >= 16 && !line.startsWith('-----'))
        .map((line) => ({ kind: v.kind, value: line }))
    : [{ kind: v.kind, value: v.value }],
);

function leaks(where: string, text: string): string[] {
  return needles
    .filter((n) => text.includes(n.value))
    .map((n) => `${where}: ${n.kind} ${JSON.stringify(n.value)}`);
}

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await llm.close();
});

describe('planted secrets', () => {
  it('the corpus plants at least 200 values of at least 15 kinds in several formats', () => {
    expect(manifest.values.length).toBeGreaterThanOrEqual(200);
    expect(new Set(manifest.values.map((v) => v.kind)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(manifest.values.map((v) => v.file.split('/')[0])).size).toBeGreaterThanOrEqual(5);
  });

  it('reach nothing that pog stores, logs or sends', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const taskQueue = `privacy-${randomUUID()}`;
    const env = cleanEnv({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      POG_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: llm.baseURL('valid'),
      OPENAI_API_KEY: 'test-key',
      POG_MIN_AUTHORS: '1',
    });
    const worker = spawn(process.execPath, [bin, 'worker'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let workerLog = '';
    worker.stdout.on('data', (d: Buffer) => (workerLog += d.toString()));
    await new Promise<void>((resolve) =>
      worker.stderr.on('data', (d: Buffer) => {
        workerLog += d.toString();
        if (workerLog.includes('serving')) resolve();
      }),
    );
    const run = await pog(['discover', corpus, '--db', db, '--json'], env);
    worker.kill('SIGINT');
    await new Promise((resolve) => worker.on('exit', resolve));
    expect(run.code, run.stderr).toBe(0);
    const summary = RunSummarySchema.parse(JSON.parse(run.stdout));

    // The run did real work: every file imported, patterns found, the LLM asked about them.
    expect(summary.messages).toBeGreaterThan(100);
    expect(summary.errors.map((e) => e.file)).toEqual([join(corpus, 'mattermost/export.jsonl')]);
    expect(summary.patterns).toBeGreaterThan(0);
    expect(llm.requests.length).toBeGreaterThan(0);

    const found: string[] = [];
    found.push(...leaks('pog discover output', run.stdout + run.stderr));
    found.push(...leaks('pog worker output', workerLog));
    found.push(...leaks('LLM requests', JSON.stringify(llm.requests)));

    // Every text column of every table and view.
    await withDb(db, 'read', async (conn) => {
      const columns = await queryRows(
        conn,
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE data_type IN ('VARCHAR', 'JSON') OR data_type LIKE '%[]'`,
      );
      expect(columns.length).toBeGreaterThan(30);
      const stored = await queryRows(conn, "SELECT string_agg(text, '\n') AS text FROM messages");
      const missing = manifest.benign.filter((b) => !String(stored[0]?.text).includes(b.value));
      expect(missing, 'benign look-alikes redacted by mistake').toEqual([]);
      for (const { table_name: table, column_name: column } of columns) {
        const rows = await queryRows(
          conn,
          `SELECT "${String(column)}"::VARCHAR AS v FROM "${String(table)}"`,
        );
        found.push(
          ...leaks(
            `${String(table)}.${String(column)}`,
            rows.map((r) => (typeof r.v === 'string' ? r.v : '')).join('\n'),
          ),
        );
      }
    });
    // The files themselves (database, WAL, the run's vector files), byte for byte.
    for (const file of filesUnder(join(db, '..'))) found.push(...leaks(file, readFileSync(file, 'latin1')));

    // What Temporal keeps of the run: every payload of the workflow's history.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const history = await new Client({ connection }).workflow.getHandle(summary.runId).fetchHistory();
      const text = JSON.stringify(history, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
      );
      expect(text).toContain(summary.runId);
      found.push(...leaks('workflow history', text));
    } finally {
      await connection.close();
    }

    expect(found).toEqual([]);
  });
});
