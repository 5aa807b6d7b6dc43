import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeIdleDatabases } from '../../../src/store/db.js';
import { readAuditLog, showItem } from '../../../src/triage/queue.js';
import { bin, cleanEnv } from '../../helpers/cli.js';
import { repoRoot, tempDir } from '../../helpers/paths.js';
import { REVIEW, SUMMARISE, itemOf, seedQueue } from '../../helpers/triage-db.js';

// `pog triage` alone is interactive only in a terminal: util-linux's `script` gives it one.
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript)
  console.warn('[skip] no `script` command (util-linux): the interactive triage test is skipped.');

describe.skipIf(!hasScript)('pog triage in a terminal', () => {
  it('shows the open items one by one and decides each with one key', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    await seedQueue(db, { p_review: REVIEW, p_summarise: SUMMARISE });
    closeIdleDatabases();
    const child = spawn(
      'script',
      ['-qec', `'${process.execPath}' '${bin}' triage --db '${db}' --reviewer alice`, '/dev/null'],
      {
        cwd: repoRoot,
        env: cleanEnv(),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const waiters: { text: string; count: number; resolve: () => void }[] = [];
    const occurrences = (text: string): number => out.split(text).length - 1;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const w of [...waiters])
        if (occurrences(w.text) >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    });
    const until = (text: string, count = 1): Promise<void> =>
      occurrences(text) >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ text, count, resolve }));
    const keys = (line: string): boolean => child.stdin.write(`${line}\n`);

    await until('[a]pprove', 1);
    keys('a'); // the most used item first: the code review
    await until('Note (optional)', 1);
    keys('reusable');
    await until('approve done', 1);
    await until('[a]pprove', 2);
    keys('r');
    await until('Note (optional)', 2);
    keys('');
    await until('reject done', 1);
    await until('Nothing left to review');
    await new Promise((resolve) => child.on('exit', resolve));

    const review = await showItem(db, await itemOf(db, 'p_review'));
    expect(review.item).toMatchObject({ status: 'approved', decidedBy: 'alice' });
    expect(review.notes.map((n) => n.note)).toEqual(['reusable']);
    expect((await showItem(db, await itemOf(db, 'p_summarise'))).item.status).toBe('rejected');
    expect((await readAuditLog(db)).map((a) => `${a.reviewer}:${a.action}:${a.outcome}`)).toEqual([
      'alice:approve:ok',
      'alice:reject:ok',
    ]);
  }, 60_000);
});
