import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { llmEnabled, type Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import type { IngestOptions } from '../../ingest/types.js';
import { RunSummarySchema, type DiscoverInput, type RunSummary } from '../../run-summary.js';
import type { discoverRun } from '../../../workflows/index.js';
import { info } from '../output.js';
import { withTemporal } from '../temporal-session.js';

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

function workflowInput(
  config: Config,
  paths: readonly string[],
  runId: string,
  ingest: IngestOptions,
): DiscoverInput {
  const { keepRawText, keepAuthorNames, minAuthors } = config.privacy;
  const options: IngestOptions = {
    ...ingest,
    ...(keepRawText ? { keepRawText } : {}),
    ...(keepAuthorNames ? { keepAuthorNames } : {}),
  };
  return {
    runId,
    ...(Object.keys(options).length > 0 ? { ingest: options } : {}),
    queue: { minAuthors },
    embed: config.embed,
    db: config.db,
    paths: paths.map((p) => resolve(p)),
    cluster: config.cluster,
    llm: llmEnabled(config)
      ? { model: config.llm.model, maxAttempts: config.llm.maxAttempts, concurrency: config.llm.concurrency }
      : null,
  };
}

async function execute(client: Client, config: Config, input: DiscoverInput): Promise<RunSummary> {
  const result = await client.workflow.execute<typeof discoverRun>('discoverRun', {
    taskQueue: config.temporal.taskQueue,
    workflowId: input.runId,
    args: [input],
  });
  return RunSummarySchema.parse(result);
}

/**
 * Starts one discovery run and waits for it. With TEMPORAL_ADDRESS it only starts the workflow
 * (workers come from `pog worker`); without, it runs its own dev server and worker and stops them after.
 */
export async function discover(
  config: Config,
  paths: readonly string[],
  ingest: IngestOptions = {},
): Promise<RunSummary> {
  if (paths.length === 0)
    throw new PogError('USAGE', 'Name at least one export: pog discover <file|folder|zip…>');
  const input = workflowInput(config, paths, newRunId(), ingest);
  return withTemporal(config, (client, where) => {
    info(`Run ${input.runId} started on ${where}.`);
    return execute(client, config, input);
  });
}

export function formatSummary(s: RunSummary): string {
  const lines = [
    `Run ${s.runId}`,
    `  files imported   ${s.files}`,
    `  user messages    ${s.messages} (${s.messagesNew} new)`,
    `  candidates       ${s.candidates}`,
    `  patterns         ${s.patterns} (${s.newPatterns} new)`,
    `  queued (triage)  ${s.queued}`,
  ];
  if (s.reused.candidates > 0)
    lines.push(
      `  reused           ${s.reused.candidates} prompt(s) joined known patterns (${s.reused.promoted} of them promoted ones)`,
    );
  if (s.heldBack > 0)
    lines.push(
      `  held back        ${s.heldBack} (fewer distinct authors than privacy.minAuthors; POG_MIN_AUTHORS=1 queues them)`,
    );
  if (s.llm.model)
    lines.push(
      `  LLM (${s.llm.model})  ${s.llm.refined} refined (${s.llm.cached} from cache), ${s.llm.fallbacks} kept deterministic; ` +
        `${s.llm.promptTokens + s.llm.completionTokens} tokens` +
        (s.llm.costUsd === null ? '' : `, $${s.llm.costUsd.toFixed(4)}`),
    );
  if (s.skipped.length > 0)
    lines.push(`  skipped          ${s.skipped.length} file(s) that are not chat exports`);
  if (s.errors.length > 0) {
    lines.push(`  errors           ${s.errors.length}`);
    for (const e of s.errors) lines.push(`    ${e.file}: ${e.reason}`);
  }
  return lines.join('\n');
}
