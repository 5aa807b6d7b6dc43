import type { DuckDBConnection } from '@duckdb/node-api';
import OpenAI from 'openai';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { PogError } from '../errors.js';
import { queryRows, withDb, withTransaction } from '../store/db.js';
import { sha256Hex } from '../util/hash.js';
import { buildCanonical } from './canonical.js';
import { costUsd } from './llm-cost.js';
import { SdlcPhaseSchema } from './metadata.js';
import { patternFacts, patternMembers, storeCanonical } from './normalize-run.js';
import { matchTemplate, SLOT_PATTERN, slotNames } from './template-text.js';

/** What the model must answer with; anything else is rejected and the deterministic template kept. */
export const LlmTemplateSchema = z.object({
  title: z.string().min(1).max(120),
  template: z.string().min(1),
  variables: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'variable names are snake_case'),
        description: z.string(),
        required: z.boolean().optional(),
      }),
    )
    .max(20),
  /** Optional: where the model says nothing, the offline classifier's answer stands. */
  intent: z.string().min(1).max(500).optional(),
  phase: SdlcPhaseSchema.optional(),
  tags: z.array(z.string().min(1).max(40)).max(8).optional(),
});
export type LlmTemplate = z.infer<typeof LlmTemplateSchema>;

/** Part of the cache key: a change to the prompt or the answer's schema must not reuse old answers. */
export const PROMPT_VERSION = 'normalize-v2';

/** The model's answer did not pass validation: retrying the same call would not help. */
export class LlmOutputRejected extends PogError {
  constructor(reason: string) {
    super('LLM_OUTPUT_REJECTED', `The LLM's template was rejected: ${reason}`);
    this.name = 'LlmOutputRejected';
  }
}

const SYSTEM = `You turn a cluster of similar prompts that people typed into AI chats into ONE reusable prompt template.
Rules:
- Keep the wording the members share; replace what differs between members with {{snake_case}} slots.
- Name slots after what they hold (language, code, purpose, audience, file_path...).
- Add nothing that is specific to one member.
- Every member must be an instance of the template when its slots are filled.
Answer with a JSON object: {"title": short title, "template": the template text, "variables": [{"name", "description", "required"}] declaring every slot the template uses, "intent": one sentence on what the prompt asks, "phase": one of requirements, design, development, testing, deployment, maintenance, other, "tags": up to 5 short lowercase tags}.`;

export function buildMessages(
  template: string,
  members: readonly string[],
): OpenAI.ChatCompletionMessageParam[] {
  const shown = members.slice(0, 5).map((m, i) => `--- member ${i + 1} ---\n${m.slice(0, 2000)}`);
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Induced template:\n${template}\n\nMembers:\n${shown.join('\n')}` },
  ];
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;
const wordsOf = (text: string): Set<string> =>
  new Set([...text.replace(SLOT_PATTERN, ' ').toLowerCase().matchAll(WORD)].map((m) => m[0]));

/**
 * Literal words of the model's template that the induced template lacks and exactly one member has:
 * a detail of that member (a name, a product, a value) written into everyone's template.
 */
function wordsOfOneMember(template: string, induced: string, members: readonly string[]): string[] {
  if (members.length < 2) return [];
  const known = wordsOf(induced);
  const memberWords = members.map(wordsOf);
  return [...wordsOf(template)].filter(
    (w) => !known.has(w) && memberWords.filter((words) => words.has(w)).length === 1,
  );
}

/** Checks the model's answer against the members; returns why it is unacceptable, or null. */
export function reviewLlmTemplate(
  answer: LlmTemplate,
  members: readonly string[],
  minCoverage: number,
  induced = '',
): string | null {
  const used = slotNames(answer.template);
  const declared = answer.variables.map((v) => v.name);
  const undeclared = used.filter((n) => !declared.includes(n));
  if (undeclared.length > 0) return `slots used but not declared: ${undeclared.join(', ')}`;
  const unused = declared.filter((n) => !used.includes(n));
  if (unused.length > 0) return `variables declared but not used: ${unused.join(', ')}`;
  const specific = wordsOfOneMember(answer.template, induced, members);
  if (specific.length > 0) return `it adds words only one member has: ${specific.slice(0, 5).join(', ')}`;
  const covered = members.filter((m) => matchTemplate(answer.template, m) !== null).length;
  const coverage = members.length === 0 ? 0 : covered / members.length;
  if (coverage < minCoverage) {
    return `it reproduces ${covered} of ${members.length} members (coverage ${coverage.toFixed(2)} < ${minCoverage.toFixed(2)})`;
  }
  return null;
}

export interface RefineResult {
  patternId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** The answer came from the cache: no request was sent and no tokens were spent. */
  cached: boolean;
  /** US dollars this call cost; null when the model's price is unknown. */
  costUsd: number | null;
}

export function llmClient(llm: Config['llm']): OpenAI {
  // Temporal owns retries (with backoff, visible in history), so the SDK must not retry on its own.
  return new OpenAI({
    apiKey: llm.apiKey ?? 'not-needed',
    ...(llm.baseURL ? { baseURL: llm.baseURL } : {}),
    maxRetries: 0,
    timeout: llm.timeoutMs,
  });
}

interface Answer {
  content: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cached: boolean;
}

interface CallRecord {
  runId: string;
  patternId: string;
  model: string;
  cached: boolean;
  outcome: 'accepted' | 'rejected' | 'error';
  reason: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
}

async function recordCall(conn: DuckDBConnection, call: CallRecord): Promise<void> {
  await conn.run(
    `INSERT INTO llm_calls (run_id, pattern_id, model, prompt_version, cached, outcome, reason, prompt_tokens,
       completion_tokens, cost_usd, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
    [
      call.runId,
      call.patternId,
      call.model,
      PROMPT_VERSION,
      call.cached,
      call.outcome,
      call.reason,
      call.promptTokens,
      call.completionTokens,
      call.costUsd,
    ] as never,
  );
}

/** The cache key: what the model is shown, the model, and the prompt's version. */
export function llmCacheKey(model: string, template: string, members: readonly string[]): string {
  return sha256Hex(JSON.stringify({ v: PROMPT_VERSION, model, template, members }));
}

/**
 * Asks an OpenAI-compatible endpoint to improve a pattern's deterministic template, or takes the answer
 * it gave before for the same members, template, model and prompt version. The answer is kept only if
 * it is valid, adds nothing specific to one member and still covers the members at least as well as the
 * induced template. Transport errors (429, 5xx, timeouts) are thrown as they are, for the caller to
 * retry. Every call is recorded in `llm_calls`, with its tokens and cost.
 */
export async function refinePatternWithLlm(
  db: string,
  runId: string,
  patternId: string,
  llm: Config['llm'],
): Promise<RefineResult> {
  const { facts, members } = await withDb(db, 'read', async (conn) => {
    const [facts] = await patternFacts(conn, { patternId });
    if (!facts) throw new PogError('NO_PATTERN', `No pattern ${patternId}`);
    return { facts, members: await patternMembers(conn, patternId) };
  });
  const induced = facts.inducedTemplate ?? facts.template;
  const key = llmCacheKey(llm.model, induced, members);
  const record = (call: Omit<CallRecord, 'runId' | 'patternId'>): Promise<void> =>
    withTransaction(db, (conn) => recordCall(conn, { runId, patternId, ...call }));

  let answer: Answer;
  const [hit] = await withDb(db, 'read', (conn) =>
    queryRows(conn, 'SELECT answer, model FROM llm_cache WHERE key = $1', [key]),
  );
  if (hit) {
    answer = {
      content: String(hit.answer),
      model: String(hit.model),
      promptTokens: 0,
      completionTokens: 0,
      cached: true,
    };
  } else {
    let response: OpenAI.ChatCompletion;
    try {
      response = await llmClient(llm).chat.completions.create({
        model: llm.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: buildMessages(induced, members),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await record({
        model: llm.model,
        cached: false,
        outcome: 'error',
        reason,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: null,
      });
      throw err;
    }
    answer = {
      content: response.choices[0]?.message.content ?? '',
      model: response.model || llm.model,
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
      cached: false,
    };
    // Rejected answers are cached too: at temperature 0 asking again would buy the same answer.
    await withTransaction(db, (conn) =>
      conn.run(
        `INSERT INTO llm_cache (key, model, prompt_version, answer, prompt_tokens, completion_tokens, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (key) DO NOTHING`,
        [key, answer.model, PROMPT_VERSION, answer.content, answer.promptTokens, answer.completionTokens],
      ),
    );
  }
  const usage = {
    model: answer.model,
    cached: answer.cached,
    promptTokens: answer.promptTokens,
    completionTokens: answer.completionTokens,
    costUsd: answer.cached
      ? 0
      : costUsd(answer.model, answer.promptTokens, answer.completionTokens, llm.pricing),
  };

  const minCoverage =
    members.length === 0
      ? 0
      : members.filter((m) => matchTemplate(induced, m) !== null).length / members.length;
  const verdict = judge(answer.content, members, minCoverage, induced);
  if (typeof verdict === 'string') {
    await record({ ...usage, outcome: 'rejected', reason: verdict });
    throw new LlmOutputRejected(verdict);
  }

  const slots = verdict.variables.map((v) => {
    const values = members
      .map((m) => matchTemplate(verdict.template, m)?.[v.name])
      .filter((x) => x !== undefined);
    return {
      name: v.name,
      description: v.description,
      ...(v.required === undefined ? {} : { required: v.required }),
      examples: [...new Set(values)].slice(0, 5),
    };
  });
  const covered = members.filter((m) => matchTemplate(verdict.template, m) !== null).length;
  const canonical = buildCanonical({
    patternId,
    slug: facts.slug,
    template: verdict.template,
    slots,
    previous: facts.version === null ? null : { template: facts.template, version: facts.version },
    keywords: facts.keywords,
    cohesion: facts.cohesion,
    coverage: members.length === 0 ? 0 : covered / members.length,
    method: answer.model,
    source: facts.source,
    model: {
      title: verdict.title,
      ...(verdict.intent ? { intent: verdict.intent } : {}),
      ...(verdict.phase ? { phase: verdict.phase } : {}),
      ...(verdict.tags ? { tags: verdict.tags } : {}),
    },
  });
  await withTransaction(db, async (conn) => {
    await storeCanonical(conn, [{ canonical }]);
    await recordCall(conn, { runId, patternId, ...usage, outcome: 'accepted', reason: null });
  });
  return { patternId, ...usage };
}

/** The validated answer, or why it is rejected. */
function judge(
  content: string,
  members: readonly string[],
  minCoverage: number,
  induced: string,
): LlmTemplate | string {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return 'the answer is not JSON';
  }
  const parsed = LlmTemplateSchema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return reviewLlmTemplate(parsed.data, members, minCoverage, induced) ?? parsed.data;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  cached: number;
  costUsd: number | null;
}

/** What a run spent on the LLM, rejected answers and failed attempts included (from `llm_calls`). */
export async function runLlmUsage(db: string, runId: string): Promise<LlmUsage> {
  const [row] = await withDb(db, 'read', (conn) =>
    queryRows(
      conn,
      `SELECT coalesce(sum(prompt_tokens), 0)::INTEGER AS prompt, coalesce(sum(completion_tokens), 0)::INTEGER AS completion,
              count(*) FILTER (WHERE cached AND outcome = 'accepted')::INTEGER AS cached, sum(cost_usd) AS cost
       FROM llm_calls WHERE run_id = $1`,
      [runId],
    ),
  );
  return {
    promptTokens: Number(row?.prompt ?? 0),
    completionTokens: Number(row?.completion ?? 0),
    cached: Number(row?.cached ?? 0),
    costUsd: row?.cost === null || row?.cost === undefined ? null : Number(row.cost),
  };
}
