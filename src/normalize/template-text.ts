/**
 * Template text: canonical prompt templates are plain strings with `{{snake_case}}` slots.
 *
 * Matching semantics (shared by `matchTemplate` and the induction step that relies on it):
 * - a slot matches one or more characters of any kind, newlines included;
 * - a whitespace run in the literal text matches any whitespace run (at least one character);
 * - leading and trailing whitespace of both template and text is not significant;
 * - when a text can be split in several ways, each slot takes the shortest value that still lets the
 *   rest match (lazy, left to right), so a literal that also occurs inside a later value does not
 *   swallow it;
 * - a slot name used twice must take the same value both times.
 */

/** A `{{snake_case}}` slot. Global so it can drive `matchAll`/`replace`; those reset `lastIndex` themselves. */
export const SLOT_PATTERN = /\{\{([a-z][a-z0-9_]*)\}\}/g;

/** Distinct slot names in order of first appearance. */
export function slotNames(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(SLOT_PATTERN)) names.add(match[1] ?? '');
  return [...names];
}

/** Substitutes slot values; a slot without a value is left as-is so a partial fill stays a valid template. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(SLOT_PATTERN, (whole: string, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? whole) : whole,
  );
}

/**
 * Slot values if `text` is an instance of `template`, else null.
 *
 * Implemented as a memoised left-to-right search rather than one big regex: a regex with a lazy
 * `[\s\S]+?` per slot backtracks polynomially (degree = slot count) on long texts that almost match.
 */
export function matchTemplate(template: string, text: string): Record<string, string> | null {
  const segments = compileTemplate(template);
  const state: MatchState = {
    text: text.trim(),
    segments,
    values: {},
    failedFrom: segments.map(() => Number.POSITIVE_INFINITY),
    memoSafe: memoSafety(segments),
    steps: 0,
    aborted: false,
  };
  return matchFrom(state, 0, 0) && !state.aborted ? { ...state.values } : null;
}

type Segment =
  | { kind: 'literal'; sticky: RegExp; search: RegExp; leadingSpace: boolean }
  | { kind: 'slot'; name: string }
  | { kind: 'backref'; name: string };

interface MatchState {
  text: string;
  segments: Segment[];
  values: Record<string, string>;
  /** Per slot segment: smallest start position already known to fail (see `matchSlot`). */
  failedFrom: number[];
  memoSafe: boolean[];
  steps: number;
  aborted: boolean;
}

/** Only reachable with repeated slot names, where the memo is unsound; keeps those cases bounded. */
const STEP_BUDGET = 200_000;

function compileTemplate(template: string): Segment[] {
  const segments: Segment[] = [];
  const seen = new Set<string>();
  const trimmed = template.trim();
  let cursor = 0;
  for (const match of trimmed.matchAll(SLOT_PATTERN)) {
    pushLiteral(segments, trimmed.slice(cursor, match.index));
    const name = match[1] ?? '';
    segments.push({ kind: seen.has(name) ? 'backref' : 'slot', name });
    seen.add(name);
    cursor = match.index + match[0].length;
  }
  pushLiteral(segments, trimmed.slice(cursor));
  return segments;
}

function pushLiteral(segments: Segment[], literal: string): void {
  if (literal === '') return;
  const source = literalSource(literal);
  const leadingSpace = /^\s/.test(literal);
  // Searching only from the start of a whitespace run keeps the scan linear (see `nextEnd`).
  const search = new RegExp(leadingSpace ? `(?<!\\s)${source}` : source, 'g');
  segments.push({ kind: 'literal', sticky: new RegExp(source, 'y'), search, leadingSpace });
}

/**
 * Whitespace runs become `\s+`. A literal part never starts with whitespace, so after a run the next
 * character must be a non-space: greedy `\s+` then matches exactly where an atomic one would, and a
 * failed attempt backs off through the run at most once. (An atomic group built from a lookahead and
 * a back-reference per run needs one capture group a run, and V8 cannot compile a literal with a few
 * thousand of them: "Invalid regular expression: Stack overflow".)
 */
function literalSource(literal: string): string {
  return literal
    .split(/(\s+)/)
    .filter((part) => part !== '')
    .map((part) => (/^\s/.test(part) ? '\\s+' : escapeRegExp(part)))
    .join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The "fails from p ⇒ fails from any later p" memo holds only when nothing after the slot depends on
 * values chosen earlier, i.e. no back-reference follows it.
 */
function memoSafety(segments: Segment[]): boolean[] {
  const safe = segments.map(() => true);
  let backrefAfter = false;
  for (let i = segments.length - 1; i >= 0; i--) {
    safe[i] = !backrefAfter;
    if (segments[i]?.kind === 'backref') backrefAfter = true;
  }
  return safe;
}

function matchFrom(state: MatchState, index: number, pos: number): boolean {
  state.steps += 1;
  if (state.steps > STEP_BUDGET) state.aborted = true;
  if (state.aborted) return false;
  const segment = state.segments[index];
  if (!segment) return pos === state.text.length;
  if (segment.kind === 'literal') {
    const end = literalEnd(segment, state.text, pos);
    return end >= 0 && matchFrom(state, index + 1, end);
  }
  if (segment.kind === 'backref') {
    const value = state.values[segment.name] ?? '';
    return state.text.startsWith(value, pos) && matchFrom(state, index + 1, pos + value.length);
  }
  return matchSlot(state, index, segment.name, pos);
}

/**
 * A slot starting later has a subset of the end positions of one starting earlier, and what follows
 * does not depend on where the slot started. So once a start position fails, every later one fails
 * too, and an earlier start only needs to try ends up to that position: each slot scans the text at
 * most once overall, which keeps matching near-linear.
 */
function matchSlot(state: MatchState, index: number, name: string, pos: number): boolean {
  const memo = state.memoSafe[index] ?? false;
  const failedFrom = memo ? (state.failedFrom[index] ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  if (pos >= state.text.length || pos >= failedFrom) return false;
  const next = state.segments[index + 1];
  if (!next) {
    state.values[name] = state.text.slice(pos);
    return true;
  }
  for (let end = nextEnd(next, state.text, pos + 1, true); end >= 0 && end <= failedFrom;) {
    state.values[name] = state.text.slice(pos, end);
    if (matchFrom(state, index + 1, end)) return true;
    if (state.aborted) return false;
    end = nextEnd(next, state.text, end + 1, false);
  }
  delete state.values[name];
  if (memo) state.failedFrom[index] = pos;
  return false;
}

/**
 * Next candidate end for a slot: where the following literal occurs, or any position before the end.
 *
 * A literal that starts with whitespace ends at the same place wherever inside a whitespace run it
 * starts, so only the earliest start per run matters: the first candidate (which may sit mid-run, right
 * after the slot's first character) and then run starts. Trying every position of a long run would
 * re-scan the run each time.
 */
function nextEnd(next: Segment, text: string, from: number, first: boolean): number {
  if (next.kind !== 'literal') return from < text.length ? from : -1;
  const midRun = /\s/.test(text[from - 1] ?? '') && /\s/.test(text[from] ?? '');
  if (first && next.leadingSpace && midRun && literalEnd(next, text, from) >= 0) return from;
  next.search.lastIndex = from;
  const found = next.search.exec(text);
  return found ? found.index : -1;
}

function literalEnd(segment: { sticky: RegExp }, text: string, pos: number): number {
  segment.sticky.lastIndex = pos;
  return segment.sticky.test(text) ? segment.sticky.lastIndex : -1;
}
