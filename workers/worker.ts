import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogLevel } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, createComputeActivities, createStoreActivities } from '../activities/index.js';
import { computeQueueOf, type Config } from '../src/config/config.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const workflowsDir = join(root, 'workflows');

let runtimeInstalled = false;

/** Temporal's own logs go to stderr, at WARN unless POG_LOG_LEVEL says otherwise: stdout is the user's. */
export function installRuntime(
  level: LogLevel = (process.env.POG_LOG_LEVEL?.toUpperCase() as LogLevel) || 'WARN',
): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      // Bad input is expected, reported in the run summary and import_errors: not worth a warning here.
      if ((entry.meta?.error as { type?: string } | undefined)?.type === 'InputError') return;
      // A compute worker serves activities only, by design.
      if (entry.message.startsWith('No workflows registered')) return;
      const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta)}` : '';
      process.stderr.write(`[temporal ${entry.level}] ${entry.message}${meta}\n`);
    }),
  });
}

/**
 * The workflow bundle, built once per version of workflows/ and cached: webpack takes seconds, and
 * `pog discover` should not pay that on every run.
 */
export async function workflowBundle(): Promise<{ code: string }> {
  const hash = createHash('sha256');
  for (const name of readdirSync(workflowsDir).sort())
    hash.update(name).update(readFileSync(join(workflowsDir, name)));
  const version = JSON.parse(
    readFileSync(join(root, 'node_modules/@temporalio/workflow/package.json'), 'utf8'),
  ) as { version: string };
  hash.update(version.version);
  const cacheFile = join(
    root,
    'node_modules/.cache/pog-miner',
    `workflows-${hash.digest('hex').slice(0, 16)}.js`,
  );
  if (existsSync(cacheFile)) return { code: readFileSync(cacheFile, 'utf8') };
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(workflowsDir, 'index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, code);
  } catch {
    // A read-only install (a container running as non-root) just bundles at each start.
  }
  return { code };
}

export interface PogWorkerOptions {
  connection: NativeConnection;
  config: Pick<Config, 'llm'> & {
    temporal: Pick<Config['temporal'], 'namespace' | 'taskQueue' | 'computeTaskQueue' | 'computeConcurrency'>;
  };
}

/**
 * What a worker process serves:
 * - `store`: the run's queue — the workflows and every step that reads or writes the database. One
 *   process per database file: it is the one that holds the file.
 * - `compute`: the compute queue — parsing, extraction, embedding, clustering and normalization, which
 *   read and write files in the run's folder only. Start as many as there are cores to spare.
 * - `all`: both, in one process (the embedded stack, a single-machine install).
 */
export const WORKER_ROLES = ['all', 'store', 'compute'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export interface PogWorkers {
  workers: Worker[];
  /** Serves until every worker is shut down (SIGINT/SIGTERM, or `shutdown`). */
  run(): Promise<void>;
  /** Serves until `until` settles, then shuts down; its result. */
  runUntil<T>(until: Promise<T>): Promise<T>;
  shutdown(): void;
  /** What it serves, for a log line. */
  describe(): string;
}

/** The workers of a role, on one connection. */
export async function createPogWorkers(
  options: PogWorkerOptions & { role?: WorkerRole },
): Promise<PogWorkers> {
  const { connection, config } = options;
  const role = options.role ?? 'all';
  installRuntime();
  const workers: Worker[] = [];
  const queues: string[] = [];
  if (role !== 'compute') {
    workers.push(
      await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        workflowBundle: await workflowBundle(),
        // `all` serves the compute steps here too, for runs whose input names no compute queue.
        activities: role === 'all' ? createActivities(config) : createStoreActivities(config),
        maxConcurrentActivityTaskExecutions: 8,
      }),
    );
    queues.push(`"${config.temporal.taskQueue}" (runs and the database)`);
  }
  if (role !== 'store') {
    const computeQueue = computeQueueOf(config.temporal);
    workers.push(
      await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: computeQueue,
        activities: createComputeActivities(config),
        // CPU work: a few at once overlap one step's file reads with another's computing.
        maxConcurrentActivityTaskExecutions:
          config.temporal.computeConcurrency ?? Math.max(2, availableParallelism()),
      }),
    );
    queues.push(`"${computeQueue}" (compute)`);
  }
  return {
    workers,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    runUntil: async <T>(until: Promise<T>): Promise<T> => {
      const results = await Promise.all(workers.map((w) => w.runUntil(until)));
      return results[0]!;
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    describe: () => `task queue${queues.length > 1 ? 's' : ''} ${queues.join(' and ')}`,
  };
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  installRuntime();
  return NativeConnection.connect({ address });
}
