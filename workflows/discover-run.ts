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
import type { Activities, ComputeActivities, StoreActivities } from '../activities/index.js';
import type { ParsedGroup } from '../src/ingest/import-file.js';
import type { InputRef } from '../src/ingest/types.js';
import type { ComputeStage } from '../src/pipeline/stages.js';
import type { DiscoverInput, FileError, RunProgress, RunSummary, Stage } from '../src/run-summary.js';

/** Where a run is: stage, file groups imported, refinements done, each stage's start and end. */
export const progressQuery = defineQuery<RunProgress>('progress');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 };
/**
 * A worker that dies mid-step (kill -9, a lost machine) stops heartbeating: after `heartbeatTimeout`
 * the step is retried on another worker. Steps heartbeat every 5 s.
 */
function stepActivities(heartbeatTimeout: string, taskQueue?: string): Activities {
  const standard: ActivityOptions = {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout,
    retry,
    ...(taskQueue ? { taskQueue } : {}),
  };
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

/** The counts of a run that found nothing to mine. */
const UNCHANGED = {
  candidates: 0,
  patterns: 0,
  newPatterns: 0,
  reused: { candidates: 0, promoted: 0 },
  queued: 0,
  heldBack: 0,
  unchanged: true,
} as const;

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
 * One discovery run: ingest → extract → embed → cluster → normalize → queue. The CPU work of each stage
 * runs on the compute queue (any number of workers); reading and writing the DuckDB file named in the
 * input runs on the run's own queue, served by the worker that holds it; stages hand their data over
 * as files in the run's folder. Only ids, paths and counts travel through here.
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
  const compute = stepActivities(input.heartbeatTimeout ?? '1 minute', input.computeQueue);
  try {
    return await run(input, acts, compute, progress, enter, stageTimes);
  } catch (err) {
    if (isCancellation(err)) {
      // Cancelled (`pog runs cancel`): what was imported stays; the run is recorded as cancelled.
      await CancellationScope.nonCancellable(() => acts.markRunCancelled({ db, runId }));
    } else {
      // A failed run is not resumed (a new run starts over): its handoff files would only take space.
      await acts.discardRunFiles({ db, runId }).catch(() => undefined);
    }
    throw err;
  }
}

async function run(
  input: DiscoverInput,
  acts: StoreActivities,
  compute: ComputeActivities,
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

  const listing = await acts.listInputs({
    db,
    runId,
    paths: input.paths,
    ...(input.groupBytes ? { groupBytes: input.groupBytes } : {}),
  });
  const errors: FileError[] = [...listing.errors];
  const skipped: RunSummary['skipped'] = [];
  let files = 0;
  let messages = 0;
  let messagesNew = 0;

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
    // The fingerprint of exports that all imported cleanly lets a later run skip reading them.
    const fingerprint = errors.length === 0 ? listing.fingerprint : null;
    await acts.finishRun({ db, summary, status: 'completed', fingerprint });
    return summary;
  };

  enter('import');
  if (errors.length === 0 && listing.fingerprint !== null) {
    const previous = await acts.unchangedSince({ db, settings, fingerprint: listing.fingerprint });
    if (previous !== null) {
      // The exports are as a completed run with these settings read them: nothing to read or mine.
      files = previous.files;
      messages = previous.messages;
      skipped.push(...previous.skipped);
      return finish(UNCHANGED);
    }
  }
  progress.importGroups.total = listing.groups.length;
  await pool(listing.groups, IMPORT_CONCURRENCY, async (refs) => {
    let parsed: ParsedGroup | undefined;
    let failure: unknown;
    let inserted = 0;
    // The store follows the parse, writing each part as it comes: the writes overlap the parsing.
    const following = new CancellationScope();
    const storing = following.run(() => acts.storeGroup({ db, runId, refs, follow: true }));
    try {
      parsed = await compute.parseGroup({
        db,
        runId,
        refs,
        ...(input.ingest ? { options: input.ingest } : {}),
      });
    } catch (err) {
      failure = err;
      following.cancel();
    }
    try {
      inserted = await storing;
    } catch (err) {
      if (!isCancellation(err)) failure ??= err;
    }
    if (failure !== undefined) {
      try {
        // What the parse read before it failed is stored all the same: it is not lost.
        inserted += await acts.storeGroup({ db, runId, refs });
      } catch {
        // reported with the group's failure below
      }
    }
    messagesNew += inserted;
    if (failure !== undefined || parsed === undefined) {
      // Imports that kept failing after retries (not bad input, which is reported per file below).
      for (const ref of refs) errors.push({ file: describe(ref), reason: failureReason(failure) });
      log.warn('import failed after retries', { files: refs.length, reason: failureReason(failure) });
    } else {
      for (const r of parsed.files) {
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
    }
    progress.importGroups.done++;
  });

  if (errors.length === 0 && (await acts.nothingNew({ db, runId, settings }))) {
    // Unchanged messages: what they hold is mined already, with these settings.
    return finish(UNCHANGED);
  }

  /** Prepare where the database is, compute on the compute queue; the caller commits. */
  const prepared = async (stage: ComputeStage): Promise<void> => {
    await acts.prepareStage({ db, runId, stage });
    await compute.computeStage({ db, runId, stage });
  };
  enter('extract');
  await prepared({ name: 'extract' });
  const extracted = await acts.commitExtract({ db, runId });
  enter('embed');
  await prepared({ name: 'embed', ...(input.embed ? { embed: input.embed } : {}) });
  const embedded = await acts.commitEmbed({ db, runId });
  enter('cluster');
  await prepared({ name: 'cluster', vectorPath: embedded.path, options: input.cluster });
  const clustered = await acts.commitCluster({ db, runId });
  enter('normalize');
  await prepared({ name: 'normalize' });
  const normalized = await acts.commitNormalize({ db, runId });

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
