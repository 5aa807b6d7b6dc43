import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const TemporalConfig = z.object({
  /** A real cluster's frontend (host:port). Unset: pog runs its own embedded dev server. */
  address: z.string().min(1).optional(),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('pog-discovery'),
  /** The compute task queue (parsing, embedding, clustering…); absent: `<taskQueue>-compute`. */
  computeTaskQueue: z.string().min(1).optional(),
  /** Compute steps a worker runs at once; absent: one a core (at least 2). */
  computeConcurrency: z.number().int().min(1).max(256).optional(),
  /** Port of the embedded dev server, and of "the default local address" probed before starting one. */
  embeddedPort: z.number().int().min(1).max(65535).default(7233),
  /** Path to the `temporal` CLI; otherwise PATH, then the SDK's download. */
  cliPath: z.string().min(1).optional(),
});

const LlmConfig = z.object({
  apiKey: z.string().min(1).optional(),
  baseURL: z.string().url().optional(),
  model: z.string().min(1).default('gpt-4o-mini'),
  timeoutMs: z.number().int().positive().default(60_000),
  /** Attempts per pattern (429, 5xx, timeouts) before the deterministic template stands. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  /** Patterns refined at once: an endpoint's rate limit is the usual bound. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /**
   * US dollars per million prompt and completion tokens, for the cost recorded per call and run.
   * Absent: the list price of a known OpenAI model (src/normalize/llm-cost.ts), else no cost.
   */
  pricing: z
    .object({ promptPerMillion: z.number().nonnegative(), completionPerMillion: z.number().nonnegative() })
    .optional(),
});

const ClusterConfig = z.object({
  /** Patterns smaller than this stay unclustered candidates. */
  minPatternSize: z.number().int().min(2).default(2),
  /**
   * A prompt joins a pattern when its mean cosine similarity to the pattern's members is at least this.
   * Absent: the default of the clustering space (0.55 for TF-IDF, 0.7 for a sentence embedder beside
   * TF-IDF; src/cluster/space.ts says how they were chosen).
   */
  similarity: z.number().min(0).max(1).optional(),
  seed: z.number().int().default(42),
});

const EmbedConfig = z.object({
  /**
   * `tfidf` (lexical, fast), `use-lite` (the sentence encoder shipped in the npm package, offline) or
   * `openai` (any OpenAI-compatible /v1/embeddings at llm.baseURL); a sentence embedder's vectors are
   * clustered beside TF-IDF (src/cluster/space.ts). use-lite is the default: it finds paraphrases TF-IDF
   * cannot (templated set ARI 0.951 against 0.937), at a price: 100 k prompts take about 18 minutes
   * on 2 cores where `tfidf` takes 2.5 (BENCHMARKS.md, bench:cluster).
   */
  model: z.enum(['tfidf', 'use-lite', 'openai']).default('use-lite'),
  /** The model asked of an OpenAI-compatible endpoint. */
  openaiModel: z.string().min(1).default('text-embedding-3-small'),
});

const PrivacyConfig = z.object({
  /** Store each message's text as written, before redaction, beside the redacted text. */
  keepRawText: z.boolean().default(false),
  /** Store authors' display names; otherwise only a pseudonymous id is kept. */
  keepAuthorNames: z.boolean().default(false),
  /** Distinct authors a pattern needs before it reaches reviewers (see the README for why 2). */
  minAuthors: z.number().int().min(1).default(2),
});

const TriageConfig = z.object({
  /** Who the CLI and the web page act as when no --reviewer is given (POG_REVIEWER). */
  reviewer: z.string().trim().min(1).max(100).optional(),
  /** How long a claim keeps other reviewers off an item. */
  claimMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
});

export const ConfigSchema = z.object({
  db: z.string().min(1).default('data/pog.duckdb'),
  temporal: TemporalConfig.default(TemporalConfig.parse({})),
  llm: LlmConfig.default(LlmConfig.parse({})),
  cluster: ClusterConfig.default(ClusterConfig.parse({})),
  privacy: PrivacyConfig.default(PrivacyConfig.parse({})),
  embed: EmbedConfig.default(EmbedConfig.parse({})),
  triage: TriageConfig.default(TriageConfig.parse({})),
});
export type Config = z.infer<typeof ConfigSchema>;

type Env = Record<string, string | undefined>;

function envOverrides(env: Env): Record<string, unknown> {
  const int = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new ConfigError(`${name} must be an integer, got "${v}"`);
    return n;
  };
  const str = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);
  const bool = (v: string | undefined, name: string): boolean | undefined => {
    if (v === undefined || v === '') return undefined;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    throw new ConfigError(`${name} must be true or false, got "${v}"`);
  };
  return {
    db: str(env.POG_DB),
    temporal: {
      address: str(env.TEMPORAL_ADDRESS),
      namespace: str(env.TEMPORAL_NAMESPACE),
      taskQueue: str(env.POG_TASK_QUEUE),
      computeTaskQueue: str(env.POG_COMPUTE_TASK_QUEUE),
      computeConcurrency: int(env.POG_COMPUTE_CONCURRENCY, 'POG_COMPUTE_CONCURRENCY'),
      embeddedPort: int(env.POG_TEMPORAL_PORT, 'POG_TEMPORAL_PORT'),
      cliPath: str(env.TEMPORAL_CLI_PATH),
    },
    llm: {
      apiKey: str(env.OPENAI_API_KEY),
      baseURL: str(env.OPENAI_BASE_URL),
      model: str(env.POG_LLM_MODEL),
      concurrency: int(env.POG_LLM_CONCURRENCY, 'POG_LLM_CONCURRENCY'),
    },
    embed: { model: str(env.POG_EMBEDDER), openaiModel: str(env.POG_EMBEDDING_MODEL) },
    triage: {
      reviewer: str(env.POG_REVIEWER),
      claimMinutes: int(env.POG_CLAIM_MINUTES, 'POG_CLAIM_MINUTES'),
    },
    privacy: {
      keepRawText: bool(env.POG_KEEP_RAW_TEXT, 'POG_KEEP_RAW_TEXT'),
      keepAuthorNames: bool(env.POG_KEEP_AUTHOR_NAMES, 'POG_KEEP_AUTHOR_NAMES'),
      minAuthors: int(env.POG_MIN_AUTHORS, 'POG_MIN_AUTHORS'),
    },
  };
}

/** Deep merge where `undefined` never overrides. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Configuration, lowest to highest precedence: defaults, `pog.config.json` (or $POG_CONFIG),
 * environment variables, then explicit overrides (CLI flags).
 */
export function loadConfig(
  overrides: Record<string, unknown> = {},
  env: Env = process.env,
  cwd: string = process.cwd(),
): Config {
  const explicit = env.POG_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'pog.config.json');
  if (explicit && !existsSync(file))
    throw new ConfigError(`POG_CONFIG points to ${file}, which does not exist`);
  const fromFile = existsSync(file) ? readConfigFile(file) : {};
  const merged = merge(merge(fromFile, envOverrides(env)), overrides);
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  return { ...result.data, db: resolve(cwd, result.data.db) };
}

/** Whether LLM-assisted steps are on: any OpenAI-compatible endpoint or key turns them on. */
export function llmEnabled(config: Config): boolean {
  return config.llm.apiKey !== undefined || config.llm.baseURL !== undefined;
}

/** The task queue of a run's CPU work, which any number of compute workers serve. */
export function computeQueueOf(temporal: Pick<Config['temporal'], 'taskQueue' | 'computeTaskQueue'>): string {
  return temporal.computeTaskQueue ?? `${temporal.taskQueue}-compute`;
}
