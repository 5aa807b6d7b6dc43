import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import {
  approvedItemIds,
  markPromoted,
  writeAndCommit,
  type PromotedFile,
} from '../src/promote/promote-run.js';
import {
  commitCluster,
  computeCluster,
  prepareCluster,
  type ClusterSummary,
} from '../src/cluster/cluster-run.js';
import type { Config } from '../src/config/config.js';
import {
  cacheModel,
  commitEmbed,
  computeEmbed,
  prepareEmbed,
  type EmbedSummary,
} from '../src/embed/embed-run.js';
import { embedderFor } from '../src/embed/embedders.js';
import { InputError, PogError } from '../src/errors.js';
import {
  commitExtract,
  computeExtract,
  prepareExtract,
  type ExtractSummary,
} from '../src/extract/extract-run.js';
import { groupDir, parseGroup, type ParsedGroup } from '../src/ingest/import-file.js';
import { storeParts } from '../src/ingest/parsed-parts.js';
import { DEFAULT_GROUP_LIMITS, groupRefs } from '../src/ingest/group.js';
import { expandInputs } from '../src/ingest/sources.js';
import type { IngestOptions, InputRef } from '../src/ingest/types.js';
import {
  LlmOutputRejected,
  refinePatternWithLlm,
  runLlmUsage,
  type LlmUsage,
  type RefineResult,
} from '../src/normalize/llm.js';
import {
  commitNormalize,
  computeNormalize,
  prepareNormalize,
  type NormalizeSummary,
} from '../src/normalize/normalize-run.js';
import { removeRunDir } from '../src/pipeline/run-dir.js';
import type { ComputeStage } from '../src/pipeline/stages.js';
import { queueRun } from '../src/queue/queue-run.js';
import type { RunSummary } from '../src/run-summary.js';
import {
  finishRun,
  markRunCancelled,
  nothingNew,
  recordImportErrors,
  startRun,
  unchangedSince,
} from '../src/store/runs.js';
import { inputFingerprint } from '../src/ingest/fingerprint.js';

/*
 * Thin wrappers over src/: they translate errors into Temporal's terms (bad input and rejected
 * LLM answers are non-retryable; everything else is retried) and heartbeat on long work.
 */

/** Error types of non-retryable failures; the message is what users read. */
const FAILURE_TYPES = { input: 'InputError', llmRejected: 'LlmOutputRejected' } as const;

function translate(err: unknown): unknown {
  if (err instanceof InputError) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.input,
      message: err.message,
      nonRetryable: true,
      details: err.position ? [err.position] : [],
    });
  }
  if (err instanceof LlmOutputRejected) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.llmRejected,
      message: err.message,
      nonRetryable: true,
    });
  }
  if (err instanceof PogError && err.code !== 'DB_BUSY') {
    return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
  }
  return err;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  // Long stages heartbeat from a timer so a stuck worker is noticed while a healthy one is never cut off.
  const timer = setInterval(() => heartbeat(), 5_000);
  try {
    return await fn();
  } catch (err) {
    throw translate(err);
  } finally {
    clearInterval(timer);
  }
}

/** CPU work: reads and writes files in the run's folder only, never the database. Any number of compute workers serve these. */
export function createComputeActivities(config: Pick<Config, 'llm'>) {
  return {
    async parseGroup(input: {
      db: string;
      runId: string;
      refs: InputRef[];
      options?: IngestOptions;
    }): Promise<ParsedGroup> {
      return guard(() =>
        parseGroup(groupDir(input.db, input.runId, input.refs), input.refs, input.options ?? {}, (messages) =>
          heartbeat({ messages }),
        ),
      );
    },

    async computeStage(input: { db: string; runId: string; stage: ComputeStage }): Promise<void> {
      const { db, runId, stage } = input;
      return guard(async () => {
        switch (stage.name) {
          case 'extract':
            return computeExtract(db, runId);
          case 'embed':
            return computeEmbed(db, runId, await embedderFor(stage.embed, config.llm), () => heartbeat());
          case 'cluster':
            return computeCluster(db, runId, stage.vectorPath, stage.options);
          case 'normalize':
            return computeNormalize(db, runId);
        }
      });
    },
  };
}

/** Work on the database: served only by the worker that holds the file (the run's own task queue). */
export function createStoreActivities(config: Pick<Config, 'llm'>) {
  return {
    async startRun(input: { db: string; runId: string; paths: string[]; settings?: string }): Promise<void> {
      return guard(() => startRun(input.db, input.runId, input.paths, input.settings ?? null));
    },

    async unchangedSince(input: { db: string; settings: string; fingerprint: string }) {
      return guard(() => unchangedSince(input.db, input.settings, input.fingerprint));
    },

    async nothingNew(input: { db: string; runId: string; settings: string }): Promise<boolean> {
      return guard(() => nothingNew(input.db, input.runId, input.settings));
    },

    async listInputs(input: { db: string; runId: string; paths: string[]; groupBytes?: number }): Promise<{
      groups: InputRef[][];
      errors: { file: string; reason: string }[];
      /** What the exports are now (src/ingest/fingerprint.ts); null when it could not be taken. */
      fingerprint: string | null;
    }> {
      return guard(async () => {
        const { refs, problems } = await expandInputs(input.paths);
        await recordImportErrors(input.db, input.runId, problems);
        const limits = input.groupBytes
          ? { ...DEFAULT_GROUP_LIMITS, maxBytes: input.groupBytes }
          : DEFAULT_GROUP_LIMITS;
        // A file that vanished since the listing is the import's to report.
        const fingerprint = await inputFingerprint(refs).catch(() => null);
        return { groups: groupRefs(refs, limits), errors: problems, fingerprint };
      });
    },

    /**
     * Stores a group's parsed parts. `follow`: started with the parse, it stores each part as it is
     * written until the parse marks its end (the writes overlap the parsing), or until cancelled.
     */
    async storeGroup(input: {
      db: string;
      runId: string;
      refs: InputRef[];
      follow?: boolean;
    }): Promise<number> {
      const dir = groupDir(input.db, input.runId, input.refs);
      const { cancellationSignal } = Context.current();
      return guard(() =>
        storeParts(
          input.db,
          input.runId,
          dir,
          input.follow ? { follow: { signal: cancellationSignal } } : {},
        ),
      );
    },

    async prepareStage(input: { db: string; runId: string; stage: ComputeStage }): Promise<void> {
      const { db, runId, stage } = input;
      return guard(async () => {
        switch (stage.name) {
          case 'extract':
            return prepareExtract(db, runId);
          case 'embed':
            return prepareEmbed(db, runId, cacheModel(stage.embed));
          case 'cluster':
            return prepareCluster(db, runId, stage.vectorPath);
          case 'normalize':
            return prepareNormalize(db, runId);
        }
      });
    },

    async commitExtract(input: { db: string; runId: string }): Promise<ExtractSummary> {
      return guard(() => commitExtract(input.db, input.runId));
    },

    async commitEmbed(input: { db: string; runId: string }): Promise<EmbedSummary> {
      return guard(() => commitEmbed(input.db, input.runId));
    },

    async commitCluster(input: { db: string; runId: string }): Promise<ClusterSummary> {
      return guard(() => commitCluster(input.db, input.runId));
    },

    async commitNormalize(input: { db: string; runId: string }): Promise<NormalizeSummary> {
      return guard(() => commitNormalize(input.db, input.runId));
    },

    async refinePattern(input: { db: string; runId: string; patternId: string }): Promise<RefineResult> {
      Context.current().log.info('refining pattern with LLM', { patternId: input.patternId });
      return guard(() => refinePatternWithLlm(input.db, input.runId, input.patternId, config.llm));
    },

    async llmUsage(input: { db: string; runId: string }): Promise<LlmUsage> {
      return guard(() => runLlmUsage(input.db, input.runId));
    },

    async queueForTriage(input: {
      db: string;
      runId: string;
      minAuthors: number;
    }): Promise<{ queued: number; heldBack: number }> {
      return guard(() => queueRun(input.db, input.runId, input.minAuthors));
    },

    async approvedItems(input: { db: string }): Promise<string[]> {
      return guard(() => approvedItemIds(input.db));
    },

    async promoteToGit(input: {
      db: string;
      repo: string;
      itemIds: string[];
      promotionId: string;
      promotedAt: string;
    }): Promise<{ commit: string; files: PromotedFile[] }> {
      return guard(() =>
        writeAndCommit(input.db, input.repo, input.itemIds, input.promotionId, input.promotedAt),
      );
    },

    async markPromoted(input: {
      db: string;
      itemIds: string[];
      commit: string;
      promoter: string;
      promotedAt: string;
    }): Promise<number> {
      return guard(() =>
        markPromoted(input.db, input.itemIds, input.commit, input.promoter, input.promotedAt),
      );
    },

    async discardRunFiles(input: { db: string; runId: string }): Promise<void> {
      return guard(() => removeRunDir(input.db, input.runId));
    },

    async markRunCancelled(input: { db: string; runId: string }): Promise<void> {
      return guard(async () => {
        await markRunCancelled(input.db, input.runId);
        await removeRunDir(input.db, input.runId);
      });
    },

    async finishRun(input: {
      db: string;
      summary: RunSummary;
      status: 'completed' | 'failed';
      /** The exports' fingerprint, recorded for a later run to find them unchanged. */
      fingerprint?: string | null;
    }): Promise<void> {
      return guard(async () => {
        await finishRun(input.db, input.summary, input.status, input.fingerprint ?? null);
        // What the stages handed each other (parsed parts, vectors) is of no further use.
        await removeRunDir(input.db, input.summary.runId);
      });
    },
  };
}

/** Both sets, for a worker that serves the run's queue alone. */
export function createActivities(config: Pick<Config, 'llm'>) {
  return { ...createComputeActivities(config), ...createStoreActivities(config) };
}

export type ComputeActivities = ReturnType<typeof createComputeActivities>;
export type StoreActivities = ReturnType<typeof createStoreActivities>;
export type Activities = ComputeActivities & StoreActivities;
