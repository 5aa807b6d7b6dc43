import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { PogError, errorMessage } from '../../errors.js';
import { RunProgressSchema, type RunProgress } from '../../run-summary.js';
import {
  RunReportSchema,
  RunRowSchema,
  listRuns,
  runReport,
  type RunReport,
  type RunRow,
} from '../../runs/runs.js';
import { printJson } from '../output.js';

export const RunsListDocumentSchema = z.object({ runs: z.array(RunRowSchema) });
export const RunShowDocumentSchema = RunReportSchema.extend({ progress: RunProgressSchema.nullable() });

/** The Temporal server runs are on: TEMPORAL_ADDRESS, else the one `pog up` keeps on the local port. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
}

export async function withServer<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  const address = temporalAddress(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '3s' });
  } catch (err) {
    throw new PogError(
      'NO_SERVER',
      `No Temporal server at ${address} (${errorMessage(err)}). Start one with \`pog up\`, or set TEMPORAL_ADDRESS.`,
    );
  }
  try {
    return await fn(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

/** A running run's progress, or null when no server answers for it. */
async function liveProgress(config: Config, id: string): Promise<RunProgress | null> {
  try {
    return await withServer(config, async (client) =>
      RunProgressSchema.parse(await client.workflow.getHandle(id).query<RunProgress>('progress')),
    );
  } catch {
    return null;
  }
}

function formatRuns(runs: readonly RunRow[]): string {
  if (runs.length === 0) return '(no runs)';
  return runs
    .map(
      (r) =>
        `${r.id}  ${r.status.padEnd(9)} ${r.startedAt}  ${r.seconds === null ? '' : `${r.seconds}s  `}` +
        `${r.messages ?? '-'} messages, ${r.patterns ?? '-'} patterns, ${r.queued ?? '-'} queued, ${r.errors ?? 0} errors`,
    )
    .join('\n');
}

function formatReport(r: RunReport & { progress: RunProgress | null }): string {
  const lines = [formatRuns([r.run]), `  inputs: ${r.run.inputs.join(', ')}`];
  if (r.progress) lines.push(`  now: ${r.progress.stage}`);
  for (const s of r.summary?.stages ?? []) lines.push(`  ${s.name.padEnd(10)} ${s.seconds.toFixed(1)} s`);
  if (r.summary?.llm.model)
    lines.push(
      `  LLM ${r.summary.llm.model}: ${r.summary.llm.promptTokens + r.summary.llm.completionTokens} tokens` +
        (r.summary.llm.costUsd === null ? '' : `, $${r.summary.llm.costUsd.toFixed(4)}`),
    );
  for (const e of r.importErrors.slice(0, 20))
    lines.push(`  error: ${e.file}${e.position ? ` (${e.position})` : ''}: ${e.reason}`);
  return lines.join('\n');
}

/** `pog runs list|show|cancel`. */
export async function runs(config: Config, args: readonly string[], json: boolean): Promise<number> {
  const [sub, id] = args;
  if (sub === 'list' || sub === undefined) {
    const list = await listRuns(config.db);
    if (json) printJson(RunsListDocumentSchema, { runs: list });
    else process.stdout.write(formatRuns(list) + '\n');
    return 0;
  }
  if (!id) throw new PogError('USAGE', 'Which run? pog runs show|cancel RUN_ID');
  if (sub === 'show') {
    const report = await runReport(config.db, id);
    const progress = report.run.status === 'running' ? await liveProgress(config, id) : null;
    if (json) printJson(RunShowDocumentSchema, { ...report, progress });
    else process.stdout.write(formatReport({ ...report, progress }) + '\n');
    return 0;
  }
  if (sub === 'cancel') {
    await withServer(config, async (client) => {
      try {
        await client.workflow.getHandle(id).cancel();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new PogError('NOT_FOUND', `No run "${id}" is running on ${temporalAddress(config)}.`);
        throw err;
      }
    });
    if (json) printJson(z.object({ cancelled: z.string() }), { cancelled: id });
    else process.stdout.write(`Cancel requested for ${id}: it stops after its current step.\n`);
    return 0;
  }
  throw new PogError('USAGE', 'Usage: pog runs list|show|cancel [RUN_ID] [--json]');
}
