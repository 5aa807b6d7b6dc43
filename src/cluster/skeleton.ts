/*
 * Patterns whose slots are half their words. "Review the following Go code for race conditions" and
 * "Review the following Java code for thread safety" are one prompt with two slots, but half of each is
 * slot values, so their vectors are only as similar as two unrelated prompts that happen to share
 * words; no similarity threshold tells them apart from noise without also joining unrelated prompts.
 * What tells them apart is order: the fixed words of a template come in the same order in every
 * fill ("review the following … code for …"). So after the vector stage, groups that are near each
 * other (above a low floor) are joined when their most central members share a long enough skeleton:
 * the longest common subsequence of their words covers at least SKELETON_SHARE of the longer one.
 * Two unrelated prompts share function words in order too, but far less of them.
 */

/** Two groups are compared by skeleton only when some pair of their members is at least this similar. */
export const SKELETON_FLOOR = 0.15;

/** Word sequences are compared up to this length: the skeleton shows in a prompt's opening. */
const MAX_WORDS = 48;
/** Prompts shorter than this have too few words for their order to mean anything. */
const MIN_WORDS = 5;
/** The share of the longer word sequence the common subsequence must cover. */
export const SKELETON_SHARE = 0.5;
/**
 * And the words outside it, in the longer sequence, at most this many: slot values are a few words.
 * (Without this bound, long prompts sharing boilerplate, "I want you to act as … I will provide …",
 * would pass on their boilerplate alone.)
 */
const MAX_SLOT_WORDS = 8;

/** A quoted passage of a few words or more: a value the prompt works on, like pasted material. */
const QUOTED = /"[^"\n]{12,}"|“[^”\n]{12,}”|'[^'\n]{24,}'/g;

/** Lower-cased words and placeholders, in order; a quoted passage counts as one placeholder. */
export function skeletonWords(text: string): string[] {
  const words = text
    .replace(QUOTED, ' {{quote}} ')
    .toLowerCase()
    .match(/\{\{\w+\}\}|[\p{L}\p{N}_']+/gu);
  return (words ?? []).slice(0, MAX_WORDS);
}

/** Length of the longest common subsequence of two word sequences. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint16Array(b.length + 1);
  let curr = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      curr[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, curr[j - 1]!);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

/**
 * The share of the longer sequence covered by the common subsequence; 0 for too-short prompts and
 * for pairs that differ in more words than slots hold.
 */
export function skeletonShare(a: readonly string[], b: readonly string[]): number {
  if (a.length < MIN_WORDS || b.length < MIN_WORDS) return 0;
  const common = lcsLength(a, b);
  const longer = Math.max(a.length, b.length);
  return longer - common > MAX_SLOT_WORDS ? 0 : common / longer;
}
