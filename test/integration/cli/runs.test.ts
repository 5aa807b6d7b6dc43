import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOpenaiJsonl } from '../../../bench/generate/openai-jsonl.js';
import { RunShowDocumentSchema, RunsListDocumentSchema } from '../../../src/cli/commands/runs.js';
import { RunProgressSchema, type RunProgress } from '../../../src/run-summary.js';
import { cleanEnv, pog } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/paths.js';
import { startTestWorker, type TestWorker } from '../../helpers/temporal.js';

let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker.close();
});

describe('pog runs', () => {
  it('shows a running run’s live progress, cancels it, and lists it as cancelled', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    mkdirSync(join(work, 'in'));
    await writeOpenaiJsonl(join(work, 'in/chats.jsonl'), 60_000);
    const env = cleanEnv({ TEMPORAL_ADDRESS: worker.config.temporal.address! });
    const handle = await worker.client.workflow.start('discoverRun', {
      taskQueue: worker.config.temporal.taskQueue,
      workflowId: 'run-to-cancel',
      args: [
        {
          runId: 'run-to-cancel',
          db,
          paths: [join(work, 'in')],
          cluster: worker.config.cluster,
          llm: null,
          embed: { model: 'tfidf', openaiModel: 'x' },
        },
      ],
    });
    // Wait until it is past the import: then the database has its row.
    let progress: RunProgress;
    do {
      await new Promise((r) => setTimeout(r, 300));
      progress = RunProgressSchema.parse(await handle.query('progress'));
    } while (progress.stage === 'starting' || progress.stage === 'import');
    expect(progress.importGroups).toEqual({ done: 1, total: 1 });

    const shown = await pog(['runs', 'show', 'run-to-cancel', '--db', db, '--json'], env);
    expect(shown.code, shown.stderr).toBe(0);
    const live = RunShowDocumentSchema.parse(JSON.parse(shown.stdout));
    expect(live.run.status).toBe('running');
    expect(live.progress?.stages.map((s) => s.name)).toContain('import');

    const cancel = await pog(['runs', 'cancel', 'run-to-cancel', '--db', db], env);
    expect(cancel.code, cancel.stderr).toBe(0);
    await expect(handle.result()).rejects.toThrow(/cancel/i);
    const { runs } = RunsListDocumentSchema.parse(
      JSON.parse((await pog(['runs', 'list', '--db', db, '--json'], env)).stdout),
    );
    expect(runs).toMatchObject([{ id: 'run-to-cancel', status: 'cancelled', messages: null }]);
    const gone = await pog(['runs', 'cancel', 'no-such-run', '--db', db], env);
    expect(gone.code).toBe(1);
  }, 180_000);
});
