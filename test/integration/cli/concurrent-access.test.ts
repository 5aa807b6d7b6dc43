import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOpenaiJsonl } from '../../../bench/generate/openai-jsonl.js';
import { TriageListDocumentSchema } from '../../../src/cli/commands/triage.js';
import { closeIdleDatabases } from '../../../src/store/db.js';
import { bin, cleanEnv, pog } from '../../helpers/cli.js';
import { freePort } from '../../helpers/net.js';
import { repoRoot, samples, tempDir } from '../../helpers/paths.js';
import { startTestWorker, type TestWorker } from '../../helpers/temporal.js';

/*
 * DuckDB lets one process hold the file. A discovery run (here, a worker in this process) holds it
 * for a step at a time; a reviewer's `pog triage`, an analyst's `pog query` and the `pog serve` page
 * (each their own process) wait for a gap and must never fail with a lock error meanwhile.
 */

let worker: TestWorker;
beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker.close();
});

describe('while a long discovery run writes', () => {
  it('pog query, pog triage and pog serve all work, with no lock errors', async () => {
    const work = tempDir();
    const db = join(work, 'pog.duckdb');
    await worker.run({ runId: 'first', db, paths: [samples], queue: { minAuthors: 1 } });
    const big = join(work, 'big/chats.jsonl');
    mkdirSync(join(work, 'big'));
    await writeOpenaiJsonl(big, 150_000);
    closeIdleDatabases();

    const env = cleanEnv();
    const port = await freePort();
    const server = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', String(port)], {
      cwd: repoRoot,
      env: { ...env, POG_SERVE_TOKEN: 'tok' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let serverLog = '';
    server.stderr.on('data', (d: Buffer) => (serverLog += d.toString()));
    try {
      while (!serverLog.includes('pog serve: open')) await once(server.stderr, 'data');
      const { items } = TriageListDocumentSchema.parse(
        JSON.parse((await pog(['triage', 'list', '--db', db, '--json'], env)).stdout),
      );
      expect(items.length).toBeGreaterThan(2);

      let finished = false;
      const run = worker
        .run({ runId: 'long', db, paths: [big], embed: { model: 'tfidf', openaiModel: 'x' } })
        .finally(() => (finished = true));
      const failures: string[] = [];
      const rounds: number[] = [];
      const slow: string[] = [];
      const runStarted = Date.now();
      let k = 0;
      while (!finished) {
        const started = Date.now();
        const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
          const t = Date.now();
          const r = await p;
          slow.push(`${name} ${Date.now() - t} ms at +${t - runStarted} ms`);
          return r;
        };
        const [q, list, page] = await Promise.all([
          timed('query', pog(['query', 'select count(*) as n from messages', '--db', db, '--json'], env)),
          timed('triage list', pog(['triage', 'list', '--db', db, '--json'], env)),
          timed(
            'serve',
            fetch(`http://127.0.0.1:${port}/api/items?status=all`).then((r) => r.status),
          ),
        ]);
        const item = items[k % items.length]!;
        const decide = await timed(
          'triage write',
          pog(['triage', k % 2 ? 'defer' : 'claim', item.id, '--db', db, '--reviewer', `r${k}`], env),
        );
        for (const [name, r] of [
          ['query', q],
          ['triage list', list],
          ['triage write', decide],
        ] as const)
          if (r.code !== 0 && !/TRIAGE_CONFLICT|already|claimed by/.test(r.stderr + r.stdout))
            failures.push(`${name}: ${r.stderr}`);
        if (page !== 200) failures.push(`serve: HTTP ${page}`);
        rounds.push(Date.now() - started);
        k++;
      }
      const summary = await run;
      expect(summary.messages).toBeGreaterThan(100_000);
      expect(failures).toEqual([]);
      expect(rounds.length).toBeGreaterThanOrEqual(2); // the checks really ran during the run
      console.log(slow.join('\n'));
      console.log(
        `concurrent access: ${rounds.length} rounds during the run, slowest ${Math.max(...rounds)} ms`,
      );
    } finally {
      server.kill('SIGTERM');
    }
  }, 600_000);
});
