import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { RunShowDocumentSchema, RunsListDocumentSchema } from '../../../src/cli/commands/runs.js';
import { ScheduleListDocumentSchema, ScheduleSchema } from '../../../src/cli/commands/schedule.js';
import { isListening } from '../../../workers/dev-server.js';
import { bin, cleanEnv, pog } from '../../helpers/cli.js';
import { freePort } from '../../helpers/net.js';
import { repoRoot, samples, tempDir } from '../../helpers/paths.js';

let up: ChildProcess | undefined;
afterAll(() => {
  up?.kill('SIGKILL');
});

function json<T>(schema: z.ZodType<T>, run: { code: number; stdout: string; stderr: string }): T {
  expect(run.code, run.stderr).toBe(0);
  return schema.parse(JSON.parse(run.stdout));
}

describe('pog up with a schedule', () => {
  it('a schedule every 20s produces two runs within 75 s, listed by pog runs; Ctrl-C stops everything', async () => {
    const db = join(tempDir(), 'pog.duckdb');
    const temporalPort = await freePort();
    const webPort = await freePort();
    const env = cleanEnv({ POG_TEMPORAL_PORT: String(temporalPort), POG_SERVE_TOKEN: 'tok' });
    up = spawn(process.execPath, [bin, 'up', '--db', db, '--port', String(webPort)], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    up.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = once(up, 'exit');
    while (!log.includes('pog up: ready')) {
      if (up.exitCode !== null) throw new Error(`pog up exited: ${log}`);
      await once(up.stderr!, 'data');
    }
    expect(await isListening('127.0.0.1', webPort)).toBe(true);

    const cli = (...args: string[]): ReturnType<typeof pog> => pog([...args, '--db', db, '--json'], env);
    const created = Date.now();
    expect(
      json(ScheduleSchema, await cli('schedule', 'create', 'often', '--every', '20s', samples)),
    ).toMatchObject({
      name: 'often',
      paused: false,
      spec: 'every 20s',
    });
    // Creating it again updates it.
    expect(
      (await pog(['schedule', 'create', 'often', '--every', '20s', samples, '--db', db], env)).stdout,
    ).toMatch(/Schedule often updated/);

    let completed: string[] = [];
    while (Date.now() - created < 75_000) {
      const { runs } = json(RunsListDocumentSchema, await cli('runs', 'list'));
      completed = runs
        .filter((r) => r.status === 'completed' && r.id.startsWith('sched-often'))
        .map((r) => r.id);
      if (completed.length >= 2) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - created).toBeLessThan(75_000);

    // The list is newest first: the first scheduled run mined the exports, the next found them unchanged.
    const first = json(RunShowDocumentSchema, await cli('runs', 'show', completed.at(-1)!));
    expect(first.summary?.stages?.map((s) => s.name)).toEqual([
      'import',
      'extract',
      'embed',
      'cluster',
      'normalize',
      'queue',
    ]);
    const later = json(RunShowDocumentSchema, await cli('runs', 'show', completed[0]!));
    expect(later.summary).toMatchObject({ unchanged: true, messagesNew: 0 });
    const { schedules } = json(ScheduleListDocumentSchema, await cli('schedule', 'list'));
    expect(schedules.map((s) => s.name)).toEqual(['often']);
    expect(schedules[0]!.recentRuns.length).toBeGreaterThanOrEqual(2);
    expect(json(ScheduleSchema, await cli('schedule', 'pause', 'often')).paused).toBe(true);
    expect(json(ScheduleSchema, await cli('schedule', 'resume', 'often')).paused).toBe(false);
    expect((await cli('schedule', 'delete', 'often')).code).toBe(0);
    const missing = await cli('schedule', 'pause', 'often');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No schedule "often"/);

    up.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(log).toMatch(/pog up: stopped/);
    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
    expect(await isListening('127.0.0.1', webPort)).toBe(false);
  }, 180_000);
});
