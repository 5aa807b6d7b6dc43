import { PogError } from '../errors.js';

/** Someone else got there first: the item changed, or is claimed. Nothing was changed. */
export class TriageConflictError extends PogError {
  constructor(message: string) {
    super('TRIAGE_CONFLICT', message);
    this.name = 'TriageConflictError';
  }
}

export class NoReviewerError extends PogError {
  constructor() {
    super(
      'NO_REVIEWER',
      'Say who is reviewing: --reviewer NAME, POG_REVIEWER, or "triage": { "reviewer": NAME } in the config. ' +
        'Every change to the queue is recorded under a reviewer’s name.',
    );
    this.name = 'NoReviewerError';
  }
}
