import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanonicalTemplateSchema } from '../../../src/normalize/canonical.js';
import { refinePatternWithLlm } from '../../../src/normalize/llm.js';
import { queryRows, withDb } from '../../../src/store/db.js';
import { startFakeLlm, type FakeLlm, type Mode } from '../../helpers/openai-server.js';
import { samples, tempDir } from '../../helpers/paths.js';
import { startTestWorker } from '../../helpers/temporal.js';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await llm?.close();
});

const input = join(samples, 'team-chats.jsonl');

async function runWith(mode: Mode) {
  const worker = await startTestWorker({
    baseURL: llm.baseURL(mode),
    apiKey: 'test-key',
    model: 'test-model',
    pricing: { promptPerMillion: 1, completionPerMillion: 2 },
  });
  try {
    const db = join(tempDir(), 'pog.duckdb');
    const summary = await worker.run({
      runId: `llm-${mode}-${Date.now()}`,
      db,
      paths: [input],
      llm: { model: 'test-model', maxAttempts: 2 },
    });
    const patterns = await withDb(db, 'read', (c) =>
      queryRows(
        c,
        `SELECT template, label, method, slots, canonical::VARCHAR AS canonical, phase, tags, version
         FROM patterns ORDER BY id`,
      ),
    );
    const calls = await withDb(db, 'read', (c) =>
      queryRows(c, 'SELECT outcome, cached, prompt_tokens, completion_tokens, cost_usd FROM llm_calls'),
    );
    return { summary, patterns, calls };
  } finally {
    await worker.close();
  }
}

describe('LLM-assisted normalization through an OpenAI-compatible endpoint', () => {
  it('accepts a valid answer and records the model, tokens and cost', async () => {
    const { summary, patterns, calls } = await runWith('valid');
    expect(summary.patterns).toBeGreaterThan(0);
    expect(summary.llm).toEqual({
      model: 'test-model',
      refined: summary.patterns,
      fallbacks: 0,
      promptTokens: 100 * summary.patterns,
      completionTokens: 20 * summary.patterns,
      cached: 0,
      costUsd: expect.closeTo((summary.patterns * (100 * 1 + 20 * 2)) / 1e6, 12) as number,
    });
    expect(calls).toHaveLength(summary.patterns);
    for (const c of calls)
      expect(c).toMatchObject({ outcome: 'accepted', cached: false, prompt_tokens: 100 });
    for (const p of patterns) {
      expect(p.method).toBe('test-model');
      expect(String(p.label)).toMatch(/^LLM: /);
      // What the model said of the template wins over the offline classifier, and it is all valid.
      const canonical = CanonicalTemplateSchema.parse(JSON.parse(String(p.canonical)));
      expect(canonical).toMatchObject({ method: 'test-model', phase: 'testing', template: p.template });
      expect(canonical.intent).toBe('What the model says the prompt asks.');
      expect(canonical.tags[0]).toBe('llm-tag');
      expect(p.phase).toBe('testing');
      // The model kept the induced template's text, so it is still the first version.
      expect(p.version).toBe(1);
    }
    const sent = llm.requests.filter((r) => r.mode === 'valid');
    expect(sent).toHaveLength(summary.patterns);
    expect(sent[0]!.body.model).toBe('test-model');
  });

  it.each(['invalid-json', 'schema-violation', 'undeclared-slot', 'dropped-slot'] as const)(
    'rejects a %s answer and keeps the deterministic template',
    async (mode) => {
      const { summary, patterns } = await runWith(mode);
      expect(summary.llm.refined).toBe(0);
      expect(summary.llm.fallbacks).toBe(summary.patterns);
      for (const p of patterns) {
        expect(p.method).toBe('heuristic');
        expect(CanonicalTemplateSchema.parse(JSON.parse(String(p.canonical))).method).toBe('heuristic');
      }
      // Rejected answers were paid for: their tokens count.
      expect(summary.llm.promptTokens).toBe(100 * summary.patterns);
      // A rejected answer is final: no retries.
      expect(llm.requests.filter((r) => r.mode === mode)).toHaveLength(summary.patterns);
    },
  );

  it('retries a 429 and then accepts the answer', async () => {
    const { summary } = await runWith('flaky-429');
    expect(summary.llm.refined).toBe(summary.patterns);
    expect(llm.requests.filter((r) => r.mode === 'flaky-429')).toHaveLength(2 * summary.patterns);
  });

  it('falls back after repeated 500s, losing nothing', async () => {
    const { summary, patterns } = await runWith('always-500');
    expect(summary.llm).toMatchObject({ refined: 0, fallbacks: summary.patterns });
    expect(summary.queued).toBe(summary.patterns);
    for (const p of patterns) expect(p.method).toBe('heuristic');
    expect(llm.requests.filter((r) => r.mode === 'always-500')).toHaveLength(2 * summary.patterns);
  });

  it('answers the same pattern, members and model from its cache, without a request', async () => {
    const worker = await startTestWorker({
      baseURL: llm.baseURL('valid'),
      apiKey: 'k',
      model: 'cache-model',
    });
    try {
      const db = join(tempDir(), 'pog.duckdb');
      const runId = `llm-cache-${Date.now()}`;
      const summary = await worker.run({
        runId,
        db,
        paths: [input],
        llm: { model: 'cache-model', maxAttempts: 1 },
      });
      const sent = (): number => llm.requests.filter((r) => r.body.model === 'cache-model').length;
      expect(sent()).toBe(summary.patterns);
      const [first] = await withDb(db, 'read', (c) =>
        queryRows(c, 'SELECT id FROM patterns ORDER BY id LIMIT 1'),
      );
      const again = await refinePatternWithLlm(db, 'later-run', String(first!.id), worker.config.llm);
      expect(again).toMatchObject({ cached: true, promptTokens: 0, completionTokens: 0, costUsd: 0 });
      expect(sent()).toBe(summary.patterns);
      // A different model is a different key: it is asked.
      await refinePatternWithLlm(db, 'later-run', String(first!.id), {
        ...worker.config.llm,
        model: 'cache-model-2',
      });
      expect(llm.requests.filter((r) => r.body.model === 'cache-model-2')).toHaveLength(1);
      const calls = await withDb(db, 'read', (c) =>
        queryRows(c, `SELECT cached, outcome FROM llm_calls WHERE run_id = 'later-run' ORDER BY cached DESC`),
      );
      expect(calls).toEqual([
        { cached: true, outcome: 'accepted' },
        { cached: false, outcome: 'accepted' },
      ]);
    } finally {
      await worker.close();
    }
  });
});
