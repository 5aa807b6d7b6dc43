import { spawn, type ChildProcess } from 'node:child_process';
import { bin, cleanEnv, pog } from '../../helpers/cli.js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
import { ClusterEvalDocumentSchema } from '../../../src/cli/commands/eval.js';
import { ErrorDocumentSchema, QueryDocumentSchema } from '../../../src/cli/output.js';
import { RunSummarySchema } from '../../../src/run-summary.js';
import { isListening } from '../../../workers/dev-server.js';
import { freePort } from '../../helpers/net.js';
import { hasShared, repoRoot, samples, sharedCorpora, tempDir } from '../../helpers/paths.js';

function json<T>(schema: z.ZodType<T>, stdout: string): T {
  return schema.parse(JSON.parse(stdout));
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('pog discover, embedded (no settings)', () => {
  it('starts its own dev server and worker, mines the samples, and stops both', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const port = await freePort();
    const env = cleanEnv({ POG_TEMPORAL_PORT: String(port) });
    const run = await pog(['discover', samples, '--db', db, '--json'], env);
    expect(run.stderr).toMatch(/Starting the Temporal dev server/);
    expect(run.code).toBe(0);
    const summary = json(RunSummarySchema, run.stdout);
    expect(summary.patterns).toBeGreaterThan(0);
    expect(summary.queued).toBeGreaterThan(0);
    expect(await isListening('127.0.0.1', port)).toBe(false);

    const q = await pog(['query', 'select count(*) as n from messages', '--db', db, '--json'], env);
    expect(q.code).toBe(0);
    expect(json(QueryDocumentSchema, q.stdout)).toEqual({ rows: [{ n: summary.messages }] });

    // Same files again: no new rows; the server's state file under the data folder is reused.
    const again = json(
      RunSummarySchema,
      (await pog(['discover', samples, '--db', db, '--json'], env)).stdout,
    );
    expect(again.messagesNew).toBe(0);
    const q2 = await pog(['query', 'select count(*) as n from messages', '--db', db, '--json'], env);
    expect(json(QueryDocumentSchema, q2.stdout).rows[0]!.n).toBe(summary.messages);
  });
});

describe('pog discover with TEMPORAL_ADDRESS and a separate `pog worker`', () => {
  it('only starts the workflow; the worker process does the work', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const env = cleanEnv({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      POG_TASK_QUEUE: `cli-${randomUUID()}`,
    });
    const worker = spawn(process.execPath, [bin, 'worker'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(worker);
    await new Promise<void>((resolve) =>
      worker.stderr.on('data', (d: Buffer) => d.toString().includes('serving') && resolve()),
    );
    const run = await pog(['discover', samples, '--db', db, '--json'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/Starting the Temporal dev server/);
    expect(run.stderr).not.toMatch(/No worker polls/);
    expect(json(RunSummarySchema, run.stdout).patterns).toBeGreaterThan(0);
    worker.kill('SIGINT');
    expect(await new Promise((resolve) => worker.on('exit', resolve))).toBe(0);
  });

  it('says so when no worker polls the task queue, instead of hanging silently', async () => {
    const env = cleanEnv({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      POG_TASK_QUEUE: `nobody-${randomUUID()}`,
    });
    const db = join(tempDir(), 'pog.duckdb');
    const child = spawn(process.execPath, [bin, 'discover', samples, '--db', db], { cwd: repoRoot, env });
    children.push(child);
    let stderr = '';
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('No worker polls')) resolve();
      }),
    );
    expect(stderr).toMatch(/Start one with `pog worker`/);
    child.kill('SIGKILL');
  });
});

describe('pog --json errors', () => {
  it('prints one JSON error document and a message on stderr', async () => {
    const r = await pog(['query', 'select 1', '--db', join(tempDir(), 'none.duckdb'), '--json'], cleanEnv());
    expect(r.code).toBe(1);
    expect(json(ErrorDocumentSchema, r.stdout).error.code).toBe('DB_MISSING');
    expect(r.stderr).toMatch(/Run `pog discover/);
  });

  it('refuses writes in pog query', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const env = cleanEnv({ POG_TEMPORAL_PORT: String(await freePort()) });
    expect((await pog(['discover', join(samples, 'team-chats.jsonl'), '--db', db], env)).code).toBe(0);
    const r = await pog(['query', 'delete from messages', '--db', db, '--json'], env);
    expect(r.code).toBe(1);
    expect(json(ErrorDocumentSchema, r.stdout).error.message).toMatch(/read-only/i);
  });
});

describe.skipIf(!hasShared)('pog eval clusters', () => {
  it('scores the clustering on both labelled sets and prints one checked JSON document', async () => {
    const r = await pog(['eval', 'clusters', '--prompts', join(sharedCorpora, 'prompts'), '--json'], {
      ...cleanEnv(),
      POG_EMBEDDER: 'tfidf',
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = json(ClusterEvalDocumentSchema, r.stdout);
    expect(doc.embedder).toBe('tfidf');
    expect(doc.sets.map((s) => s.items)).toEqual([2088, 500]);
    const [templated, arena] = doc.sets;
    // The templated set's 444 templates are found nearly as labelled, and the 300 unrelated prompts
    // mixed in stay out of patterns (bench:cluster reports every embedder beside its peers).
    expect(templated!.ari).toBeGreaterThanOrEqual(0.9);
    expect(templated!.patterns).toBeGreaterThan(400);
    expect(templated!.noiseInPatterns).toBeLessThan(30);
    expect(arena!.nmi).toBeGreaterThan(0.5);
  });
});
