import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PromoteInput, PromoteSummary } from '../src/promote/summary.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * One promotion: the approved items' files written, checked and committed to the prompt library in one
 * commit, then the items marked promoted. Only ids, paths and the commit id travel through here.
 */
export async function promoteRun(input: PromoteInput): Promise<PromoteSummary> {
  const { db, repo, promoter, promotionId } = input;
  const itemIds = await acts.approvedItems({ db });
  if (itemIds.length === 0) return { promotionId, commit: null, promoted: 0, files: [] };
  // Workflow time is replay-safe: the same on every replay of this history.
  const promotedAt = new Date().toISOString();
  const { commit, files } = await acts.promoteToGit({ db, repo, itemIds, promotionId, promotedAt });
  const promoted = await acts.markPromoted({ db, itemIds, commit, promoter, promotedAt });
  return { promotionId, commit, promoted, files };
}
