import { errorMessage } from '../errors.js';
import { induceTemplate, type InducedTemplate } from '../normalize/induce-template.js';
import { matchTemplate, SLOT_PATTERN } from '../normalize/template-text.js';
import type { SlotSpan, SlottedItem } from './labelled-sets.js';

/*
 * How well template induction recovers slot boundaries.
 *
 * Each group is the fills of one known template. `induceTemplate` sees the group's texts as a pattern's
 * members, `matchTemplate` gives every member's value for each induced slot, and those values are
 * located in the member (`predictedSpans`). Then, per member:
 *
 * - Both true and predicted spans are trimmed of whitespace, punctuation and symbols at their edges
 *   (`"${Genre}"` vs `{{genre}}` with the quotes inside, `**${Name}**`, a trailing comma): where a
 *   quote goes is a matter of taste, where a value starts and ends is not.
 * - A true slot is recovered when a predicted span equals it exactly. Spans of one member never
 *   overlap, so at most one predicted span can equal a true one: matched predicted = matched true.
 * - Predicted slots that are placeholders every member already held (`{{period}}` written in the
 *   prompt itself, which induction keeps as a slot of its own) are literal text here, not predictions.
 * - A member the template does not reproduce has no predicted spans: its true slots count as missed.
 *
 * precision = matched / predicted spans, recall = matched / true spans, both summed over every member
 * of every group (micro average, so a template with 50 slots weighs 50 times one with one slot), and
 * F1 their harmonic mean. A template is exact when its literal text, cut at its slots, equals the true
 * template's (whitespace runs collapsed, placeholders every member held counted as literal text).
 *
 * What no induction can recover: when every fill of a slot starts (or ends) with the same word, that
 * word is literal text as far as the fills show. The templated set's generator makes this common:
 * half its values are "a <adjective> <noun>", so all 4 fills of a slot start with "a" about one time
 * in 16 (the topic values share no first or last word often enough to matter). Such shared edge words
 * are moved from the true span to the literal text (`recoverableSpans`, counted in `shrunk`) before
 * scoring, always leaving each value at least one word; "exact" compares with the template narrowed
 * the same way. On the real set that narrows 496 of 6,968 slot occurrences (7%).
 *
 * What is scored as missed although induction does it on purpose or cannot do better: two true slots
 * with only whitespace between them (`${firstname} ${lastname}`), which nothing in the fills separates;
 * slots only a connector separates ("${a} and ${b}"), which induction merges into one list-valued slot
 * by design; and values glued to literal text with no space or markup boundary (`${size}px`,
 * `/api/${id}?key=`), which stay inside one token.
 */

export interface SlotGroup {
  label: string;
  /** Fills of one template, each with its true slot spans in text order. */
  members: ReadonlyArray<{ text: string; slots: readonly SlotSpan[] }>;
}

export interface TemplateSlotScore {
  label: string;
  members: number;
  /** The induced template. */
  template: string;
  /** The first member with its (recoverable) true slots as `{{}}`, for reading beside `template`. */
  expected: string;
  trueSlots: number;
  predictedSlots: number;
  matched: number;
  /** Members the induced template does not reproduce. */
  unmatchedMembers: number;
  /** True slot occurrences (over all members) made smaller by `recoverableSpans`. */
  shrunk: number;
  exact: boolean;
  /** Why induction failed on this group, when it threw. */
  error?: string;
}

export interface SlotEvaluation {
  templates: number;
  members: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of templates whose literal text is exactly the true template's. */
  exactTemplates: number;
  trueSlots: number;
  predictedSlots: number;
  matched: number;
  shrunk: number;
  perTemplate: TemplateSlotScore[];
}

/** The labelled items' groups, in order of first appearance; noise (label null) is left out. */
export function slotGroups(items: readonly SlottedItem[]): SlotGroup[] {
  const groups = new Map<string, Array<{ text: string; slots: readonly SlotSpan[] }>>();
  for (const item of items) {
    if (item.label === null) continue;
    const members = groups.get(item.label) ?? [];
    members.push({ text: item.text, slots: item.slots });
    groups.set(item.label, members);
  }
  return [...groups].map(([label, members]) => ({ label, members }));
}

export function evaluateSlots(groups: readonly SlotGroup[]): SlotEvaluation {
  const perTemplate = groups.map(scoreGroup);
  const sum = (pick: (t: TemplateSlotScore) => number): number =>
    perTemplate.reduce((total, t) => total + pick(t), 0);
  const trueSlots = sum((t) => t.trueSlots);
  const predictedSlots = sum((t) => t.predictedSlots);
  const matched = sum((t) => t.matched);
  const precision = predictedSlots === 0 ? 0 : matched / predictedSlots;
  const recall = trueSlots === 0 ? 0 : matched / trueSlots;
  return {
    templates: perTemplate.length,
    members: sum((t) => t.members),
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    exactTemplates:
      perTemplate.length === 0 ? 0 : perTemplate.filter((t) => t.exact).length / perTemplate.length,
    trueSlots,
    predictedSlots,
    matched,
    shrunk: sum((t) => t.shrunk),
    perTemplate,
  };
}

function scoreGroup(group: SlotGroup): TemplateSlotScore {
  const texts = group.members.map((member) => member.text);
  const truth = recoverableSpans(group);
  const first = group.members[0];
  const common = {
    label: group.label,
    members: group.members.length,
    expected: first ? withSlots(first.text, truth.spans[0] ?? []) : '',
    trueSlots: truth.spans.reduce((total, spans) => total + spans.length, 0),
    shrunk: truth.shrunk,
  };
  let induced: InducedTemplate;
  try {
    induced = induceTemplate(texts);
  } catch (err) {
    // One template that breaks induction should not hide the others' scores: its slots are missed.
    const error = errorMessage(err).slice(0, 200);
    const unmatchedMembers = group.members.length;
    return { ...common, template: '', predictedSlots: 0, matched: 0, unmatchedMembers, exact: false, error };
  }
  // Slots restored from placeholders the members already held are declared without examples.
  const held = new Set(
    induced.slots
      .filter(
        (slot) => slot.examples.length === 0 && texts.every((text) => text.includes(`{{${slot.name}}}`)),
      )
      .map((slot) => slot.name),
  );
  let predictedSlots = 0;
  let matched = 0;
  let unmatchedMembers = 0;
  group.members.forEach((member, i) => {
    const predicted = predictedSpans(induced.template, member.text, held);
    if (predicted === null) unmatchedMembers += 1;
    const keys = new Set((predicted ?? []).map((span) => spanKey(member.text, span)));
    predictedSlots += keys.size;
    matched += (truth.spans[i] ?? []).filter((span) => keys.has(spanKey(member.text, span))).length;
  });
  const exact =
    first !== undefined &&
    sameLiterals(trueLiterals(first.text, truth.spans[0] ?? []), literalParts(induced.template, held));
  return { ...common, template: induced.template, predictedSlots, matched, unmatchedMembers, exact };
}

/**
 * Where each of the template's slots sits in `text`, or null when the template does not reproduce it.
 * `matchTemplate` gives values, not places, and a value can also occur earlier in the text, so the
 * template is walked again: each literal part is matched where the previous slot ended (with the same
 * whitespace rule), and each slot value must start right there. Slots named in `held` are skipped.
 */
export function predictedSpans(
  template: string,
  text: string,
  held: ReadonlySet<string> = new Set(),
): SlotSpan[] | null {
  const values = matchTemplate(template, text);
  if (values === null) return null;
  const spans: SlotSpan[] = [];
  let pos = text.length - text.trimStart().length;
  const trimmed = template.trim();
  let cursor = 0;
  // A whitespace run of the literal matches a whole whitespace run of the text, as in matchTemplate.
  const literal = (part: string): void => {
    for (const piece of part.split(/(\s+)/)) {
      if (piece === '') continue;
      const start = pos;
      if (/^\s/.test(piece)) while (/\s/.test(text[pos] ?? '')) pos += 1;
      else if (text.startsWith(piece, pos)) pos += piece.length;
      if (pos === start) throw new Error(`literal not found at ${start}: out of step with matchTemplate`);
    }
  };
  for (const match of trimmed.matchAll(SLOT_PATTERN)) {
    literal(trimmed.slice(cursor, match.index));
    const name = match[1] ?? '';
    const value = values[name] ?? '';
    if (!text.startsWith(value, pos))
      throw new Error(`slot ${name} not at ${pos}: out of step with matchTemplate`);
    if (!held.has(name)) spans.push({ start: pos, end: pos + value.length });
    pos += value.length;
    cursor = match.index + match[0].length;
  }
  literal(trimmed.slice(cursor));
  return spans;
}

/**
 * The true spans without the words every member's value for that slot starts or ends with (see the
 * header). Slot k of one member corresponds to slot k of the others: they are fills of one template.
 */
export function recoverableSpans(group: SlotGroup): { spans: SlotSpan[][]; shrunk: number } {
  const spans = group.members.map((member) => member.slots.map((span) => ({ ...span })));
  const count = group.members[0]?.slots.length ?? 0;
  const aligned = group.members.length >= 2 && group.members.every((member) => member.slots.length === count);
  let shrunk = 0;
  for (let k = 0; aligned && k < count; k++) {
    const words = group.members.map((member) => {
      const span = member.slots[k] as SlotSpan;
      const value = member.text.slice(span.start, span.end);
      return [...value.matchAll(/\S+/g)].map((word) => ({
        word: word[0],
        start: span.start + word.index,
        end: span.start + word.index + word[0].length,
      }));
    });
    const shortest = Math.min(...words.map((w) => w.length));
    const sharedAt = (pick: (w: (typeof words)[number]) => string | undefined): boolean => {
      const first = pick(words[0] ?? []);
      return first !== undefined && words.every((w) => pick(w) === first);
    };
    let head = 0;
    while (head < shortest - 1 && sharedAt((w) => w[head]?.word)) head += 1;
    let tail = 0;
    while (head + tail < shortest - 1 && sharedAt((w) => w[w.length - 1 - tail]?.word)) tail += 1;
    if (head === 0 && tail === 0) continue;
    words.forEach((w, i) => {
      const first = w[head];
      const last = w[w.length - 1 - tail];
      const span = spans[i]?.[k];
      if (!first || !last || !span) return;
      span.start = first.start;
      span.end = last.end;
      shrunk += 1;
    });
  }
  return { spans, shrunk };
}

const EDGE = /[\s\p{P}\p{S}]/u;

function spanKey(text: string, span: SlotSpan): string {
  let { start, end } = span;
  while (start < end && EDGE.test(text[start] ?? '')) start += 1;
  while (end > start && EDGE.test(text[end - 1] ?? '')) end -= 1;
  return `${start}:${end}`;
}

function withSlots(text: string, spans: readonly SlotSpan[]): string {
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    out += `${text.slice(cursor, span.start)}{{}}`;
    cursor = span.end;
  }
  return out + text.slice(cursor);
}

/** The text between a member's true slots. */
function trueLiterals(text: string, spans: readonly SlotSpan[]): string[] {
  const parts: string[] = [];
  let cursor = 0;
  for (const span of spans) {
    parts.push(text.slice(cursor, span.start));
    cursor = span.end;
  }
  parts.push(text.slice(cursor));
  return parts.map(collapse);
}

/** The text between a template's slots, placeholders in `held` being text. */
function literalParts(template: string, held: ReadonlySet<string>): string[] {
  const parts: string[] = [];
  let cursor = 0;
  for (const match of template.matchAll(SLOT_PATTERN)) {
    if (held.has(match[1] ?? '')) continue;
    parts.push(template.slice(cursor, match.index));
    cursor = match.index + match[0].length;
  }
  parts.push(template.slice(cursor));
  return parts.map(collapse);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function sameLiterals(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}
