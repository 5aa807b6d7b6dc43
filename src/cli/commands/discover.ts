import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { computeQueueOf, llmEnabled, type Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import type { IngestOptions } from '../../ingest/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  RunProgressSchema,
  RunSummarySchema,
  STAGES,
  type DiscoverInput,
  type RunProgress,
  type RunSummary,
  type Stage,
} from '../../run-summary.js';
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

export function workflowInput(
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
    db: resolve(config.db),
    paths: paths.map((p) => resolve(p)),
    cluster: config.cluster,
    computeQueue: computeQueueOf(config.temporal),
    llm: llmEnabled(config)
      ? { model: config.llm.model, maxAttempts: config.llm.maxAttempts, concurrency: config.llm.concurrency }
      : null,
  };
}

async function execute(client: Client, config: Config, input: DiscoverInput): Promise<RunSummary> {
  const handle = await client.workflow.start<typeof discoverRun>('discoverRun', {
    taskQueue: config.temporal.taskQueue,
    workflowId: input.runId,
    args: [input],
  });
  const result = handle.result();
  const stop = showProgress(() => handle.query<RunProgress>('progress'));
  try {
    return RunSummarySchema.parse(await result);
  } finally {
    await stop();
  }
}

function progressLine(p: RunProgress): string {
  const parts = [`${p.runId}: ${p.stage}`];
  if (p.stage === 'import') parts.push(`file groups ${p.importGroups.done}/${p.importGroups.total}`);
  if (p.stage === 'refine') parts.push(`patterns ${p.refined.done}/${p.refined.total}`);
  return parts.join(', ');
}

function bar(p: RunProgress): string {
  const width = 24;
  const done = p.stage === 'done' ? STAGES.length : Math.max(0, STAGES.indexOf(p.stage as Stage));
  const filled = Math.round((done / STAGES.length) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressLine(p)}`;
}

/**
 * Polls the run's progress query: a bar redrawn in place on a terminal, a plain line per change
 * otherwise (logs, CI). Everything goes to stderr; stdout keeps the summary. Returns a stopper.
 */
function showProgress(poll: () => Promise<RunProgress>): () => Promise<void> {
  const tty = process.stderr.isTTY;
  let last = '';
  const stop = new AbortController();
  const tick = async (): Promise<void> => {
    try {
      const p = RunProgressSchema.parse(await poll());
      const line = tty ? bar(p) : progressLine(p);
      if (line !== last) process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
    } catch {
      // The worker has not picked the run up yet, or it just finished: nothing to show this time.
    }
  };
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await tick();
      await sleep(tty ? 250 : 1000, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();
  return async () => {
    stop.abort();
    await loop;
    if (tty && last !== '') process.stderr.write('\n');
  };
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
