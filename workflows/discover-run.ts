import {
  ActivityFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { InputRef } from '../src/ingest/types.js';
import type { DiscoverInput, FileError, RunProgress, RunSummary, Stage } from '../src/run-summary.js';

/** Where a run is: stage, file groups imported, refinements done, each stage's start and end. */
export const progressQuery = defineQuery<RunProgress>('progress');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 };
/**
 * A worker that dies mid-step (kill -9, a lost machine) stops heartbeating: after `heartbeatTimeout`
 * the step is retried on another worker. Steps heartbeat every 5 s.
 */
function stepActivities(heartbeatTimeout: string): Activities {
  const standard: ActivityOptions = { startToCloseTimeout: '30 minutes', heartbeatTimeout, retry };
  return proxyActivities<Activities>(standard);
}

/** An LLM endpoint answers 429 and 5xx under load: a few spaced retries, then the deterministic template stands. */
function llmActivities(maximumAttempts: number): Activities {
  return proxyActivities<Activities>({
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts },
  });
}

/** How many file groups are imported at once: enough to overlap parsing with writes, few enough to bound memory. */
const IMPORT_CONCURRENCY = 4;

function describe(ref: InputRef): string {
  return ref.entry === undefined ? ref.path : `${ref.path}!${ref.entry}`;
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * One discovery run: ingest → extract → embed → cluster → normalize → queue. Every stage reads and
 * writes the DuckDB file named in the input; only ids, paths and counts travel through here.
 */
export async function discoverRun(scheduled: DiscoverInput): Promise<RunSummary> {
  // A scheduled run's input has no id: each one takes its workflow id (the schedule's, plus the time).
  const input = scheduled.runId ? scheduled : { ...scheduled, runId: workflowInfo().workflowId };
  const { db, runId } = input;
  const progress: RunProgress = {
    runId,
    stage: 'starting',
    importGroups: { done: 0, total: 0 },
    refined: { done: 0, total: 0 },
    stages: [],
  };
  setHandler(progressQuery, () => progress);
  // Workflow time is replay-safe: the same on every replay.
  const enter = (name: Stage): void => {
    const now = new Date().toISOString();
    const last = progress.stages.at(-1);
    if (last && last.finishedAt === null) last.finishedAt = now;
    progress.stage = name;
    progress.stages.push({ name, startedAt: now, finishedAt: null });
  };
  const stageTimes = (): RunSummary['stages'] =>
    progress.stages.map((s) => ({
      name: s.name,
      seconds: (Date.parse(s.finishedAt ?? new Date().toISOString()) - Date.parse(s.startedAt)) / 1000,
    }));
  const acts = stepActivities(input.heartbeatTimeout ?? '1 minute');
  try {
    return await run(input, acts, progress, enter, stageTimes);
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled (`pog runs cancel`): what was imported stays; the run is recorded as cancelled.
      await CancellationScope.nonCancellable(() => acts.markRunCancelled({ db, runId }));
    }
    throw err;
  }
}

async function run(
  input: DiscoverInput,
  acts: Activities,
  progress: RunProgress,
  enter: (name: Stage) => void,
  stageTimes: () => RunSummary['stages'],
): Promise<RunSummary> {
  const { db, runId } = input;
  // What shapes the mined result besides the messages: a rerun with other settings mines again.
  const settings = JSON.stringify({
    embed: input.embed ?? null,
    cluster: input.cluster,
    llm: input.llm?.model ?? null,
    minAuthors: input.queue?.minAuthors ?? 1,
    ingest: input.ingest ?? null,
  });
  await acts.startRun({ db, runId, paths: input.paths, settings });

  const listing = await acts.listInputs({ db, runId, paths: input.paths });
  const errors: FileError[] = [...listing.errors];
  const skipped: RunSummary['skipped'] = [];
  let files = 0;
  let messages = 0;
  let messagesNew = 0;

  enter('import');
  progress.importGroups.total = listing.groups.length;
  await pool(listing.groups, IMPORT_CONCURRENCY, async (refs) => {
    try {
      const group = await acts.importFiles({
        db,
        runId,
        refs,
        ...(input.ingest ? { options: input.ingest } : {}),
      });
      messagesNew += group.inserted;
      for (const r of group.files) {
        if (r.status === 'failed') errors.push({ file: r.file, reason: r.reason });
        else if (r.status === 'skipped')
          skipped.push({ file: r.file, reason: r.skippedReason ?? 'not a chat export' });
        else {
          files++;
          messages += r.messages;
          if (r.problems > 0) {
            errors.push({
              file: r.file,
              reason: `${r.problems} record(s) could not be read and were skipped; first: ${r.firstProblem ?? '?'}`,
            });
          }
        }
      }
    } catch (err) {
      // Imports that kept failing after retries (not bad input, which is reported per file above).
      for (const ref of refs) errors.push({ file: describe(ref), reason: failureReason(err) });
      log.warn('import failed after retries', { files: refs.length, reason: failureReason(err) });
    }
    progress.importGroups.done++;
  });

  const llmSummary: RunSummary['llm'] = {
    model: input.llm?.model ?? null,
    refined: 0,
    fallbacks: 0,
    promptTokens: 0,
    completionTokens: 0,
    cached: 0,
    costUsd: null,
  };
  /** Records the run as completed with these counts and each stage's time; returns its summary. */
  const finish = async (
    counts: Omit<RunSummary, 'runId' | 'files' | 'messages' | 'messagesNew' | 'errors' | 'skipped' | 'llm'>,
  ): Promise<RunSummary> => {
    const summary: RunSummary = {
      runId,
      files,
      messages,
      messagesNew,
      errors,
      skipped,
      llm: llmSummary,
      ...counts,
      stages: stageTimes(),
    };
    progress.stages.at(-1)!.finishedAt = new Date().toISOString();
    progress.stage = 'done';
    await acts.finishRun({ db, summary, status: 'completed' });
    return summary;
  };

  if (errors.length === 0 && (await acts.nothingNew({ db, runId, settings }))) {
    // Unchanged exports: what they hold is mined already, with these settings.
    return finish({
      candidates: 0,
      patterns: 0,
      newPatterns: 0,
      reused: { candidates: 0, promoted: 0 },
      queued: 0,
      heldBack: 0,
      unchanged: true,
    });
  }

  enter('extract');
  const extracted = await acts.extractCandidates({ db, runId });
  enter('embed');
  const embedded = await acts.embedCandidates({ db, runId, ...(input.embed ? { embed: input.embed } : {}) });
  enter('cluster');
  const clustered = await acts.clusterCandidates({
    db,
    runId,
    vectorPath: embedded.path,
    options: input.cluster,
  });
  enter('normalize');
  const normalized = await acts.normalizePatterns({ db, runId });

  if (input.llm !== null) {
    enter('refine');
    progress.refined.total = normalized.patternIds.length;
    const llm = llmActivities(input.llm.maxAttempts);
    await pool(normalized.patternIds, input.llm.concurrency ?? 4, async (patternId) => {
      try {
        await llm.refinePattern({ db, runId, patternId });
        llmSummary.refined++;
      } catch (err) {
        // The deterministic template is already stored: a failed or rejected refinement loses nothing.
        llmSummary.fallbacks++;
        log.warn('LLM refinement fell back to the deterministic template', {
          patternId,
          reason: failureReason(err),
        });
      }
      progress.refined.done++;
    });
  }

  if (input.llm !== null) {
    // Tokens and cost of every call, rejected answers and failed attempts included.
    Object.assign(llmSummary, await acts.llmUsage({ db, runId }));
  }

  enter('queue');
  const { queued, heldBack } = await acts.queueForTriage({
    db,
    runId,
    minAuthors: input.queue?.minAuthors ?? 1,
  });
  return finish({
    candidates: extracted.candidates,
    patterns: clustered.patterns,
    newPatterns: clustered.newPatterns,
    reused: { candidates: clustered.reused, promoted: clustered.reusedPromoted },
    queued,
    heldBack,
  });
}
