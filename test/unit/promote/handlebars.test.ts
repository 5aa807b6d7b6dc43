import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';

import { fillTemplate, slotNames } from '../../../src/normalize/template-text.js';
import { bodySlotNames, toHandlebarsBody } from '../../../src/promote/handlebars.js';

/** mulberry32: a seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '{',
  '}',
  '{{',
  '}}',
  '\\',
  '\\\\',
  'a',
  ' ',
  '\n',
  '~',
  '!',
  '#',
  '{{x}}',
  '{{log}}',
  '{{true}}',
  '{{a_b}}',
];

/** Brace and backslash soup with slots in it: what pasted code looks like to the Handlebars lexer. */
function soup(next: () => number): string {
  const length = 1 + Math.floor(next() * 14);
  let text = '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)] ?? '';
  return text;
}

async function render(body: string, values: Record<string, string>): Promise<string> {
  const rendered = await new Dotprompt().render(`---\nname: t\n---\n${body}`, { input: values });
  return rendered.messages.map((m) => m.content.map((part) => part.text ?? '').join('')).join('');
}

describe('toHandlebarsBody', () => {
  it('renders brace and backslash soup back to itself, slots filled (Dotprompt render, 400 seeded cases)', async () => {
    const next = random(20240602);
    for (let n = 0; n < 400; n++) {
      const template = `${soup(next)}z${soup(next)}`;
      // Values full of braces too: Handlebars must not read a value as template.
      const values = Object.fromEntries(slotNames(template).map((name) => [name, `<${name}:{{x}}\\{{}}>`]));
      const expected = fillTemplate(template.trim(), values);
      const body = toHandlebarsBody(template);
      await expect(
        render(body, values),
        `template ${JSON.stringify(template)} body ${JSON.stringify(body)}`,
      ).resolves.toBe(expected);
    }
  });

  it('keeps declared slots as {{name}} and escapes every other {{', () => {
    expect(toHandlebarsBody('Use {{language}} for {{Thing}} and {{ x }}')).toBe(
      'Use {{language}} for \\{{Thing}} and \\{{ x }}',
    );
  });

  it('lists the live slots of a body, not the escaped ones', () => {
    expect(bodySlotNames(toHandlebarsBody('\\{{a}} {{{b}}} {{Bad}} {{log}} {{c}} {{c}}'))).toEqual([
      'a',
      'b',
      'log',
      'c',
    ]);
    expect(bodySlotNames('\\{{a}} \\\\{{b}}')).toEqual(['b']);
  });
});
