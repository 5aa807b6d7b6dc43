import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import type { IngestOptions } from '../../ingest/types.js';
import type { discoverRun } from '../../../workflows/index.js';
import { printJson } from '../output.js';
import { withServer } from './runs.js';
import { workflowInput } from './discover.js';

/*
 * Discovery runs on Temporal Schedules: the server starts each run (a discoverRun workflow whose id
 * is the schedule's plus the time), so runs go on whether or not a pog command is running; a worker
 * (`pog up`, `pog worker`) does them.
 */

export const ScheduleSchema = z.object({
  name: z.string(),
  paused: z.boolean(),
  /** As given: `every 20s`, `cron 0 2 * * *`. */
  spec: z.string(),
  paths: z.array(z.string()),
  nextRuns: z.array(z.string()),
  recentRuns: z.array(z.object({ runId: z.string(), startedAt: z.string() })),
});
export type ScheduleInfo = z.infer<typeof ScheduleSchema>;
export const ScheduleListDocumentSchema = z.object({ schedules: z.array(ScheduleSchema) });

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function checkName(name: string | undefined): string {
  if (!name || !NAME.test(name))
    throw new PogError(
      'USAGE',
      'A schedule name is letters, digits, ".", "_" or "-" (at most 100), e.g. nightly.',
    );
  return name;
}

/** `--every 20s`, `15m`, `2h`, `1d` as milliseconds. */
export function parseEvery(every: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(every.trim());
  if (!m) throw new PogError('USAGE', `--every takes a duration like 20s, 15m, 2h or 1d, got "${every}".`);
  const ms =
    Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (ms < 1_000) throw new PogError('USAGE', '--every is at least 1s.');
  return ms;
}

function spec(flags: { cron?: string | undefined; every?: string | undefined }): ScheduleSpec {
  if (!flags.cron === !flags.every)
    throw new PogError('USAGE', 'Give exactly one of --cron "0 2 * * *" or --every 1h.');
  return flags.cron
    ? { cronExpressions: [flags.cron] }
    : { intervals: [{ every: parseEvery(flags.every!) }] };
}

async function describe(client: Client, name: string): Promise<ScheduleInfo> {
  const d = await client.schedule.getHandle(name).describe();
  const action = d.action as { args?: unknown[] };
  const input = (action.args?.[0] ?? {}) as { paths?: string[] };
  const iso = (t: Date): string => t.toISOString();
  return ScheduleSchema.parse({
    name,
    paused: d.state.paused,
    spec: typeof d.memo?.pogSpec === 'string' ? d.memo.pogSpec : 'calendar',
    paths: input.paths ?? [],
    nextRuns: d.info.nextActionTimes.slice(0, 3).map(iso),
    recentRuns: d.info.recentActions.map((a) => ({
      runId: a.action.workflow.workflowId,
      startedAt: iso(a.takenAt),
    })),
  });
}

export interface ScheduleFlags {
  cron?: string | undefined;
  every?: string | undefined;
  json: boolean;
  ingest?: IngestOptions;
}

/** `pog schedule create|list|pause|resume|trigger|delete`. */
export async function schedule(
  config: Config,
  args: readonly string[],
  flags: ScheduleFlags,
): Promise<number> {
  const [sub, rawName, ...paths] = args;
  return withServer(config, async (client) => {
    if (sub === 'list' || sub === undefined) {
      const schedules: ScheduleInfo[] = [];
      for await (const s of client.schedule.list()) schedules.push(await describe(client, s.scheduleId));
      schedules.sort((a, b) => a.name.localeCompare(b.name));
      if (flags.json) printJson(ScheduleListDocumentSchema, { schedules });
      else
        process.stdout.write(
          (schedules.length === 0
            ? '(no schedules)'
            : schedules
                .map(
                  (s) =>
                    `${s.name}  ${s.paused ? 'paused' : 'active'}  ${s.spec}  ${s.paths.join(' ')}  next ${s.nextRuns[0] ?? '-'}`,
                )
                .join('\n')) + '\n',
        );
      return 0;
    }
    const name = checkName(rawName);
    const handle = client.schedule.getHandle(name);
    const done = async (message: string): Promise<number> => {
      if (flags.json) printJson(ScheduleSchema, await describe(client, name));
      else process.stdout.write(message + '\n');
      return 0;
    };
    try {
      switch (sub) {
        case 'create': {
          if (paths.length === 0)
            throw new PogError(
              'USAGE',
              'Name the exports to mine: pog schedule create NAME --every 1h <paths…>',
            );
          const options = {
            scheduleId: name,
            spec: spec(flags),
            action: {
              type: 'startWorkflow' as const,
              workflowType: 'discoverRun',
              workflowId: `sched-${name}`,
              taskQueue: config.temporal.taskQueue,
              args: [workflowInput(config, paths, '', flags.ingest ?? {})],
            },
            // One run at a time: a run still going when the next is due makes it wait, not pile up.
            policies: { overlap: 'BUFFER_ONE', catchupWindow: '1 minute' },
            memo: { pogSpec: flags.cron ? `cron ${flags.cron}` : `every ${flags.every}` },
          } satisfies ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof discoverRun>>;
          try {
            await client.schedule.create(options);
            return await done(`Schedule ${name} created.`);
          } catch (err) {
            if (!(err instanceof ScheduleAlreadyRunning)) throw err;
            // Creating an existing name updates it.
            await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action }));
            return await done(`Schedule ${name} updated.`);
          }
        }
        case 'pause':
          await handle.pause('paused with pog schedule pause');
          return await done(`Schedule ${name} paused.`);
        case 'resume':
          await handle.unpause('resumed with pog schedule resume');
          return await done(`Schedule ${name} resumed.`);
        case 'trigger':
          await handle.trigger();
          return await done(`Schedule ${name} triggered: a run starts now.`);
        case 'delete': {
          const last = flags.json ? await describe(client, name) : null;
          await handle.delete();
          if (last) printJson(ScheduleSchema, last);
          else process.stdout.write(`Schedule ${name} deleted.\n`);
          return 0;
        }
        default:
          throw new PogError('USAGE', 'Usage: pog schedule create|list|pause|resume|trigger|delete …');
      }
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new PogError('NOT_FOUND', `No schedule "${name}".`);
      throw err;
    }
  });
}
