import { PogError } from '../errors.js';

/**
 * A prompt file that does not (or cannot) say what its approved template says. `file` is the path the
 * file has in the prompt library, `problems` each say what is wrong, so a script or a reviewer can act
 * on them without opening the file.
 */
export class PromptInvalidError extends PogError {
  constructor(
    readonly file: string,
    readonly slug: string,
    readonly problems: readonly string[],
    remedy: string,
    options?: { cause?: unknown },
  ) {
    super('PROMPT_INVALID', `${file} (template ${slug}): ${problems.join('; ')}. ${remedy}`, options);
    this.name = 'PromptInvalidError';
  }
}
