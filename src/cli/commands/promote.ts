import { resolve } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import type { Config } from '../../config/config.js';
import { PogError } from '../../errors.js';
import { PromoteSummarySchema, type PromoteInput, type PromoteSummary } from '../../promote/summary.js';
import { resolveReviewer } from '../../triage/reviewer.js';
import type { promoteRun } from '../../../workflows/index.js';
import { info } from '../output.js';
import { withTemporal } from '../temporal-session.js';
import { newRunId } from './discover.js';

/** The user-facing error inside a failed workflow (an activity's PogError arrives as an ApplicationFailure). */
function unwrap(err: unknown): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  let cause: unknown = err.cause;
  while (cause instanceof TemporalFailure && !(cause instanceof ApplicationFailure) && cause.cause)
    cause = cause.cause;
  if (cause instanceof ApplicationFailure && cause.type) return new PogError(cause.type, cause.message);
  return err;
}

/**
 * `pog promote --to REPO`: runs the promotion workflow, which writes every approved template into the
 * Git prompt library as `prompts/<phase>/<slug>.prompt` and commits them in one commit.
 */
export async function promote(
  config: Config,
  repo: string | undefined,
  reviewer: string | undefined,
): Promise<PromoteSummary> {
  if (!repo) throw new PogError('USAGE', 'Say which prompt library: pog promote --to <git repo>');
  const input: PromoteInput = {
    db: resolve(config.db),
    repo: resolve(repo),
    promoter: resolveReviewer(reviewer, config.triage.reviewer),
    promotionId: newRunId().replace(/^run-/, 'promote-'),
  };
  try {
    return await withTemporal(config, async (client, where) => {
      info(`Promotion ${input.promotionId} started on ${where}.`);
      const result = await client.workflow.execute<typeof promoteRun>('promoteRun', {
        taskQueue: config.temporal.taskQueue,
        workflowId: input.promotionId,
        args: [input],
      });
      return PromoteSummarySchema.parse(result);
    });
  } catch (err) {
    throw unwrap(err);
  }
}

export function formatPromotion(s: PromoteSummary): string {
  if (s.commit === null) return 'Nothing to promote: no template is approved.';
  return [
    `Promoted ${s.promoted} template${s.promoted === 1 ? '' : 's'} in commit ${s.commit.slice(0, 12)}:`,
    ...s.files.map((f) => `  ${f.path}  (${f.itemId})`),
  ].join('\n');
}
