// Child process of bench/pipeline.ts: one way of running the pipeline over one corpus into a fresh
// database, timed, with this process's peak RSS. Prints one JSON line last.
//   plain:     the stages as plain function calls, in order (what the activities wrap)
//   workflow:  `pog discover`'s embedded mode: a dev server, an in-process worker, the discoverRun
//              workflow; then the same exports again (the incremental rerun)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { clusterRun } from '../src/cluster/cluster-run.js';
import { computeQueueOf, ConfigSchema } from '../src/config/config.js';
import { embedRun } from '../src/embed/embed-run.js';
import { embedderFor } from '../src/embed/embedders.js';
import { extractRun } from '../src/extract/extract-run.js';
import { groupRefs } from '../src/ingest/group.js';
import { importFiles } from '../src/ingest/import-file.js';
import { expandInputs } from '../src/ingest/sources.js';
import { normalizeRun } from '../src/normalize/normalize-run.js';
import { queueRun } from '../src/queue/queue-run.js';
import { RunSummarySchema, type DiscoverInput } from '../src/run-summary.js';
import { closeIdleDatabases } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { ensureDevServer } from '../workers/dev-server.js';
import { connectWorker, createPogWorkers } from '../workers/worker.js';

const [mode, input, dir, port, embedderName] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const db = join(dir, 'pog.duckdb');
rmSync(dir, { recursive: true, force: true });
const config = ConfigSchema.parse({ embed: { model: embedderName } });
const seconds = (t: number): number => (performance.now() - t) / 1000;

if (mode === 'plain') {
  const t = performance.now();
  const runId = 'plain';
  await startRun(db, runId, [input]);
  const { refs } = await expandInputs([input]);
  for (const group of groupRefs(refs)) await importFiles(db, runId, group);
  await extractRun(db, runId);
  const embedded = await embedRun(db, runId, await embedderFor(config.embed, config.llm));
  await clusterRun(db, runId, embedded.path, config.cluster);
  await normalizeRun(db, runId);
  await queueRun(db, runId, config.privacy.minAuthors);
  closeIdleDatabases();
  console.log(JSON.stringify({ seconds: seconds(t), peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const t = performance.now();
  const server = await ensureDevServer({
    port: Number(port),
    stateDir: join(dir, 'temporal'),
    cliPath: config.temporal.cliPath,
    namespace: 'default',
    ephemeral: true,
  });
  const native = await connectWorker(server.address);
  const connection = await Connection.connect({ address: server.address });
  const workers = await createPogWorkers({ connection: native, config, role: 'all' });
  const client = new Client({ connection });
  const run = async (runId: string): Promise<{ seconds: number; unchanged: boolean }> => {
    const started = performance.now();
    const args: DiscoverInput = {
      runId,
      db,
      paths: [input],
      cluster: config.cluster,
      computeQueue: computeQueueOf(config.temporal),
      embed: config.embed,
      queue: { minAuthors: config.privacy.minAuthors },
      llm: null,
    };
    const summary = RunSummarySchema.parse(
      await client.workflow.execute('discoverRun', {
        taskQueue: config.temporal.taskQueue,
        workflowId: runId,
        args: [args],
      }),
    );
    return { seconds: seconds(started), unchanged: summary.unchanged === true };
  };
  const { first, again } = await workers.runUntil(
    (async () => ({
      first: await run('first'),
      again: await run('again'),
    }))(),
  );
  await connection.close();
  await native.close();
  await server.stop();
  console.log(
    JSON.stringify({
      seconds: first.seconds,
      withServer: seconds(t) - again.seconds,
      againSeconds: again.seconds,
      againUnchanged: again.unchanged,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
process.exit(0);
