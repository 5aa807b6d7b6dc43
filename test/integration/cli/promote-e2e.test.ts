import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TriageListDocumentSchema } from '../../../src/cli/commands/triage.js';
import { TriageDetailSchema } from '../../../src/triage/queue.js';
import { ExportDocumentSchema, QueryDocumentSchema } from '../../../src/cli/output.js';
import { LangfuseTextPromptSchema } from '../../../src/promote/langfuse.js';
import { checkDotprompt } from '../../../src/promote/dotprompt.js';
import { PromoteSummarySchema } from '../../../src/promote/summary.js';
import { RunSummarySchema } from '../../../src/run-summary.js';
import { closeIdleDatabases } from '../../../src/store/db.js';
import { readAuditLog } from '../../../src/triage/queue.js';
import { cleanEnv, pog } from '../../helpers/cli.js';
import { samples, tempDir } from '../../helpers/paths.js';
import { startTestWorker, type TestWorker } from '../../helpers/temporal.js';

const VIEWS = [
  'v_patterns',
  'v_phase_coverage',
  'v_reuse',
  'v_contributors',
  'v_discovery_to_promotion',
  'v_triage_throughput',
  'v_stale_templates',
];

let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker.close();
});

function json<T>(schema: z.ZodType<T>, run: { code: number; stdout: string; stderr: string }): T {
  expect(run.code, run.stderr).toBe(0);
  return schema.parse(JSON.parse(run.stdout));
}

describe('discover → triage by CLI → promote', () => {
  it('commits valid .prompt files to a Git repo, with a complete audit log and every view answering', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    const env = cleanEnv({
      TEMPORAL_ADDRESS: worker.config.temporal.address!,
      POG_TASK_QUEUE: worker.config.temporal.taskQueue,
    });
    const cli = (...args: string[]): ReturnType<typeof pog> => pog([...args, '--db', db], env);

    const run = json(RunSummarySchema, await cli('discover', samples, '--json'));
    expect(run.queued).toBeGreaterThanOrEqual(3);
    const { items } = json(TriageListDocumentSchema, await cli('triage', 'list', '--json'));
    const [a, b, c] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0]];

    // alice claims, edits and approves one; bob approves another and rejects a third.
    expect((await cli('triage', 'claim', a.id, '--reviewer', 'alice')).code).toBe(0);
    const edited = `${a.template.trim()}\n\nAnswer in English.`;
    expect((await cli('triage', 'edit', a.id, '--reviewer', 'alice', '--template', edited)).code).toBe(0);
    expect(
      (await cli('triage', 'approve', a.id, '--reviewer', 'alice', '--note', 'clear and reusable')).code,
    ).toBe(0);
    expect((await cli('triage', 'approve', b.id, '--reviewer', 'bob')).code).toBe(0);
    expect((await cli('triage', 'reject', c.id, '--reviewer', 'bob', '--note', 'one person only')).code).toBe(
      0,
    );
    const shown = json(TriageDetailSchema, await cli('triage', 'show', a.id, '--json'));
    expect(shown.item).toMatchObject({ status: 'approved', decidedBy: 'alice', template: edited });
    expect(shown.versions.map((v) => v.author)).toEqual([expect.any(String), 'alice']);

    const repo = join(work, 'library');
    mkdirSync(repo);
    execFileSync('git', ['init', '--quiet', repo]);
    const promoted = json(
      PromoteSummarySchema,
      await cli('promote', '--to', repo, '--reviewer', 'carol', '--json'),
    );
    expect(promoted.promoted).toBe(2);
    expect(promoted.files.map((f) => f.itemId).sort()).toEqual([a.id, b.id].sort());

    // Committed, one commit naming reviewers and patterns, nothing left uncommitted.
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args]).toString();
    expect(git('status', '--porcelain')).toBe('');
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    const message = git('log', '-1', '--format=%B');
    expect(message).toMatch(/Reviewers: alice, bob/);
    expect(message).toContain(a.patternId);
    expect(message).toContain(b.patternId);
    expect(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(
      promoted.files.map((f) => f.path).sort(),
    );
    for (const f of promoted.files) {
      expect(f.path).toMatch(
        /^prompts\/(requirements|design|development|testing|deployment|maintenance|other)\/[a-z0-9-]+\.prompt$/,
      );
      const detail = json(TriageDetailSchema, await cli('triage', 'show', f.itemId, '--json'));
      expect(detail.item.status).toBe('promoted');
      const source = readFileSync(join(repo, f.path), 'utf8');
      expect(() => checkDotprompt(source, detail.canonical!)).not.toThrow();
      if (f.itemId === a.id) expect(source).toContain('Answer in English.');
    }

    // The audit log has every action, in order.
    closeIdleDatabases();
    const audit = await readAuditLog(db);
    const actions = (id: string): string[] =>
      audit.filter((e) => e.itemId === id).map((e) => `${e.reviewer}:${e.action}:${e.outcome}`);
    expect(actions(a.id)).toEqual([
      'alice:claim:ok',
      'alice:edit:ok',
      'alice:approve:ok',
      'carol:promote:ok',
    ]);
    expect(actions(b.id)).toEqual(['bob:approve:ok', 'carol:promote:ok']);
    expect(actions(c.id)).toEqual(['bob:reject:ok']);
    closeIdleDatabases();

    for (const view of VIEWS) {
      const q = json(QueryDocumentSchema, await cli('query', `select * from ${view}`, '--json'));
      expect(q.rows.length, view).toBeGreaterThan(0);
    }
    const throughput = json(
      QueryDocumentSchema,
      await cli('query', 'select reviewer, approved from v_triage_throughput order by reviewer', '--json'),
    );
    expect(throughput.rows).toEqual([
      { reviewer: 'alice', approved: 1 },
      { reviewer: 'bob', approved: 1 },
      { reviewer: 'carol', approved: 0 },
    ]);

    // The exporters: Parquet for analysts, POML and a Langfuse import for other tools.
    const parquet = json(
      ExportDocumentSchema,
      await cli('export', '--parquet', join(work, 'parquet'), '--json'),
    );
    expect(parquet.files.map((f) => f.name)).toEqual(
      expect.arrayContaining([...VIEWS, 'messages', 'triage_audit']),
    );
    expect(parquet.files.map((f) => f.name)).not.toContain('embedding_cache');
    const poml = json(ExportDocumentSchema, await cli('export', '--poml', join(work, 'poml'), '--json'));
    expect(poml.files).toHaveLength(2);
    expect(readFileSync(poml.files[0]!.file, 'utf8')).toMatch(/^<poml/m);
    const langfuse = json(
      ExportDocumentSchema,
      await cli('export', '--langfuse', join(work, 'langfuse.json'), '--json'),
    );
    const imported = LangfuseTextPromptSchema.array().parse(
      JSON.parse(readFileSync(langfuse.files[0]!.file, 'utf8')),
    );
    expect(imported.map((p) => p.name).sort()).toEqual(promoted.files.map((f) => f.slug).sort());

    // Nothing approved is left: a second promotion commits nothing.
    const again = json(
      PromoteSummarySchema,
      await cli('promote', '--to', repo, '--reviewer', 'carol', '--json'),
    );
    expect(again).toMatchObject({ promoted: 0, commit: null });
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('1');

    // pog query refuses writes, including ones DuckDB's read-only mode would let through.
    for (const sql of [
      "update triage_items set status = 'new'",
      `copy messages to '${join(work, 'x.csv')}'`,
    ]) {
      const refused = await cli('query', sql, '--json');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/pog query is read-only/);
    }
  });
});
