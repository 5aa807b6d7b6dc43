import { dirname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureDevServer, type DevServer } from '../../workers/dev-server.js';
import { connectWorker, createPogWorkers, type PogWorkers } from '../../workers/worker.js';
import { computeQueueOf, type Config } from '../config/config.js';
import { info } from './output.js';

/** A run on a cluster waits for a worker: say so when none is polling, instead of hanging silently. */
async function warnIfNoWorker(client: Client, config: Config): Promise<void> {
  const polled = async (name: string, kind: 'workflow' | 'activity'): Promise<boolean> => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name },
      // TASK_QUEUE_TYPE_WORKFLOW = 1, TASK_QUEUE_TYPE_ACTIVITY = 2
      taskQueueType: kind === 'workflow' ? 1 : 2,
    });
    return (pollers?.length ?? 0) > 0;
  };
  if (!(await polled(config.temporal.taskQueue, 'workflow'))) {
    info(
      `No worker polls task queue "${config.temporal.taskQueue}" yet: the workflow waits until one does. ` +
        'Start one with `pog worker` (same TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and POG_TASK_QUEUE).',
    );
  } else if (!(await polled(computeQueueOf(config.temporal), 'activity'))) {
    info(
      `No worker polls the compute queue "${computeQueueOf(config.temporal)}" yet: the run waits at its first ` +
        'CPU step until one does. Start one with `pog worker --role compute` (or `--role all`).',
    );
  }
}

/**
 * Runs `fn` with a Temporal client. With TEMPORAL_ADDRESS the workflows it starts run on that cluster's
 * workers (`pog worker`); without, this process runs its own dev server and worker for the duration
 * and stops both after.
 */
export async function withTemporal<T>(
  config: Config,
  fn: (client: Client, where: string) => Promise<T>,
): Promise<T> {
  if (config.temporal.address) {
    const connection = await Connection.connect({ address: config.temporal.address });
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      await warnIfNoWorker(client, config);
      return await fn(client, `${config.temporal.address} (task queue ${config.temporal.taskQueue})`);
    } finally {
      await connection.close();
    }
  }
  return withEmbeddedStack(config, ({ client, workers, server }) =>
    workers.runUntil(fn(client, `embedded Temporal on ${server.address}`)),
  );
}

export interface EmbeddedStack {
  server: DevServer;
  /** The store and compute workers, both in this process. */
  workers: PogWorkers;
  client: Client;
}

/**
 * The local Temporal dev server (started unless one already answers on the local port; its state in
 * the data folder) with a worker and a client, for `fn`; everything it started is stopped after.
 */
export async function withEmbeddedStack<T>(
  config: Config,
  fn: (stack: EmbeddedStack) => Promise<T>,
): Promise<T> {
  const server = await ensureDevServer({
    port: config.temporal.embeddedPort,
    stateDir: join(dirname(config.db), 'temporal'),
    cliPath: config.temporal.cliPath,
    namespace: config.temporal.namespace,
    log: info,
  });
  try {
    const nativeConnection = await connectWorker(server.address);
    const connection = await Connection.connect({ address: server.address });
    try {
      const workers = await createPogWorkers({ connection: nativeConnection, config, role: 'all' });
      const client = new Client({ connection, namespace: config.temporal.namespace });
      return await fn({ server, workers, client });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  } finally {
    await server.stop();
  }
}
