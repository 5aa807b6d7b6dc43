import { z } from 'zod';

/**
 * The triage life of a pattern: new → in_review → approved | rejected | merged | deferred, and
 * approved → promoted. Pure rules; queue.ts applies them to the database.
 */
export const TRIAGE_STATUSES = [
  'new',
  'in_review',
  'approved',
  'rejected',
  'merged',
  'deferred',
  'promoted',
] as const;
export const TriageStatusSchema = z.enum(TRIAGE_STATUSES);
export type TriageStatus = z.infer<typeof TriageStatusSchema>;

/** What a reviewer can do to an item (`promote` is the promotion workflow's, not a reviewer's). */
export const TRIAGE_ACTIONS = [
  'claim',
  'release',
  'approve',
  'reject',
  'defer',
  'edit',
  'merge',
  'note',
] as const;
export const TriageActionSchema = z.enum(TRIAGE_ACTIONS);
export type TriageAction = z.infer<typeof TriageActionSchema>;

/** Items still waiting for a decision. */
export const OPEN_STATUSES: readonly TriageStatus[] = ['new', 'in_review', 'deferred'];
/** Nothing a reviewer does changes these any more. */
export const FINAL_STATUSES: readonly TriageStatus[] = ['rejected', 'merged', 'promoted'];

/**
 * The status an action leads to from `from`, or null when the action does not apply there.
 * Deciding needs no claim first (the decision claims and releases at once); editing claims.
 */
export function nextStatus(action: TriageAction, from: TriageStatus): TriageStatus | null {
  const open = OPEN_STATUSES.includes(from);
  switch (action) {
    case 'note':
      return from;
    case 'claim':
    case 'edit':
      return open ? 'in_review' : null;
    case 'release':
      return from === 'in_review' ? 'new' : null;
    case 'approve':
      return open ? 'approved' : null;
    case 'reject':
      return open ? 'rejected' : null;
    case 'defer':
      return open ? 'deferred' : null;
    case 'merge':
      return open ? 'merged' : null;
  }
}

/** Whether the action leaves the item claimed by whoever did it. */
export function claims(action: TriageAction): boolean {
  return action === 'claim' || action === 'edit';
}

/** Whether the action is a decision (recorded as decided_by / decided_at). */
export function decides(action: TriageAction): boolean {
  return action === 'approve' || action === 'reject' || action === 'defer' || action === 'merge';
}
