import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeOpenaiJsonl } from '../../../bench/generate/openai-jsonl.js';
import { ConfigSchema } from '../../../src/config/config.js';
import { RunSummarySchema, type DiscoverInput, type RunSummary } from '../../../src/run-summary.js';
import { bin, cleanEnv } from '../../helpers/cli.js';
import { databaseDigest } from '../../helpers/db-digest.js';
import { repoRoot, samples, tempDir } from '../../helpers/paths.js';

/*
 * Scale-out on one machine: one store worker (the runs and every step on the database) and two
 * compute workers (parsing, extraction, embedding, clustering, normalization), each its own process,
 * on a real dev server. The run's CPU steps must land on both compute workers and nowhere else, the
 * database steps on the store worker only, and the result must equal a single worker's.
 */

const config = ConfigSchema.parse({});
let work: string;
let inputs: string[];
let connection: Connection;
let client: Client;
const children: ChildProcess[] = [];

function startWorker(taskQueue: string, role: 'all' | 'store' | 'compute'): ChildProcess {
  const child = spawn(process.execPath, [bin, 'worker', '--role', role], {
    cwd: repoRoot,
    env: cleanEnv({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      POG_TASK_QUEUE: taskQueue,
      // One step at a time a compute worker: the run's parallel steps must spread over both.
      POG_COMPUTE_CONCURRENCY: '1',
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

function input(db: string, runId: string, computeQueue: string): DiscoverInput {
  return {
    runId,
    db,
    paths: inputs,
    cluster: config.cluster,
    llm: null,
    embed: { model: 'use-lite', openaiModel: 'x' },
    queue: { minAuthors: 1 },
    computeQueue,
    // Each generated file a group of its own: the import runs four groups at once.
    groupBytes: 64 * 1024,
  };
}

/** Which worker process (pid) started each activity of a workflow, by activity type. */
async function activityWorkers(workflowId: string): Promise<Map<string, Set<number>>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const typeOf = new Map<string, string>();
  const byType = new Map<string, Set<number>>();
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType!.name!);
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const type = typeOf.get(String(started.scheduledEventId))!;
      const pid = Number(started.identity!.split('@')[0]);
      byType.set(type, (byType.get(type) ?? new Set()).add(pid));
    }
  }
  return byType;
}

async function run(db: string, runId: string, taskQueue: string): Promise<RunSummary> {
  const result = await client.workflow.execute('discoverRun', {
    taskQueue,
    workflowId: runId,
    args: [input(db, runId, `${taskQueue}-compute`)],
  });
  return RunSummarySchema.parse(result);
}

beforeAll(async () => {
  work = tempDir();
  mkdirSync(join(work, 'in'));
  cpSync(samples, join(work, 'in/samples'), { recursive: true });
  for (let i = 0; i < 6; i++) await writeOpenaiJsonl(join(work, `in/team-${i}.jsonl`), 1_500, 100 + i);
  inputs = [join(work, 'in')];
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await connection?.close();
});

describe('scale-out: one store worker, two compute workers', () => {
  it('spreads the CPU steps over the compute workers and gives what one worker gives', async () => {
    const scaled = `scale-${randomUUID()}`;
    const store = startWorker(scaled, 'store');
    const computeA = startWorker(scaled, 'compute');
    const computeB = startWorker(scaled, 'compute');
    const db = join(work, 'scaled.duckdb');
    const summary = await run(db, `scaled-${randomUUID()}`, scaled);
    expect(summary.errors).toEqual([]);
    expect(summary.files).toBeGreaterThanOrEqual(6);
    expect(summary.patterns).toBeGreaterThan(5);

    const workers = await activityWorkers(summary.runId);
    const compute = new Set([computeA.pid!, computeB.pid!]);
    for (const type of ['parseGroup', 'computeStage']) {
      for (const pid of workers.get(type)!) expect(compute.has(pid), `${type} ran on ${pid}`).toBe(true);
    }
    // Both compute workers parsed: four groups at once, one step at a time each.
    expect(workers.get('parseGroup')).toEqual(compute);
    for (const type of [
      'startRun',
      'listInputs',
      'storeGroup',
      'prepareStage',
      'commitExtract',
      'commitEmbed',
      'commitCluster',
      'commitNormalize',
      'queueForTriage',
      'finishRun',
    ]) {
      expect(workers.get(type), type).toEqual(new Set([store.pid!]));
    }
    // The handoff files are gone with the run.
    expect(existsSync(join(work, 'scaled.runs', summary.runId))).toBe(false);

    // The same input through one worker that does everything.
    const single = `single-${randomUUID()}`;
    startWorker(single, 'all');
    const alone = join(work, 'alone.duckdb');
    const reference = await run(alone, summary.runId, single);
    expect({ ...reference, stages: [] }).toEqual({ ...summary, stages: [] });
    expect(await databaseDigest(db)).toEqual(await databaseDigest(alone));
  }, 240_000);
});
