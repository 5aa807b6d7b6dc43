/**
 * Deterministic template induction: turns a cluster of similar prompts into one canonical template
 * with `{{snake_case}}` slots for what varies between them.
 *
 * Outline:
 * 1. Sort the members canonically, so every later tie-break (and the result) ignores input order.
 * 2. Tokenise each member into words, single punctuation marks and opaque code blocks. Whitespace is
 *    not a token: it never decides alignment, and literal text is later cut from the reference verbatim.
 *    When every member introduces pasted material ("…for this diff:" followed by more lines, the rule
 *    `instructionText` uses), everything after that line is one opaque token too, whatever it holds.
 *    Markup glued to a word (`</p>`, `key="`, a `\n` escape, `'s`) is cut off it.
 * 3. Pick the reference: the medoid by token-set overlap (Dice), ties to the lexicographically first.
 *    When the opaque blocks are one document in every member, differing only in short stretches (a
 *    JSON spec or a list of rules with values filled in), they are tokenised like the rest instead.
 * 4. Set outliers aside: a member that shares less than half of the reference's majority-supported
 *    tokens would otherwise erase the template for everyone else.
 * 5. Progressive LCS: intersect the reference's tokens with each inlier in turn. What survives is a
 *    common subsequence of all inliers: the literal skeleton. Long prompts are first anchored on the
 *    tokens each side holds once, so the table stays small.
 * 6. Embed the skeleton in every inlier (preferring embeddings whose gaps line up with the reference's),
 *    turn every gap that holds tokens in any member into one slot, drop short "anchors" that are only
 *    coincidences inside long free-text values, and absorb a literal token into a slot where a member
 *    has nothing (a slot needs at least one character).
 * 7. Merge slots that only a connector word separates ("for {{a}} and {{b}}" → "for {{a}}"), unless
 *    they hold typed values, the connector gives the second one its own role ("to", "with") or a
 *    paired word announced two values ("between {{a}} and {{b}}").
 * 8. Name the slots from their values and context and compute coverage with `matchTemplate`. Inliers
 *    the template does not reproduce are dropped and the template rebuilt, since they may have cost it
 *    literal text. Absorbing for every member (not only the reference) is tried as a second variant;
 *    the higher coverage wins, ties going to the variant with more literal text.
 */
import { matchTemplate, SLOT_PATTERN } from './template-text.js';
import { pastedMaterialStart } from '../extract/instruction.js';

export interface InducedSlot {
  name: string;
  /** Up to 5 distinct values, in canonical (sorted) member order so the result is input-order independent. */
  examples: string[];
}

export interface InducedTemplate {
  template: string;
  slots: InducedSlot[];
  /** Share of members that `matchTemplate(template, member)` reproduces. */
  coverage: number;
}

/*
 * Members already hold placeholders: redacted values ({{email}}) and pasted material ({{code}}). They
 * are escaped to plain words for the alignment, so that their braces never become slot boundaries,
 * and restored after: one every member shares stays in the template as a slot of its own.
 */
const OPEN = '\u27e6';
const CLOSE = '\u27e7';
const ESCAPED = new RegExp(`${OPEN}([a-z][a-z0-9_]*)${CLOSE}`, 'g');

export function induceTemplate(members: readonly string[]): InducedTemplate {
  const escaped = members.map((m) => m.replace(SLOT_PATTERN, `${OPEN}$1${CLOSE}`));
  return restorePlaceholders(induceEscaped(escaped));
}

function restorePlaceholders(induced: InducedTemplate): InducedTemplate {
  const unescape = (text: string): string => text.replace(ESCAPED, '{{$1}}');
  const fixed = [...new Set([...induced.template.matchAll(ESCAPED)].map((m) => m[1]!))];
  const taken = new Set([...fixed, ...induced.slots.map((slot) => slot.name)]);
  const renamed = new Map<string, string>();
  for (const slot of induced.slots) {
    if (!fixed.includes(slot.name)) continue;
    let n = 2;
    while (taken.has(`${slot.name}_${n}`)) n++;
    renamed.set(slot.name, `${slot.name}_${n}`);
    taken.add(`${slot.name}_${n}`);
  }
  const template = unescape(
    induced.template.replace(SLOT_PATTERN, (whole, name: string) =>
      renamed.has(name) ? `{{${renamed.get(name)}}}` : whole,
    ),
  );
  const slots = induced.slots.map((slot) => ({
    name: renamed.get(slot.name) ?? slot.name,
    examples: slot.examples.map(unescape),
  }));
  // Their values were never kept (a secret, pasted code): the slot is declared without examples.
  for (const name of fixed) slots.push({ name, examples: [] });
  const at = (name: string): number => template.indexOf(`{{${name}}}`);
  return { ...induced, template, slots: slots.sort((a, b) => at(a.name) - at(b.name)) };
}

function induceEscaped(members: readonly string[]): InducedTemplate {
  if (members.length === 0) return { template: '', slots: [], coverage: 0 };
  const sorted = [...members].sort(compareMembers);
  const vocabulary = new Map<string, number>();
  // Only when every member pastes material: one member without it would otherwise be aligned against
  // opaque blocks it cannot share a single token with.
  const material = sorted.map((raw) => pastedMaterialStart(raw.trim()));
  const everyMemberPastes = material.every((start) => start !== null);
  const opaque = sorted.map((raw, i) =>
    parseMember(raw, vocabulary, everyMemberPastes ? (material[i] ?? null) : null),
  );
  let parsed = opaque;
  let reference = medoidIndex(parsed);
  if (parsed.length === 1) return verbatim(parsed, reference);
  if (opaque.some((member) => member.tokens.some((token) => token.kind === 'code'))) {
    const openVocabulary = new Map<string, number>();
    const open = sorted.map((raw) => parseMember(raw, openVocabulary, null, false));
    if (blocksAreTemplated(opaque, open, reference)) {
      parsed = open;
      reference = medoidIndex(parsed);
    }
  }

  const group = inliers(parsed, reference);
  const candidates = [false, true].map((absorb) => refineCandidate(parsed, reference, group, absorb));
  // Higher coverage wins; on a tie the first (not absorbing, so more literal text) is kept.
  return candidates.reduce((best, next) => (next.result.coverage > best.result.coverage ? next : best))
    .result;
}

/**
 * An inlier the template does not reproduce may still have cost it literal text (it lacked a token
 * everyone else shares). Rebuilding from the reproduced inliers alone recovers that text; keep the
 * rebuild unless it reproduces fewer members.
 */
function refineCandidate(
  members: readonly Member[],
  reference: number,
  initialGroup: readonly number[],
  absorb: boolean,
): Candidate {
  let group = initialGroup;
  let best = buildCandidate(members, reference, group, absorb);
  for (let round = 0; round < 2; round++) {
    const narrowed = group.filter((i) => i === reference || best.covered[i]);
    if (narrowed.length === group.length) break;
    const candidate = buildCandidate(members, reference, narrowed, absorb);
    if (candidate.result.coverage < best.result.coverage) break;
    best = candidate;
    group = narrowed;
  }
  return best;
}

const MAX_EXAMPLES = 5;
/** Fewer shared literal words than this and a "template" would be mostly slots: keep the prompt whole. */
const MIN_LITERAL_WORDS = 2;
/** Pairwise medoid search is quadratic; above this many members score against a canonical sample. */
const MEDOID_SAMPLE = 300;

// ---------------------------------------------------------------------------------------------------
// Tokenisation

type TokenKind = 'word' | 'punct' | 'code';

interface Token {
  kind: TokenKind;
  /** Interned comparison key; code blocks compare with whitespace runs collapsed. */
  key: number;
  start: number;
  end: number;
}

interface Member {
  raw: string;
  /** Trimmed text; token offsets point into it. */
  text: string;
  tokens: Token[];
  keys: number[];
  /** weightPrefix[i] = summed `tokenWeight` of tokens[0..i). */
  weightPrefix: number[];
}

function compareMembers(a: string, b: string): number {
  const ta = a.trim();
  const tb = b.trim();
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `materialStart`: where pasted material starts in the trimmed text, or null to tokenise it all.
 * `codeBlocks` false tokenises code as prose too (see `blocksAreTemplated`).
 */
function parseMember(
  raw: string,
  vocabulary: Map<string, number>,
  materialStart: number | null,
  codeBlocks = true,
): Member {
  const text = raw.trim();
  const instructionEnd = materialStart ?? text.length;
  const tokens: Token[] = [];
  let cursor = 0;
  for (const [start, end] of codeBlocks ? findCodeBlocks(text.slice(0, instructionEnd)) : []) {
    tokenizeProse(text, cursor, start, vocabulary, tokens);
    const key = intern(vocabulary, `c:${text.slice(start, end).replace(/\s+/g, ' ')}`);
    tokens.push({ kind: 'code', key, start, end });
    cursor = end;
  }
  tokenizeProse(text, cursor, instructionEnd, vocabulary, tokens);
  if (instructionEnd < text.length) {
    // Identical material in every member interns to one key and so stays literal text.
    const key = intern(vocabulary, `p:${text.slice(instructionEnd).replace(/\s+/g, ' ')}`);
    tokens.push({ kind: 'code', key, start: instructionEnd, end: text.length });
  }
  const weightPrefix = [0];
  for (const token of tokens) weightPrefix.push((weightPrefix.at(-1) ?? 0) + tokenWeight(token));
  return { raw, text, tokens, keys: tokens.map((t) => t.key), weightPrefix };
}

/**
 * Prose is split at whitespace and only bracket/quote/sentence punctuation is peeled off the chunk
 * edges: `src/app.ts`, `ABC-123`, `#12`, `don't` stay whole, so their inner `/`, `-`, `.` can never
 * become shared "literal" anchors that split one value into several slots.
 */
const LEADING_PUNCT = /^[([{"'`<*\u00ab\u201c\u2018]+/;
const TRAILING_PUNCT = /[)\]}"'`>*,;:.!?\u00bb\u201d\u2019\u2026]+$/;

function tokenizeProse(
  text: string,
  from: number,
  to: number,
  vocabulary: Map<string, number>,
  out: Token[],
): void {
  const push = (kind: TokenKind, start: number, end: number): void => {
    out.push({ kind, key: intern(vocabulary, `t:${text.slice(start, end)}`), start, end });
  };
  for (const [start, end] of proseChunks(text, from, to)) {
    const chunk = text.slice(start, end);
    const lead = LEADING_PUNCT.exec(chunk)?.[0].length ?? 0;
    const trail = TRAILING_PUNCT.exec(chunk.slice(lead))?.[0].length ?? 0;
    const coreStart = start + lead;
    const coreEnd = end - trail;
    for (let i = start; i < coreStart; i++) push('punct', i, i + 1);
    if (coreEnd > coreStart) {
      push(/[\p{L}\p{N}]/u.test(text.slice(coreStart, coreEnd)) ? 'word' : 'punct', coreStart, coreEnd);
    }
    for (let i = Math.max(coreEnd, coreStart); i < end; i++) push('punct', i, i + 1);
  }
}

/**
 * Markup glued to a value without a space: `</p>` and `<b>` tags, `key="…"` and `KEY=…` assignments,
 * `\n` escapes inside a JSON string, an em dash, a (Markdown) link's `(https://` and a possessive
 * `'s`. Cut there, the markup can be literal text around a value instead of merging into it. URLs
 * stay whole, or different URLs would share their `=` as anchors.
 */
const LINK_BOUNDARY = /(?<=\])(?=\()|(?<=\S)(?=\(https?:\/\/)/g;
const MARKUP_BOUNDARY =
  /(?=<\/?[A-Za-z])|(?<=[A-Za-z"'/]>)(?=[^\s>=])|(?<=[\w\]-]=)(?=["'\w])|(?=\\[nrt"])|(?<=\\[nrt"])|(?=\u2014)|(?<=\u2014)|(?<=\p{L})(?=['\u2019]s[)\]}"'`>*,;:.!?\u00bb\u201d\u2019\u2026]*$)/gu;

/** Whitespace-separated chunks of text[from, to), cut at `LINK_BOUNDARY` and `MARKUP_BOUNDARY`. */
function proseChunks(text: string, from: number, to: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  const cut = (start: number, end: number, boundary: RegExp): number[] => {
    const piece = text.slice(start, end);
    const at = [...piece.matchAll(boundary)].map((m) => m.index).filter((i) => i > 0 && i < piece.length);
    return [start, ...new Set(at.map((i) => start + i)), end];
  };
  for (const chunk of text.slice(from, to).matchAll(/\S+/g)) {
    const links = cut(from + chunk.index, from + chunk.index + chunk[0].length, LINK_BOUNDARY);
    for (let i = 0; i + 1 < links.length; i++) {
      const [start, end] = [links[i] ?? 0, links[i + 1] ?? 0];
      const isUrl = /:\/\/|^\W*www\./.test(text.slice(start, end));
      const cuts = isUrl ? [start, end] : cut(start, end, MARKUP_BOUNDARY);
      for (let k = 0; k + 1 < cuts.length; k++) chunks.push([cuts[k] ?? 0, cuts[k + 1] ?? 0]);
    }
  }
  return chunks;
}

function intern(vocabulary: Map<string, number>, key: string): number {
  let id = vocabulary.get(key);
  if (id === undefined) {
    id = vocabulary.size;
    vocabulary.set(key, id);
  }
  return id;
}

/** How much free text a token stands for, when judging whether a value is "long". */
function tokenWeight(token: Token): number {
  return token.kind === 'word' ? 1 : token.kind === 'code' ? 10 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Code blocks: pasted code becomes one opaque token. Aligned token by token, unrelated snippets share
// `(`, `return`, `a`… and those coincidences would chop the code slot into pieces.

type LineClass = 'blank' | 'strong' | 'mixed' | 'indented' | 'codeish' | 'prose';

interface Line {
  start: number;
  end: number;
  cls: LineClass;
  /** Where the code starts inside a `mixed` line ("Explain this: def f(x):"). */
  codeOffset: number;
}

const STRONG_CODE: readonly RegExp[] = [
  /^(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*$/,
  /^class\s+\w+.*[:{]\s*$/,
  /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b/,
  /^func\s+[\w(]/,
  /^(?:pub\s+)?fn\s+\w/,
  /^import\s+[\w{*'"@.]/,
  /^from\s+[\w.]+\s+import\s/,
  /^package\s+[\w.]+;?\s*$/,
  /^#include\b/,
  /^#!\//,
  /^(?:export\s+)?(?:const|let|var)\s+[\w{[]+.*=/,
  /^(?:public|private|protected|static)\s/,
  /^(?:if|for|while|elif|else|switch|try|catch|except|finally|with)\b.*[:{]\s*$/,
  /^return\b/,
  /^[}\])]/,
  /^(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH)\s/,
  /^<\/?[a-zA-Z][\w-]*(?:\s[^>]*)?\/?>/,
  /^(?:\/\/|\/\*|\*\/)/,
];

/** Continuation lines of code that are not distinctive enough to start a block (`x = f(1)`, `print(x)`). */
const CODEISH = /^[A-Za-z_$][\w$]*(?:\s*(?:\(|\[|=(?!=)|\+=|-=)|\.[A-Za-z_$])/;

/** Checked after the patterns above: "Explain this: const y = 2;" is prose followed by code, not code. */
const CODE_LINE_END = /[{;]\s*$/;

function isStrongCode(line: string): boolean {
  const code = line.trimStart();
  return STRONG_CODE.some((pattern) => pattern.test(code)) || CODE_LINE_END.test(code);
}

function classifyLine(line: string): { cls: LineClass; codeOffset: number } {
  if (line.trim() === '') return { cls: 'blank', codeOffset: 0 };
  const code = line.trimStart();
  if (STRONG_CODE.some((pattern) => pattern.test(code))) return { cls: 'strong', codeOffset: 0 };
  for (const colon of line.matchAll(/:[ \t]+/g)) {
    const offset = colon.index + colon[0].length;
    if (isStrongCode(line.slice(offset))) return { cls: 'mixed', codeOffset: offset };
  }
  if (CODE_LINE_END.test(code)) return { cls: 'strong', codeOffset: 0 };
  if (/^(?: {2,}|\t)/.test(line)) return { cls: 'indented', codeOffset: 0 };
  if (CODEISH.test(line)) return { cls: 'codeish', codeOffset: 0 };
  return { cls: 'prose', codeOffset: 0 };
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const piece of text.split('\n')) {
    lines.push({ start, end: start + piece.length, ...classifyLine(piece.replace(/\r$/, '')) });
    start += piece.length + 1;
  }
  return lines;
}

/** Fenced blocks, then runs of code-looking lines that contain at least one unmistakable code line. */
function findCodeBlocks(text: string): Array<[number, number]> {
  const fenced: Array<[number, number]> = [];
  for (const fence of text.matchAll(/```[\s\S]*?(?:```|$)/g)) {
    fenced.push([fence.index, fence.index + fence[0].length]);
  }
  const blocks: Array<[number, number]> = [...fenced];
  const lines = splitLines(text).filter((line) => !fenced.some(([s, e]) => line.end > s && line.start < e));
  const continues = (line: Line | undefined, previous: Line | undefined): boolean =>
    line !== undefined &&
    previous !== undefined &&
    line.start === previous.end + 1 &&
    line.cls !== 'prose' &&
    line.cls !== 'mixed';
  for (let i = 0; i < lines.length;) {
    const first = lines[i];
    if (!first || first.cls === 'prose' || first.cls === 'blank') {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (continues(lines[j], lines[j - 1])) j += 1;
    const run = lines.slice(i, j);
    while (run.length > 0 && run.at(-1)?.cls === 'blank') run.pop();
    const last = run.at(-1);
    if (last && run.some((line) => line.cls === 'strong' || line.cls === 'mixed')) {
      blocks.push([first.start + first.codeOffset, last.end]);
    }
    i = j;
  }
  return blocks.sort((a, b) => a[0] - b[0]);
}

// ---------------------------------------------------------------------------------------------------
// Opaque blocks that are one template: pasted material and code are opaque so that unrelated pastes
// never align on the `(`, `return`, "the" they share by chance. When every member pastes the same
// document up to a few values (a JSON spec, a list of rules with a name filled in), those blocks are
// template text, and an opaque block would turn the whole of it into one slot.

/** Common runs shorter than this are what unrelated texts share by chance. */
const TEMPLATED_RUN = 3;
/**
 * Share of the block tokens, on each side, that long common runs must cover. Code, traces, logs and
 * diffs share much of their structure by nature (`Traceback (most recent call last):`, `} ``` `), so
 * they must be nearly the same text; prose documents that differ share little beyond a few labels.
 */
const TEMPLATED_SHARE_PROSE = 0.5;
const TEMPLATED_SHARE_OTHER = 0.8;

/**
 * Whether, tokenised as prose (`open`), every member's opaque blocks (`opaque`, same texts) and the
 * reference's are the same text up to short differences: long common runs cover most block tokens
 * on both sides.
 */
function blocksAreTemplated(opaque: readonly Member[], open: readonly Member[], reference: number): boolean {
  const ref = open[reference] as Member;
  const refBlocks = blockTokens(opaque[reference] as Member, ref);
  const prose = (opaque[reference] as Member).tokens.every(
    (token) => token.kind !== 'code' || isProse(ref.text.slice(token.start, token.end)),
  );
  const threshold = prose ? TEMPLATED_SHARE_PROSE : TEMPLATED_SHARE_OTHER;
  return open.every((member, i) => {
    if (i === reference) return true;
    const blocks = blockTokens(opaque[i] as Member, member);
    const inRuns = [new Set<number>(), new Set<number>()];
    const pairs = lcsPairs(ref.keys, member.keys);
    for (let start = 0; start < pairs.length;) {
      let end = start + 1;
      while (
        end < pairs.length &&
        pairs[end]?.[0] === (pairs[end - 1]?.[0] ?? 0) + 1 &&
        pairs[end]?.[1] === (pairs[end - 1]?.[1] ?? 0) + 1
      )
        end += 1;
      if (end - start >= TEMPLATED_RUN) {
        for (const [a, b] of pairs.slice(start, end)) {
          inRuns[0]?.add(a);
          inRuns[1]?.add(b);
        }
      }
      start = end;
    }
    const covered = (indices: readonly number[], runs: ReadonlySet<number> | undefined): boolean =>
      indices.filter((k) => runs?.has(k)).length >= threshold * indices.length;
    return covered(refBlocks, inRuns[0]) && covered(blocks, inRuns[1]);
  });
}

/** Indices of `open`'s tokens that lie inside one of `opaque`'s blocks. */
function blockTokens(opaque: Member, open: Member): number[] {
  const blocks = opaque.tokens.filter((token) => token.kind === 'code');
  const indices: number[] = [];
  open.tokens.forEach((token, k) => {
    if (blocks.some((block) => token.start >= block.start && token.end <= block.end)) indices.push(k);
  });
  return indices;
}

// ---------------------------------------------------------------------------------------------------
// Reference and outliers

function medoidIndex(members: readonly Member[]): number {
  const sets = members.map((m) => new Set(m.keys));
  const stride = Math.max(1, Math.ceil(members.length / MEDOID_SAMPLE));
  const sample = members.map((_, i) => i).filter((i) => i % stride === 0);
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  sets.forEach((set, i) => {
    let score = 0;
    for (const j of sample) if (j !== i) score += dice(set, sets[j] ?? new Set());
    // Strict `>` keeps the first (lexicographically smallest) member on ties.
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

function dice(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size + b.size === 0) return 1;
  let shared = 0;
  for (const key of a) if (b.has(key)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/**
 * Members that share at least half of the reference tokens supported by a strict majority of members.
 * If nothing has majority support there is no skeleton to protect and everyone stays in.
 */
function inliers(members: readonly Member[], reference: number): number[] {
  const ref = members[reference] as Member;
  const support = new Array<number>(ref.keys.length).fill(0);
  for (const member of members) {
    for (const [i] of lcsPairs(ref.keys, member.keys)) support[i] = (support[i] ?? 0) + 1;
  }
  const core = ref.keys.filter((_, i) => (support[i] ?? 0) * 2 > members.length);
  const all = members.map((_, i) => i);
  if (core.length === 0) return all;
  return all.filter((i) => lcsPairs(core, members[i]?.keys ?? []).length * 2 >= core.length);
}

// ---------------------------------------------------------------------------------------------------
// Alignment

/**
 * Index pairs of one longest common subsequence. Common prefix/suffix are peeled off first (templates
 * share them, so the quadratic table usually covers only the varying middle).
 */
function lcsPairs(a: readonly number[], b: readonly number[]): Array<[number, number]> {
  let lo = 0;
  while (lo < a.length && lo < b.length && a[lo] === b[lo]) lo += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > lo && endB > lo && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < lo; i++) pairs.push([i, i]);
  const n = endA - lo;
  const m = endB - lo;
  const anchors = n * m > LCS_TABLE_LIMIT ? uniqueAnchors(a, b, lo, endA, endB) : [];
  if (anchors.length > 0) {
    // Between consecutive anchors (and the range ends), each stretch is aligned on its own.
    let [fromA, fromB] = [lo, lo];
    for (const [i, j] of [...anchors, [endA, endB] as [number, number]]) {
      for (const [x, y] of lcsPairs(a.slice(fromA, i), b.slice(fromB, j))) pairs.push([fromA + x, fromB + y]);
      if (i < endA) pairs.push([i, j]);
      [fromA, fromB] = [i + 1, j + 1];
    }
    for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
    return pairs;
  }
  const width = m + 1;
  // Suffix table: table[i][j] = LCS length of a[lo+i..endA) and b[lo+j..endB).
  const table = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const cell = i * width + j;
      table[cell] =
        a[lo + i] === b[lo + j]
          ? (table[cell + width + 1] ?? 0) + 1
          : Math.max(table[cell + width] ?? 0, table[cell + 1] ?? 0);
    }
  }
  // Walking forward and taking every match at once gives the leftmost alignment.
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[lo + i] === b[lo + j]) {
      pairs.push([lo + i, lo + j]);
      i += 1;
      j += 1;
    } else if ((table[(i + 1) * width + j] ?? 0) > (table[i * width + j + 1] ?? 0)) i += 1;
    else j += 1;
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
  return pairs;
}

/**
 * Above this many table cells (a long prompt whose slots sit near both ends), `lcsPairs` first
 * aligns the tokens that occur exactly once on each side, as patience diff does, and fills the
 * stretches between them exactly: the same alignment wherever the unique tokens are template text,
 * at a fraction of the time and memory.
 */
const LCS_TABLE_LIMIT = 1 << 22;

/** Tokens found once in a[lo, endA) and once in b[lo, endB): the longest chain of them in order. */
function uniqueAnchors(
  a: readonly number[],
  b: readonly number[],
  lo: number,
  endA: number,
  endB: number,
): Array<[number, number]> {
  const count = (keys: readonly number[], end: number): Map<number, number> => {
    const seen = new Map<number, number>();
    for (let i = lo; i < end; i++) seen.set(keys[i] ?? -1, seen.has(keys[i] ?? -1) ? -1 : i);
    return seen;
  };
  const inA = count(a, endA);
  const inB = count(b, endB);
  const candidates: Array<[number, number]> = [];
  for (const [key, i] of inA) {
    const j = inB.get(key);
    if (i >= 0 && j !== undefined && j >= 0) candidates.push([i, j]);
  }
  candidates.sort((x, y) => x[0] - y[0]);
  // Longest increasing subsequence of the b positions (patience sorting).
  const tails: number[] = [];
  const previous = new Array<number>(candidates.length).fill(-1);
  candidates.forEach(([, j], index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((candidates[tails[mid] ?? 0]?.[1] ?? 0) < j) low = mid + 1;
      else high = mid;
    }
    previous[index] = low > 0 ? (tails[low - 1] ?? -1) : -1;
    tails[low] = index;
  });
  const chain: Array<[number, number]> = [];
  for (let index = tails.at(-1) ?? -1; index >= 0; index = previous[index] ?? -1) {
    chain.push(candidates[index] as [number, number]);
  }
  return chain.reverse();
}

/** Reference token indices that every member of the group shares, in order. */
function skeleton(members: readonly Member[], reference: number, group: readonly number[]): number[] {
  const ref = members[reference] as Member;
  let kept = ref.keys.map((_, i) => i);
  for (const index of group) {
    if (index === reference || kept.length === 0) continue;
    const keys = kept.map((i) => ref.keys[i] ?? -1);
    kept = lcsPairs(keys, members[index]?.keys ?? []).map(([k]) => kept[k] ?? -1);
  }
  return kept;
}

/**
 * Where each skeleton token sits in `member`. A skeleton token can occur several times; among the
 * embeddings, prefer the one whose gaps are empty/non-empty exactly where the reference's are (so
 * "VS code extension code for" does not open a new slot after the first "code"), then leftmost.
 */
function embed(ref: Member, constants: readonly number[], member: Member): number[] {
  const k = constants.length;
  const m = member.tokens.length;
  if (k === 0) return [];
  const refGapEmpty = (gap: number): boolean => {
    const before = gap === 0 ? -1 : (constants[gap - 1] ?? -1);
    const after = gap === k ? ref.tokens.length : (constants[gap] ?? 0);
    return after - before === 1;
  };
  const penalty = (gap: number, memberEmpty: boolean): number => (refGapEmpty(gap) === memberEmpty ? 0 : 1);
  const INF = 1 << 29;
  // Only positions holding a constant's token can hold it: the table is kept per constant over those
  // positions alone, as a full constants × tokens table is quadratic in a long prompt's length.
  const occurrences = new Map<number, number[]>();
  member.keys.forEach((key, j) => {
    const list = occurrences.get(key);
    if (list) list.push(j);
    else occurrences.set(key, [j]);
  });
  const at = (c: number): number[] => occurrences.get(ref.keys[constants[c] ?? -1] ?? -1) ?? [];
  const costs: Int32Array[] = [];
  /** Per constant and position: the index, among the previous constant's positions, it comes after. */
  const from: Int32Array[] = [];
  costs.push(Int32Array.from(at(0), (j) => penalty(0, j === 0)));
  from.push(new Int32Array(at(0).length).fill(-1));
  for (let c = 1; c < k; c++) {
    const gapPenaltyOpen = penalty(c, false);
    const gapPenaltyClosed = penalty(c, true);
    const previous = at(c - 1);
    const previousCost = costs[c - 1] as Int32Array;
    const positions = at(c);
    const cost = new Int32Array(positions.length).fill(INF);
    const back = new Int32Array(positions.length).fill(-1);
    let prefixBest = INF;
    let prefixArg = -1;
    let p = 0;
    positions.forEach((j, q) => {
      // Predecessors that leave a non-empty gap before j, i.e. at j-2 or earlier.
      for (; p < previous.length && (previous[p] ?? 0) <= j - 2; p++) {
        if ((previousCost[p] ?? INF) < prefixBest) {
          prefixBest = previousCost[p] ?? INF;
          prefixArg = p;
        }
      }
      const adjacentAt = previous[p] === j - 1 ? p : -1;
      const adjacent = adjacentAt >= 0 ? (previousCost[adjacentAt] ?? INF) + gapPenaltyClosed : INF;
      const spaced = prefixBest + gapPenaltyOpen;
      if (adjacent <= spaced && adjacent < INF) {
        cost[q] = adjacent;
        back[q] = adjacentAt;
      } else if (spaced < INF) {
        cost[q] = spaced;
        back[q] = prefixArg;
      }
    });
    costs.push(cost);
    from.push(back);
  }
  const last = at(k - 1);
  let end = -1;
  let endCost = INF;
  last.forEach((j, q) => {
    const total = (costs[k - 1]?.[q] ?? INF) + penalty(k, j === m - 1);
    if (total < endCost) {
      endCost = total;
      end = q;
    }
  });
  const positions = new Array<number>(k).fill(-1);
  for (let c = k - 1; c >= 0 && end >= 0; c--) {
    positions[c] = at(c)[end] ?? -1;
    end = from[c]?.[end] ?? -1;
  }
  return positions;
}

// ---------------------------------------------------------------------------------------------------
// Template construction

interface Alignment {
  members: readonly Member[];
  reference: number;
  group: readonly number[];
  /** Reference token indices kept as literal text. */
  constants: number[];
  /** Per member index (group only): token index of each constant. */
  positions: Map<number, number[]>;
}

/** Token range [from, to) of gap `gap` (before constant `gap`) in a member. */
function gapRange(alignment: Alignment, memberIndex: number, gap: number): [number, number] {
  const member = alignment.members[memberIndex] as Member;
  const positions =
    memberIndex === alignment.reference ? alignment.constants : (alignment.positions.get(memberIndex) ?? []);
  const from = gap === 0 ? 0 : (positions[gap - 1] ?? 0) + 1;
  const to = gap === positions.length ? member.tokens.length : (positions[gap] ?? 0);
  return [from, to];
}

function gapIsVariable(alignment: Alignment, gap: number): boolean {
  return [alignment.reference, ...alignment.group].some((i) => {
    const [from, to] = gapRange(alignment, i, gap);
    return to > from;
  });
}

/**
 * Short literals between two slots that hold long free text are mostly coincidences: two pasted
 * articles share "the", "a", "," somewhere, and an LCS happily aligns them. Such a literal is dropped
 * (its neighbours merge into one slot) when:
 * - it is at most two tokens and has no line break around it (an instruction line followed by pasted
 *   content, like "…issues:\n<code>", is real structure);
 * - it consists of function words / prose punctuation only and the slots around it average at least
 *   `LONG_VALUE_WORDS` words together, or it holds a content word and each side alone averages that much.
 * "Compare {{a}} and {{b}}" with two short values survives; with two paragraphs it becomes one slot,
 * which is also what lazy matching could reliably split.
 */
function spuriousConstants(alignment: Alignment, variable: readonly boolean[]): Set<number> {
  const { constants, members, reference } = alignment;
  const ref = members[reference] as Member;
  const all = [reference, ...alignment.group];
  const averageWeight = (gap: number): number =>
    all.reduce((sum, i) => sum + gapWeight(alignment, i, gap), 0) / all.length;
  const drop = new Set<number>();
  for (let c = 0; c < constants.length;) {
    let last = c;
    while (last + 1 < constants.length && !variable[last + 1]) last += 1;
    const short = last - c < 2 && variable[c] && variable[last + 1] && !breaksLine(ref, constants, c, last);
    if (short) {
      const left = averageWeight(c);
      const right = averageWeight(last + 1);
      const weak = constants.slice(c, last + 1).every((i) => isWeakToken(ref, i));
      const coincidental = weak
        ? left + right >= LONG_VALUE_WORDS
        : Math.min(left, right) >= LONG_VALUE_WORDS;
      if (coincidental) for (let k = c; k <= last; k++) drop.add(k);
    }
    c = last + 1;
  }
  return drop;
}

const LONG_VALUE_WORDS = 8;
const WEAK_PUNCT = new Set([',', '.', ';', '(', ')', '"', "'", '-', '\u2013', '\u2014']);

function isWeakToken(ref: Member, index: number): boolean {
  const token = ref.tokens[index];
  if (!token) return true;
  const text = ref.text.slice(token.start, token.end);
  if (token.kind === 'punct') return WEAK_PUNCT.has(text);
  const word = text.toLowerCase();
  return token.kind === 'word' && (STOPWORDS.has(word) || PRECEDING_WORD_NAMES.has(word));
}

/**
 * A slot must hold at least one character, so a variable gap that is empty in a member ("Write a poem"
 * vs "Write a short poem") cannot reproduce that member. Absorbing the next literal token into the slot
 * ("Write a {{x}} about", x = "poem" / "short poem") fixes it. Always done for the reference (a template
 * should reproduce its own reference); for other members only when `everyMember` is set, because
 * absorbing can also just merge two meaningful slots for one odd member.
 */
function unreproducibleGaps(
  alignment: Alignment,
  variable: readonly boolean[],
  everyMember: boolean,
): Set<number> {
  const absorb = new Set<number>();
  const last = alignment.constants.length;
  const checked = everyMember ? [alignment.reference, ...alignment.group] : [alignment.reference];
  variable.forEach((isVariable, gap) => {
    const empty = checked.some((i) => {
      const [from, to] = gapRange(alignment, i, gap);
      return to <= from;
    });
    if (isVariable && empty) absorb.add(gap < last ? gap : gap - 1);
  });
  return absorb;
}

function breaksLine(ref: Member, constants: readonly number[], first: number, last: number): boolean {
  const startToken = (constants[first] ?? 0) - 1;
  const endToken = (constants[last] ?? 0) + 1;
  const from = startToken >= 0 ? (ref.tokens[startToken]?.end ?? 0) : 0;
  const to = ref.tokens[endToken]?.start ?? ref.text.length;
  return ref.text.slice(from, to).includes('\n');
}

function gapWeight(alignment: Alignment, memberIndex: number, gap: number): number {
  const member = alignment.members[memberIndex] as Member;
  const [from, to] = gapRange(alignment, memberIndex, gap);
  return (member.weightPrefix[to] ?? 0) - (member.weightPrefix[from] ?? 0);
}

/**
 * The skeleton and its embeddings depend on the group alone, not on the absorbing variant: both
 * variants (and refinement rounds that narrow to the same group) reuse them. Keyed by the parsed
 * members, so nothing outlives one induction.
 */
const embeddings = new WeakMap<readonly Member[], Map<string, Pick<Alignment, 'constants' | 'positions'>>>();

function skeletonEmbedding(
  members: readonly Member[],
  reference: number,
  group: readonly number[],
): Pick<Alignment, 'constants' | 'positions'> {
  const cache = embeddings.get(members) ?? new Map<string, Pick<Alignment, 'constants' | 'positions'>>();
  embeddings.set(members, cache);
  const key = `${reference}:${group.join(',')}`;
  let found = cache.get(key);
  if (!found) {
    const ref = members[reference] as Member;
    const constants = skeleton(members, reference, group);
    const positions = new Map(
      group
        .filter((i) => i !== reference)
        .map((i) => [i, embed(ref, constants, members[i] as Member)] as const),
    );
    found = { constants, positions };
    cache.set(key, found);
  }
  // `align` narrows its copy.
  return {
    constants: [...found.constants],
    positions: new Map([...found.positions].map(([i, at]) => [i, [...at]] as const)),
  };
}

function align(
  members: readonly Member[],
  reference: number,
  group: readonly number[],
  absorbEveryMember: boolean,
): Alignment {
  const others = group.filter((i) => i !== reference);
  const alignment: Alignment = {
    members,
    reference,
    group: others,
    ...skeletonEmbedding(members, reference, group),
  };
  for (;;) {
    const variable = alignment.constants.map((_, gap) => gapIsVariable(alignment, gap));
    variable.push(gapIsVariable(alignment, alignment.constants.length));
    const drop = new Set([
      ...spuriousConstants(alignment, variable),
      ...unreproducibleGaps(alignment, variable, absorbEveryMember),
    ]);
    if (drop.size === 0) return alignment;
    const keep = (_: number, k: number): boolean => !drop.has(k);
    alignment.constants = alignment.constants.filter(keep);
    for (const [i, pos] of alignment.positions) alignment.positions.set(i, pos.filter(keep));
  }
}

type Part = { literal: string } | { slot: number; fallbackValues: string[] };

/** Literal text is cut from the reference, so it keeps the reference's own spelling and whitespace. */
function templateParts(alignment: Alignment): Part[] {
  const { constants, members, reference } = alignment;
  const ref = members[reference] as Member;
  const parts: Part[] = [];
  let slots = 0;
  for (let gap = 0; gap <= constants.length; gap++) {
    const leftEnd = gap === 0 ? 0 : (ref.tokens[constants[gap - 1] ?? 0]?.end ?? 0);
    const rightStart =
      gap === constants.length ? ref.text.length : (ref.tokens[constants[gap] ?? 0]?.start ?? 0);
    if (gapIsVariable(alignment, gap)) {
      // `align` guarantees the reference has tokens in every variable gap.
      const [from, to] = gapRange(alignment, reference, gap);
      const coreStart = ref.tokens[from]?.start ?? leftEnd;
      const coreEnd = ref.tokens[to - 1]?.end ?? rightStart;
      parts.push(
        { literal: ref.text.slice(leftEnd, coreStart) },
        { slot: slots++, fallbackValues: gapValues(alignment, gap) },
        { literal: ref.text.slice(coreEnd, rightStart) },
      );
    } else {
      parts.push({ literal: ref.text.slice(leftEnd, rightStart) });
    }
    const token = gap < constants.length ? ref.tokens[constants[gap] ?? 0] : undefined;
    if (token) parts.push({ literal: ref.text.slice(token.start, token.end) });
  }
  return mergeLiterals(parts);
}

function gapValues(alignment: Alignment, gap: number): string[] {
  const values: string[] = [];
  for (const i of [alignment.reference, ...alignment.group].sort((a, b) => a - b)) {
    const member = alignment.members[i] as Member;
    const [from, to] = gapRange(alignment, i, gap);
    if (to <= from) continue;
    values.push(member.text.slice(member.tokens[from]?.start ?? 0, member.tokens[to - 1]?.end ?? 0));
  }
  return values;
}

function mergeLiterals(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    if ('literal' in part && previous && 'literal' in previous) previous.literal += part.literal;
    else if (!('literal' in part) || part.literal !== '') merged.push('literal' in part ? { ...part } : part);
  }
  return merged;
}

function renderParts(parts: readonly Part[], names: readonly string[]): string {
  return parts
    .map((part) => ('literal' in part ? part.literal : `{{${names[part.slot] ?? 'value'}}}`))
    .join('');
}

function literalWordCount(alignment: Alignment): number {
  const ref = alignment.members[alignment.reference] as Member;
  return alignment.constants.filter((i) => ref.tokens[i]?.kind !== 'punct').length;
}

// ---------------------------------------------------------------------------------------------------
// Candidates, coverage, verbatim fallback

interface Candidate {
  result: InducedTemplate;
  covered: boolean[];
}

function buildCandidate(
  members: readonly Member[],
  reference: number,
  group: readonly number[],
  absorbEveryMember: boolean,
): Candidate {
  const alignment = align(members, reference, group, absorbEveryMember);
  let parts = templateParts(alignment);
  const slotCount = parts.filter((part) => 'slot' in part).length;
  const literalWords = literalWordCount(alignment);
  // No slots means the group is the reference up to whitespace: keep it verbatim like the too-different case.
  if (slotCount === 0 || literalWords < MIN_LITERAL_WORDS) return verbatimCandidate(members, reference);
  let evaluated = evaluateParts(members, parts);
  const merged = mergeConnectedSlots(parts, evaluated.slotValues, literalWords);
  if (merged) {
    // A merged template is strictly more permissive, so this only guards against surprises.
    const next = evaluateParts(members, merged);
    if (share(next.covered) >= share(evaluated.covered) && next.covered.some(Boolean)) {
      parts = merged;
      evaluated = next;
    }
  }
  const { slotValues, covered } = evaluated;
  const names = nameSlots(parts, slotValues);
  const slots = names.map((name, s) => ({
    name,
    examples: distinct(slotValues[s] ?? []).slice(0, MAX_EXAMPLES),
  }));
  return {
    result: { template: renderParts(parts, names), slots, coverage: share(covered) },
    covered,
  };
}

/** Each slot's values over the members the parts reproduce (the alignment's values if none), and which. */
function evaluateParts(
  members: readonly Member[],
  parts: readonly Part[],
): { slotValues: string[][]; covered: boolean[] } {
  // Provisional names only to find each member's values; final names depend on those values.
  const provisional = parts.flatMap((part) => ('slot' in part ? [`slot_${part.slot}`] : []));
  const provisionalTemplate = renderParts(parts, provisional);
  const matches = members.map((member) => matchTemplate(provisionalTemplate, member.raw));
  const slotValues = provisional.map((name, s) => {
    const matched = matches.flatMap((values) => (values && values[name] !== undefined ? [values[name]] : []));
    const part = parts.find((p) => 'slot' in p && p.slot === s);
    return matched.length > 0 ? matched : part && 'slot' in part ? part.fallbackValues : [];
  });
  return { slotValues, covered: matches.map((values) => values !== null) };
}

// ---------------------------------------------------------------------------------------------------
// Connected slots: "for {{a}} and {{b}}:" where every member lists two concerns is one list-valued slot.

/** Words that only join two parts of one value; commas and whitespace may surround them. */
const CONNECTORS = new Set(['and', 'or', '&', 'of', 'with', 'in', 'to', 'the', 'a', 'an']);
const MAX_CONNECTOR_WORDS = 2;
/** "between {{a}} and {{b}}": the first word announces two values, so they stay two slots. */
const PAIRED_CONNECTORS: ReadonlyMap<string, string> = new Map([
  ['between', 'and'],
  ['both', 'and'],
  ['either', 'or'],
]);

/** The connector words of a literal that holds nothing else (on one line), else null. */
function connectorWords(literal: string): string[] | null {
  if (literal.includes('\n')) return null;
  const words = literal
    .split(/[\s,]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
  const onlyConnectors = words.length <= MAX_CONNECTOR_WORDS && words.every((word) => CONNECTORS.has(word));
  return onlyConnectors ? words : null;
}

/**
 * Two slots a connector literal separates become one slot whose values keep the connector. They stay
 * apart when either holds typed values ("Compare {{language}} and {{language_2}}", "for {{purpose}} in
 * {{number}} bullet points"), when the connector names the second slot's role ("from {{source}} to
 * {{target}}", "… with {{tool}}"), when a paired word announced two values ("between {{a}} and {{b}}"),
 * or when merging would leave fewer than `MIN_LITERAL_WORDS` literal words. Null when nothing merges.
 */
function mergeConnectedSlots(
  parts: readonly Part[],
  values: readonly string[][],
  literalWords: number,
): Part[] | null {
  const typed = values.map((v) => nameFromValues(v) !== null);
  const merged: Part[] = [];
  let before = '';
  let removedWords = 0;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as Part;
    if ('literal' in part) {
      merged.push(part);
      before += part.literal;
      continue;
    }
    const opener = precedingWord(before);
    // `part` absorbs the slots it merges with; it stays untyped, as both sides must be.
    for (;;) {
      const literal = parts[k + 1];
      const next = parts[k + 2];
      if (!literal || !('literal' in literal) || !next || !('slot' in next)) break;
      const words = connectorWords(literal.literal);
      if (!words || typed[part.slot] || typed[next.slot]) break;
      if (words.some((word) => PRECEDING_WORD_NAMES.has(word))) break;
      const partner = PAIRED_CONNECTORS.get(opener ?? '');
      if (partner && words.includes(partner)) break;
      removedWords += words.filter((word) => /\p{L}/u.test(word)).length;
      k += 2;
    }
    merged.push(part);
    before += ' ';
  }
  if (removedWords === 0 && merged.length === parts.length) return null;
  if (literalWords - removedWords < MIN_LITERAL_WORDS) return null;
  // Renumber the slots in order.
  let next = 0;
  return merged.map((part) =>
    'slot' in part ? { slot: next++, fallbackValues: part.fallbackValues } : part,
  );
}

function verbatimCandidate(members: readonly Member[], reference: number): Candidate {
  const template = (members[reference] as Member).raw;
  const covered = members.map((member) => matchTemplate(template, member.raw) !== null);
  return { result: { template, slots: [], coverage: share(covered) }, covered };
}

function verbatim(members: readonly Member[], reference: number): InducedTemplate {
  return verbatimCandidate(members, reference).result;
}

function share(flags: readonly boolean[]): number {
  return flags.length === 0 ? 0 : flags.filter(Boolean).length / flags.length;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------------
// Slot naming

/** Programming and natural languages a `{{language}}` slot typically holds. */
const LANGUAGES = new Set(
  (
    'python go golang typescript javascript js ts node.js nodejs rust java kotlin swift scala ruby php perl ' +
    'c c++ cpp c# csharp f# objective-c dart elixir erlang haskell clojure lua r julia matlab sql postgresql ' +
    'mysql bash shell powershell zsh html css scss yaml json graphql solidity assembly cobol fortran vba ' +
    'groovy ocaml zig nim english french german spanish italian portuguese dutch swedish norwegian danish ' +
    'finnish polish czech russian ukrainian greek turkish arabic hebrew hindi bengali urdu chinese mandarin ' +
    'cantonese japanese korean vietnamese thai indonesian malay persian farsi romanian hungarian latin'
  ).split(' '),
);

const CODE_VALUE =
  /[{}]|;\s*$|^\s*(?:def|function|func|fn)\s+\w+\s*\(|^\s*(?:const|let|var)\s+\w+\s*=|^\s*from\s+[\w.]+\s+import\s|^\s*import\s+[\w.{*]+|^\s*#include\b|=>|\w\([^)]*\)\s*[{:]\s*$/m;

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DATE_VALUE = new RegExp(
  [
    '^\\d{4}-\\d{2}-\\d{2}(?:[t ]\\d{2}:\\d{2}(?::\\d{2})?(?:\\.\\d+)?(?:z|[+-]\\d{2}:?\\d{2})?)?$',
    '^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}$',
    `^${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?$`,
    `^\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}(?:,?\\s+\\d{4})?$`,
    `^${MONTH}\\s+\\d{4}$`,
    '^(?:today|yesterday|tomorrow|(?:last|next)\\s+(?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday))$',
  ].join('|'),
  'i',
);

const KNOWN_EXTENSION =
  /\.(?:ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|kt|rb|php|c|h|cc|cpp|hpp|cs|swift|json|ya?ml|toml|md|txt|csv|html?|css|scss|sql|sh|xml|ini|env|lock|cfg|conf|log)$/i;

/** In priority order; the first kind that fits at least half of the distinct values names the slot. */
const VALUE_KINDS: ReadonlyArray<[string, (value: string) => boolean]> = [
  ['diff', isDiff],
  ['stack_trace', isStackTrace],
  ['log', isLog],
  ['code', (v) => (v.includes('\n') ? !isProse(v) : CODE_VALUE.test(v))],
  ['text', (v) => v.includes('\n') && isProse(v)],
  ['language', (v) => LANGUAGES.has(v.toLowerCase())],
  ['url', (v) => /^(?:https?:\/\/|www\.)\S+$/i.test(v)],
  ['file_path', isFilePath],
  ['ticket_id', (v) => /^(?:[A-Z][A-Z0-9]{1,9}-\d+|#\d+)$/.test(v)],
  ['email', (v) => /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(v)],
  ['number', (v) => /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/.test(v)],
  ['date', (v) => DATE_VALUE.test(v)],
];

function nonBlankLines(value: string): string[] {
  return value.split('\n').filter((line) => line.trim() !== '');
}

/** A unified diff: its headers, or a run of `+`/`-` lines that has both kinds. */
function isDiff(value: string): boolean {
  if (/^diff --git |^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/m.test(value)) return true;
  if (/^--- \S/m.test(value) && /^\+\+\+ \S/m.test(value)) return true;
  const lines = nonBlankLines(value);
  const added = lines.filter((line) => line.startsWith('+')).length;
  const removed = lines.filter((line) => line.startsWith('-')).length;
  return lines.length >= 2 && added > 0 && removed > 0 && (added + removed) * 2 >= lines.length;
}

/** A trace header (Python, Go, Rust, Java threads). */
const TRACE_HEADER =
  /^(?:Traceback \(most recent call last\):|goroutine \d+ \[|panic: |thread '.*' panicked at|Exception in thread )/m;
/** One stack frame: JS/Java/C# `at …`, Python `File "…", line N`, Ruby `from x.rb:N`, Go `\tpath.go:N`. */
const TRACE_FRAME =
  /^\s*(?:at\s+\S.*(?:\(.*\)|:\d+)\s*$|File ".+", line \d+|from\s+\S+:\d+:in\b|\S+\.go:\d+(?:\s+\+0x[0-9a-f]+)?\s*$|\.\.\. \d+ more\s*$|Caused by: )/;

function isStackTrace(value: string): boolean {
  const lines = nonBlankLines(value);
  const frames = lines.filter((line) => TRACE_FRAME.test(line)).length;
  return (TRACE_HEADER.test(value) && frames >= 1) || (frames >= 2 && frames * 3 >= lines.length);
}

/** A log line starts with a timestamp (with seconds), a level, a klog header or a JSON log key. */
const LOG_LINE =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}|\[?\d{2}:\d{2}:\d{2}\b|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}|\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL)\b|[IWEF]\d{4} \d{2}:\d{2}:\d{2}|\{"(?:level|ts|time|timestamp|msg|severity)")/;

function isLog(value: string): boolean {
  const lines = nonBlankLines(value);
  return lines.length >= 2 && lines.filter((line) => LOG_LINE.test(line)).length * 2 >= lines.length;
}

/** Lowercase function words: plentiful in sentences, rare in code (which names things instead). */
const FUNCTION_WORDS = new Set(
  (
    'the a an of to in on at by for from with and or but not no is are was were be been has have had will ' +
    'would can could should it its this that these those we our you your they their he she his her which ' +
    'who what when after before into about than then so if as all any some there also'
  ).split(' '),
);
/**
 * Identifiers, operators and brackets: code (and queries, configs) are full of these. A lone `-` or `*`
 * is a list bullet or a dash in prose; `;` and `*` also end sentences and mark emphasis.
 */
const SYMBOLIC_TOKEN = /[=_{}<>[\]\\|$`]|\w\(|^(?:[+/%^~?]|[-+*/%=!<>&|]{2,})$/;

/**
 * Prose rather than code: most lines read as prose (`classifyLine`), and the words are sentence words
 * (function words present, few identifier/operator tokens). A pasted report, email or article passes;
 * SQL, configs and code, even lowercase and unindented, fail on the symbols.
 */
function isProse(value: string): boolean {
  if (value.includes('```')) return false;
  const lines = nonBlankLines(value);
  const proseLines = lines.filter((line) => classifyLine(line).cls === 'prose').length;
  const tokens = value.split(/\s+/).filter((token) => token !== '');
  if (tokens.length === 0) return false;
  const functionWords = tokens.filter((token) => FUNCTION_WORDS.has(token.replace(/[^\p{L}]+/gu, ''))).length;
  const symbolic = tokens.filter((token) => SYMBOLIC_TOKEN.test(token)).length;
  return (
    proseLines * 3 >= lines.length * 2 &&
    functionWords >= tokens.length * 0.1 &&
    symbolic <= tokens.length * 0.1
  );
}

function isFilePath(value: string): boolean {
  if (/^[A-Za-z]:\\\S*$/.test(value)) return true;
  if (/\s/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (/^(?:~|\.{1,2})?\/[\w.@/-]*$/.test(value)) return true;
  const segments = value.split(/[/\\]/);
  if (!segments.every((s) => /^[\w.@-]+$/.test(s))) return false;
  return KNOWN_EXTENSION.test(value) || segments.length > 2;
}

const PRECEDING_WORD_NAMES: ReadonlyMap<string, string> = new Map([
  ['for', 'purpose'],
  ['using', 'tool'],
  ['with', 'tool'],
  ['about', 'topic'],
  ['on', 'topic'],
  ['regarding', 'topic'],
  ['into', 'target'],
  ['to', 'target'],
  ['from', 'source'],
  ['as', 'role'],
  ['like', 'role'],
  ['named', 'name'],
  ['called', 'name'],
  ['titled', 'title'],
]);

const STOPWORDS = new Set(
  (
    'a an the this that these those my your our their its his her some any all each every following below ' +
    'above here there it them me us you we i please can could would should will shall may might must do ' +
    'does did is are was were be been being am have has had and or but nor so yet not no of in at by with ' +
    'without within than then also just very more most such same other own only using via per up out over ' +
    'under again once given provided attached next last new few many much what which who whom whose how ' +
    'why when where if else let get make'
  ).split(' '),
);

function nameSlots(parts: readonly Part[], values: readonly string[][]): string[] {
  const used = new Set<string>();
  const names: string[] = [];
  let before = '';
  for (const part of parts) {
    if ('literal' in part) {
      before += part.literal;
      continue;
    }
    const slotValues = values[part.slot] ?? [];
    const base = nameFromValues(slotValues) ?? nameFromContext(before, slotValues);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    names.push(name);
    before += ' ';
  }
  return names;
}

function nameFromValues(values: readonly string[]): string | null {
  const candidates = distinct(values.map((v) => v.trim()).filter((v) => v !== ''));
  if (candidates.length === 0) return null;
  for (const [name, fits] of VALUE_KINDS) {
    if (candidates.filter(fits).length * 2 >= candidates.length) return name;
  }
  return null;
}

/** Skipped when looking for the preposition before a slot: "act as a {{role}}", "about the {{topic}}". */
const DETERMINERS = new Set('a an the this that these those my your our their his her its some'.split(' '));

/** The word right before a slot (determiners skipped), or null when punctuation separates them. */
function precedingWord(before: string): string | null {
  if (!/[\p{L}\p{N}_]\s*$/u.test(before)) return null;
  const words = [...before.matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => m[0].toLowerCase());
  let i = words.length - 1;
  while (i > 0 && DETERMINERS.has(words[i] ?? '')) i -= 1;
  return words[i] ?? null;
}

/** At least half of the distinct non-empty values fit (the same majority rule as `VALUE_KINDS`). */
function fitsMost(values: readonly string[], fits: (value: string) => boolean): boolean {
  const candidates = distinct(values.map((v) => v.trim()).filter((v) => v !== ''));
  return candidates.length > 0 && candidates.filter(fits).length * 2 >= candidates.length;
}

/** Nouns for groups of people a text is written for ("for the on-call engineers"). */
const PEOPLE = new Set(
  (
    'team teams stakeholders stakeholder customers customer clients client users user engineers engineer ' +
    'developers developer devs managers manager management support executives executive execs leadership ' +
    'leaders on-call oncall agents staff employees colleagues coworkers peers board investors partners ' +
    'audience readers students beginners newcomers juniors interns recruiters designers marketers sales ' +
    'admins administrators analysts researchers members people folks everyone leads owners founders ' +
    'parents kids children patients reviewers testers sres operators subscribers'
  ).split(' '),
);

/** The head noun is a people noun: the last word, or the word before a trailing "of/at/in/on/from/who…". */
function isPeopleGroup(value: string): boolean {
  const words = value.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const cut = words.findIndex((w, i) => i > 0 && /^(?:of|at|in|on|from|who|that|with)$/.test(w));
  const head = cut > 0 ? words[cut - 1] : words.at(-1);
  return PEOPLE.has(head ?? '');
}

function nameFromContext(before: string, values: readonly string[]): string {
  const words = [...before.matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => m[0].toLowerCase());
  const preceding = precedingWord(before);
  const mapped = PRECEDING_WORD_NAMES.get(preceding ?? '');
  if (preceding === 'for' && fitsMost(values, isPeopleGroup)) return 'audience';
  if (mapped) return mapped;
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i] ?? '';
    if (STOPWORDS.has(word) || PRECEDING_WORD_NAMES.has(word)) continue;
    const name = snakeCase(word);
    if (name) return name;
  }
  return 'value';
}

function snakeCase(word: string): string | null {
  const name = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return /^[a-z][a-z0-9_]+$/.test(name) ? name : null;
}
