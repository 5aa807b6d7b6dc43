import { z } from 'zod';
import type { IngestOptions } from './ingest/types.js';

export const FileErrorSchema = z.object({
  file: z.string(),
  /** Where in the file, when only part of it was bad ("line 3"). */
  position: z.string().optional(),
  reason: z.string(),
});
export type FileError = z.infer<typeof FileErrorSchema>;

export const STAGES = ['import', 'extract', 'embed', 'cluster', 'normalize', 'refine', 'queue'] as const;
export type Stage = (typeof STAGES)[number];

export const StageTimeSchema = z.object({ name: z.enum(STAGES), seconds: z.number().nonnegative() });

/** What the run workflow's `progress` query answers while it runs. */
export const RunProgressSchema = z.object({
  runId: z.string(),
  /** The stage running now; `done` at the end. */
  stage: z.enum([...STAGES, 'starting', 'done']),
  /** File groups imported so far, of all. */
  importGroups: z.object({ done: z.number().int(), total: z.number().int() }),
  /** LLM refinements finished, of those to do. */
  refined: z.object({ done: z.number().int(), total: z.number().int() }),
  stages: z.array(
    z.object({ name: z.enum(STAGES), startedAt: z.string(), finishedAt: z.string().nullable() }),
  ),
});
export type RunProgress = z.infer<typeof RunProgressSchema>;

/** What `pog discover --json` prints and what the run workflow returns. */
export const RunSummarySchema = z.object({
  runId: z.string(),
  /** Files imported, wholly or in part. */
  files: z.number().int().nonnegative(),
  /** User messages read from the files (whether or not stored before). */
  messages: z.number().int().nonnegative(),
  /** Of those, how many were new to the database. */
  messagesNew: z.number().int().nonnegative(),
  candidates: z.number().int().nonnegative(),
  /** Patterns the run found or added to. */
  patterns: z.number().int().nonnegative(),
  /** Of those, patterns no earlier run had found. */
  newPatterns: z.number().int().nonnegative(),
  /**
   * This run's candidates that joined a pattern an earlier run had found (a known prompt used again),
   * and of those, how many joined one that reviewers promoted into the library.
   */
  reused: z.object({
    candidates: z.number().int().nonnegative(),
    promoted: z.number().int().nonnegative(),
  }),
  /** Triage items this run added (patterns seen by an earlier run are not queued twice). */
  queued: z.number().int().nonnegative(),
  /** Patterns of this run kept from reviewers: fewer distinct authors than the policy asks for. */
  heldBack: z.number().int().nonnegative(),
  errors: z.array(FileErrorSchema),
  /** Files found in a folder or archive that are not chat exports (user.json, chat.html…). */
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  llm: z.object({
    model: z.string().nullable(),
    refined: z.number().int().nonnegative(),
    fallbacks: z.number().int().nonnegative(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
    /** Patterns whose answer came from the cache (no request, no tokens). */
    cached: z.number().int().nonnegative(),
    /** US dollars spent on accepted answers (rejected ones are in `llm_calls`); null when the price is unknown. */
    costUsd: z.number().nonnegative().nullable(),
  }),
  /** True when every message was mined before with the same settings: the run stopped after its import. */
  unchanged: z.boolean().optional(),
  /** Each stage's wall time, in order (absent in summaries of runs from before it was recorded). */
  stages: z.array(StageTimeSchema).optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** The workflow's input: ids and paths only, never message bodies or vectors. */
export interface DiscoverInput {
  /** Empty in a schedule's input: each scheduled run takes its workflow id. */
  runId: string;
  /** Absolute path of the DuckDB file; workers must see the same path. */
  db: string;
  /** Absolute paths of the exports, files or folders or archives. */
  paths: string[];
  cluster: { minPatternSize: number; similarity?: number | undefined; seed: number };
  /** Options for the importers (a CSV column mapping, what the privacy policy keeps…). */
  ingest?: IngestOptions;
  /** Which embedder the run uses; absent: TF-IDF. */
  embed?: { model: 'tfidf' | 'use-lite' | 'openai'; openaiModel: string };
  /** Who reaches reviewers; absent: every pattern (runs started by older clients). */
  queue?: { minAuthors: number };
  /** How soon a step whose worker died is retried elsewhere (a Temporal duration; default 1 minute). */
  heartbeatTimeout?: string;
  /**
   * The task queue of the CPU work (parsing, extraction, embedding, clustering, normalization), which
   * any number of compute workers serve; absent: the run's own queue. The steps that read and write the
   * database stay on the run's queue, served by the worker that holds the file.
   */
  computeQueue?: string;
  /**
   * Files at least this large are imported alone, smaller ones together up to this size (default
   * 32 MB). Smaller groups spread an import of many files over more compute workers.
   */
  groupBytes?: number;
  /** LLM refinement, when an endpoint is configured; null for the deterministic path only. */
  llm: { model: string; maxAttempts: number; concurrency?: number } | null;
}
