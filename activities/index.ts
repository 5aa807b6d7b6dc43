import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import {
  approvedItemIds,
  markPromoted,
  writeAndCommit,
  type PromotedFile,
} from '../src/promote/promote-run.js';
import { clusterRun, type ClusterRunOptions, type ClusterSummary } from '../src/cluster/cluster-run.js';
import type { Config } from '../src/config/config.js';
import { embedRun, type EmbedSummary } from '../src/embed/embed-run.js';
import { embedderFor } from '../src/embed/embedders.js';
import { InputError, PogError } from '../src/errors.js';
import { extractRun, type ExtractSummary } from '../src/extract/extract-run.js';
import { importFiles, type GroupResult } from '../src/ingest/import-file.js';
import { groupRefs } from '../src/ingest/group.js';
import { expandInputs } from '../src/ingest/sources.js';
import type { IngestOptions, InputRef } from '../src/ingest/types.js';
import {
  LlmOutputRejected,
  refinePatternWithLlm,
  runLlmUsage,
  type LlmUsage,
  type RefineResult,
} from '../src/normalize/llm.js';
import { normalizeRun, type NormalizeSummary } from '../src/normalize/normalize-run.js';
import { queueRun } from '../src/queue/queue-run.js';
import type { DiscoverInput, RunSummary } from '../src/run-summary.js';
import { finishRun, markRunCancelled, nothingNew, recordImportErrors, startRun } from '../src/store/runs.js';

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

export function createActivities(config: Pick<Config, 'llm'>) {
  return {
    async startRun(input: { db: string; runId: string; paths: string[]; settings?: string }): Promise<void> {
      return guard(() => startRun(input.db, input.runId, input.paths, input.settings ?? null));
    },

    async nothingNew(input: { db: string; runId: string; settings: string }): Promise<boolean> {
      return guard(() => nothingNew(input.db, input.runId, input.settings));
    },

    async listInputs(input: {
      db: string;
      runId: string;
      paths: string[];
    }): Promise<{ groups: InputRef[][]; errors: { file: string; reason: string }[] }> {
      return guard(async () => {
        const { refs, problems } = await expandInputs(input.paths);
        await recordImportErrors(input.db, input.runId, problems);
        return { groups: groupRefs(refs), errors: problems };
      });
    },

    async importFiles(input: {
      db: string;
      runId: string;
      refs: InputRef[];
      options?: IngestOptions;
    }): Promise<GroupResult> {
      return guard(() =>
        importFiles(input.db, input.runId, input.refs, input.options ?? {}, (messages) =>
          heartbeat({ messages }),
        ),
      );
    },

    async extractCandidates(input: { db: string; runId: string }): Promise<ExtractSummary> {
      return guard(() => extractRun(input.db, input.runId));
    },

    async embedCandidates(input: {
      db: string;
      runId: string;
      embed?: DiscoverInput['embed'];
    }): Promise<EmbedSummary> {
      return guard(async () => {
        const embedder = await embedderFor(input.embed, config.llm);
        return embedRun(input.db, input.runId, embedder, () => heartbeat());
      });
    },

    async clusterCandidates(input: {
      db: string;
      runId: string;
      vectorPath: string;
      options: ClusterRunOptions;
    }): Promise<ClusterSummary> {
      return guard(() => clusterRun(input.db, input.runId, input.vectorPath, input.options));
    },

    async normalizePatterns(input: { db: string; runId: string }): Promise<NormalizeSummary> {
      return guard(() => normalizeRun(input.db, input.runId));
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

    async markRunCancelled(input: { db: string; runId: string }): Promise<void> {
      return guard(() => markRunCancelled(input.db, input.runId));
    },

    async finishRun(input: {
      db: string;
      summary: RunSummary;
      status: 'completed' | 'failed';
    }): Promise<void> {
      return guard(() => finishRun(input.db, input.summary, input.status));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
