import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templatedSetWithSlots, type SlotSpan } from '../../../src/eval/labelled-sets.js';
import {
  evaluateSlots,
  predictedSpans,
  recoverableSpans,
  slotGroups,
  type SlotGroup,
} from '../../../src/eval/slots.js';
import { sharedCorpora } from '../../helpers/paths.js';

/** Fills `template`'s `$` marks in order with the values, recording where each value went. */
function fill(template: string, values: readonly string[]): { text: string; slots: SlotSpan[] } {
  const parts = template.split('$');
  let text = parts[0] ?? '';
  const slots: SlotSpan[] = [];
  values.forEach((value, i) => {
    slots.push({ start: text.length, end: text.length + value.length });
    text += value + (parts[i + 1] ?? '');
  });
  return { text, slots };
}

function group(template: string, fills: ReadonlyArray<readonly string[]>, label = 'g'): SlotGroup {
  return { label, members: fills.map((values) => fill(template, values)) };
}

describe('predictedSpans', () => {
  it('places each value where the template puts it, not where the value first occurs', () => {
    const text = 'Translate "French" into French, then French into German';
    const spans = predictedSpans(
      'Translate "{{text}}" into {{language}}, then {{language_2}} into German',
      text,
    );
    expect(spans?.map((s) => text.slice(s.start, s.end))).toEqual(['French', 'French', 'French']);
    expect(spans?.map((s) => s.start)).toEqual([11, 24, 37]);
  });

  it('follows the whitespace rule of matchTemplate and skips the leading whitespace it trims', () => {
    const text = '  Review the\n following Go  code';
    expect(predictedSpans('Review the following {{language}} code', text)).toEqual([{ start: 24, end: 26 }]);
  });

  it('is null when the template does not reproduce the text, and leaves held placeholders out', () => {
    expect(predictedSpans('Review the {{language}} code', 'Explain this')).toBeNull();
    const text = 'Email {{email}} about Monday';
    expect(predictedSpans('Email {{email}} about {{topic}}', text, new Set(['email']))).toEqual([
      { start: 22, end: 28 },
    ]);
  });
});

describe('recoverableSpans', () => {
  it('moves a word every fill starts or ends with out of the true span, keeping one word', () => {
    const g = group('Plan $ now', [['a fintech startup team'], ['a law firm team'], ['a museum team']]);
    const { spans, shrunk } = recoverableSpans(g);
    expect(shrunk).toBe(3);
    expect(spans.map((s, i) => g.members[i]?.text.slice(s[0]?.start, s[0]?.end))).toEqual([
      'fintech startup',
      'law firm',
      'museum',
    ]);
  });

  it('leaves slots alone whose fills share no edge word', () => {
    const g = group('Plan $ now', [['a museum'], ['writing unit tests']]);
    expect(recoverableSpans(g).shrunk).toBe(0);
  });
});

describe('evaluateSlots', () => {
  it('is perfect when induction finds every slot of a template', () => {
    const score = evaluateSlots([
      group('I want you to act as a travel guide for $. Suggest three places to visit in $ this week.', [
        ['a bakery in Lisbon', 'quarterly revenue planning'],
        ['onboarding new engineers', 'a regional museum'],
        ['a legacy hotel chain', 'training for a marathon'],
        ['cutting cloud costs', 'a fintech startup'],
      ]),
    ]);
    expect(score).toMatchObject({
      templates: 1,
      members: 4,
      precision: 1,
      recall: 1,
      f1: 1,
      exactTemplates: 1,
    });
  });

  it('counts quotes the induced slot keeps as the same boundary', () => {
    const score = evaluateSlots([
      group('{"role": "Story Generator", "genre": "$", "length": "short"}', [
        ['a bakery in Lisbon'],
        ['writing unit tests'],
        ['a legacy hotel chain'],
      ]),
    ]);
    expect(score.f1).toBe(1);
  });

  it('scores below 1 when two slots only a connector separates become one', () => {
    // Induction merges "{{a}} and {{b}}" into one list-valued slot: both true slots are missed.
    const merged = group('Write a short story about $ and $ for the school newsletter, please.', [
      ['a dragon', 'a knight'],
      ['pirates', 'robots'],
      ['a cat', 'a dog'],
    ]);
    const kept = group('Give me five interview questions for $ please, with model answers.', [
      ['a junior developer'],
      ['a data analyst'],
      ['a product manager'],
    ]);
    const score = evaluateSlots([merged, kept]);
    const [first, second] = score.perTemplate;
    expect(first).toMatchObject({ trueSlots: 6, predictedSlots: 3, matched: 0, exact: false });
    expect(second).toMatchObject({ trueSlots: 3, predictedSlots: 3, matched: 3, exact: true });
    expect(score.precision).toBeCloseTo(3 / 6);
    expect(score.recall).toBeCloseTo(3 / 9);
    expect(score.f1).toBeCloseTo((2 * (1 / 2) * (1 / 3)) / (1 / 2 + 1 / 3));
    expect(score.exactTemplates).toBe(0.5);
  });

  it('misses every slot of a member the template does not reproduce', () => {
    const g: SlotGroup = {
      label: 'g',
      members: [
        fill('Summarize $ for the board in five bullet points', ['the quarterly report']),
        fill('Summarize $ for the board in five bullet points', ['the hiring plan']),
        fill('Summarize $ for the board in five bullet points', ['the budget']),
        fill('Translate $ into Spanish', ['the menu']),
      ],
    };
    const [score] = evaluateSlots([g]).perTemplate;
    expect(score).toMatchObject({ trueSlots: 4, predictedSlots: 3, matched: 3, unmatchedMembers: 1 });
  });

  it('groups labelled items by label and leaves noise out', () => {
    const groups = slotGroups([
      { text: 'x', label: 'a', slots: [] },
      { text: 'y', label: null, slots: [] },
      { text: 'z', label: 'a', slots: [] },
    ]);
    expect(groups).toEqual([
      {
        label: 'a',
        members: [
          { text: 'x', slots: [] },
          { text: 'z', slots: [] },
        ],
      },
    ]);
  });
});

const promptsDir = join(sharedCorpora, 'prompts');
const hasPrompts = existsSync(join(promptsDir, 'awesome-chatgpt-prompts.csv'));
if (!hasPrompts)
  console.warn(`[skip] ${promptsDir} is absent: slot recovery on the templated set is not measured.`);

describe.skipIf(!hasPrompts)('slot recovery on the templated awesome-chatgpt-prompts set', () => {
  it('recovers slot boundaries with F1 of at least 0.85', () => {
    const items = templatedSetWithSlots(promptsDir, { noise: 0 });
    for (const item of items) {
      for (const span of item.slots) expect(span.end).toBeGreaterThan(span.start);
    }
    const score = evaluateSlots(slotGroups(items));
    expect(score.templates).toBe(444);
    expect(score.members).toBe(1788);
    expect(score.f1).toBeGreaterThanOrEqual(0.85);
  });
});
