import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { ConfigSchema, type Config } from '../../src/config/config.js';
import { RunSummarySchema, type DiscoverInput, type RunSummary } from '../../src/run-summary.js';
import type { discoverRun } from '../../workflows/index.js';
import { connectWorker, createPogWorkers } from '../../workers/worker.js';

/**
 * Real workers on the suite's dev server (the run's queue and its compute queue, as `pog worker`
 * serves them), on task queues of their own so test files never share work.
 */
export interface TestWorker {
  config: Config;
  client: Client;
  run(input: Omit<DiscoverInput, 'cluster' | 'llm'> & Partial<DiscoverInput>): Promise<RunSummary>;
  close(): Promise<void>;
}

export async function startTestWorker(overrides: Partial<Config['llm']> = {}): Promise<TestWorker> {
  const address = inject('temporalAddress');
  const config = ConfigSchema.parse({
    temporal: { address, taskQueue: `test-${randomUUID()}` },
    llm: overrides,
  });
  const nativeConnection = await connectWorker(address);
  const workers = await createPogWorkers({ connection: nativeConnection, config, role: 'all' });
  const running = workers.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    config,
    client,
    async run(input) {
      const result = await client.workflow.execute<typeof discoverRun>('discoverRun', {
        taskQueue: config.temporal.taskQueue,
        workflowId: input.runId,
        args: [{ cluster: config.cluster, llm: null, ...input }],
      });
      return RunSummarySchema.parse(result);
    },
    async close() {
      workers.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
