import { PogError } from '../errors.js';
import { NoReviewerError } from './errors.js';

/** The reviewer a write is made as: the flag, else the configured one (POG_REVIEWER or the config file). */
export function resolveReviewer(flag: string | undefined, configured: string | undefined): string {
  const name = (flag ?? configured ?? '').trim();
  if (name === '') throw new NoReviewerError();
  // The name goes into commit messages and the audit log: one printable line.
  if (name.length > 100 || /\p{Cc}/u.test(name))
    throw new PogError('BAD_REVIEWER', 'A reviewer name is one line of at most 100 printable characters.');
  return name;
}
