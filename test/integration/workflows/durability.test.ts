import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeOpenaiJsonl } from '../../../bench/generate/openai-jsonl.js';
import { ConfigSchema } from '../../../src/config/config.js';
import { RunProgressSchema, type DiscoverInput, type Stage } from '../../../src/run-summary.js';
import { databaseDigest as contents } from '../../helpers/db-digest.js';
import { bin, cleanEnv } from '../../helpers/cli.js';
import { repoRoot, samples, tempDir } from '../../helpers/paths.js';

/*
 * kill -9 of the worker in the middle of a stage, then a new worker: the run completes, and the
 * database holds exactly what an uninterrupted run of the same input writes (times aside).
 */

const config = ConfigSchema.parse({});
let work: string;
let inputs: string[];
let connection: Connection;
let client: Client;
/** What an uninterrupted run of the same input leaves. */
let expected: Record<string, string>;
const workers: ChildProcess[] = [];

function startWorker(taskQueue: string): ChildProcess {
  const child = spawn(process.execPath, [bin, 'worker'], {
    cwd: repoRoot,
    env: cleanEnv({ TEMPORAL_ADDRESS: inject('temporalAddress'), POG_TASK_QUEUE: taskQueue }),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  workers.push(child);
  return child;
}

function input(db: string): DiscoverInput {
  return {
    runId: 'run-durable',
    db,
    paths: inputs,
    cluster: config.cluster,
    llm: null,
    embed: { model: 'tfidf', openaiModel: 'x' },
    queue: { minAuthors: 1 },
    heartbeatTimeout: '4 seconds',
  };
}

async function runWith(db: string, killAt?: Stage): Promise<void> {
  const taskQueue = `durable-${randomUUID()}`;
  const first = startWorker(taskQueue);
  const handle = await client.workflow.start('discoverRun', {
    taskQueue,
    workflowId: `durable-${randomUUID()}`,
    args: [input(db)],
  });
  if (killAt) {
    for (;;) {
      const progress = RunProgressSchema.parse(await handle.query('progress'));
      if (progress.stage === killAt) break;
      expect(progress.stage, `the run went past ${killAt} before it could be killed`).not.toBe('done');
      await new Promise((r) => setTimeout(r, 100));
    }
    first.kill('SIGKILL');
    startWorker(taskQueue);
  }
  await handle.result();
}

beforeAll(async () => {
  work = tempDir();
  mkdirSync(join(work, 'in'));
  cpSync(samples, join(work, 'in/samples'), { recursive: true });
  await writeOpenaiJsonl(join(work, 'in/chats.jsonl'), 30_000);
  inputs = [join(work, 'in')];
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  const clean = join(work, 'clean.duckdb');
  await runWith(clean);
  expected = await contents(clean);
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await connection?.close();
});

describe('a worker killed mid-run', () => {
  it.each(['import', 'extract', 'cluster'] as const)(
    'kill -9 during %s, then a new worker: the run completes with the same database',
    async (stage) => {
      const crashed = join(work, `crashed-${stage}.duckdb`);
      await runWith(crashed, stage);
      expect(expected.messages).toMatch(/^3\d{4} rows/);
      expect(await contents(crashed)).toEqual(expected);
    },
    180_000,
  );
});
