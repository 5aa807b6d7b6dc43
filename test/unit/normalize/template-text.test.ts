import { describe, expect, it } from 'vitest';

import {
  SLOT_PATTERN,
  fillTemplate,
  matchTemplate,
  slotNames,
} from '../../../src/normalize/template-text.js';

describe('SLOT_PATTERN', () => {
  it('matches snake_case slots only', () => {
    const found = [...'{{language}} {{file_path2}} {{Bad}} {{1x}} {{ spaced }} {x}'.matchAll(SLOT_PATTERN)];
    expect(found.map((m) => m[1])).toEqual(['language', 'file_path2']);
  });
});

describe('slotNames', () => {
  it('lists distinct names in order of first appearance', () => {
    expect(slotNames('{{b}} then {{a}} then {{b}} and {{c_1}}')).toEqual(['b', 'a', 'c_1']);
  });

  it('returns nothing for plain text', () => {
    expect(slotNames('no slots {here}')).toEqual([]);
  });
});

describe('fillTemplate', () => {
  it('substitutes every occurrence of each slot', () => {
    expect(fillTemplate('{{x}} and {{y}} and {{x}}', { x: 'A', y: 'B' })).toBe('A and B and A');
  });

  it('leaves slots without a value in place', () => {
    expect(fillTemplate('Translate {{text}} to {{language}}', { language: 'French' })).toBe(
      'Translate {{text}} to French',
    );
  });

  it('inserts values literally, without replacement patterns', () => {
    expect(fillTemplate('Price: {{amount}}', { amount: '$& $1 $$' })).toBe('Price: $& $1 $$');
  });
});

describe('matchTemplate', () => {
  const review = 'Review the following {{language}} code for {{purpose}}: {{code}}';

  it('extracts slot values, including multi-line ones', () => {
    const code = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))';
    expect(matchTemplate(review, `Review the following Python code for security issues: ${code}`)).toEqual({
      language: 'Python',
      purpose: 'security issues',
      code,
    });
  });

  it('lets a whitespace run in the literal match any whitespace run, and ignores outer whitespace', () => {
    expect(matchTemplate('Fix {{bug}} in\nthe parser', '  Fix  the crash in the   parser \n')).toEqual({
      bug: 'the crash',
    });
  });

  it('requires literal whitespace to match at least one whitespace character', () => {
    expect(matchTemplate('issues: {{code}}', 'issues:x')).toBeNull();
  });

  it('returns null when the literal text differs', () => {
    expect(matchTemplate(review, 'Review the following Go program for speed: x := 1')).toBeNull();
    expect(matchTemplate('Hello {{name}}', 'Goodbye Ann')).toBeNull();
  });

  it('requires each slot to hold at least one character', () => {
    expect(matchTemplate('Say {{word}}!', 'Say !')).toBeNull();
    expect(matchTemplate('{{a}}{{b}}', 'x')).toBeNull();
    expect(matchTemplate('{{a}}{{b}}', 'xy')).toEqual({ a: 'x', b: 'y' });
  });

  it('keeps literal text that reappears inside a later value in that value', () => {
    const text = 'Review the following Go code for speed: // code for review: fast\nfor i := range xs {}';
    expect(matchTemplate(review, text)).toEqual({
      language: 'Go',
      purpose: 'speed',
      code: '// code for review: fast\nfor i := range xs {}',
    });
  });

  it('matches digits and regex metacharacters in literal text exactly', () => {
    const template = 'Explain: const y = 2; (a+b)*[c] {{rest}}';
    expect(matchTemplate(template, 'Explain: const y = 2; (a+b)*[c] ok')).toEqual({ rest: 'ok' });
    expect(matchTemplate(template, 'Explain: const y = 22; (a+b)*[c] ok')).toBeNull();
    expect(matchTemplate('Open C:\\dir\\{{file}}', 'Open C:\\dir\\a.txt')).toEqual({ file: 'a.txt' });
  });

  it('requires a repeated slot name to take the same value', () => {
    expect(matchTemplate('{{a}} versus {{a}}', 'tabs versus tabs')).toEqual({ a: 'tabs' });
    expect(matchTemplate('{{a}} versus {{a}}', 'tabs versus spaces')).toBeNull();
  });

  it('matches a template without slots by text equality up to whitespace', () => {
    expect(matchTemplate('plain  prompt', 'plain prompt')).toEqual({});
    expect(matchTemplate('plain prompt', 'plain prompts')).toBeNull();
    expect(matchTemplate('', '   ')).toEqual({});
  });

  it('round-trips with fillTemplate', () => {
    const values = {
      language: 'Rust',
      purpose: 'memory safety',
      code: 'fn main() {\n    println!("hi");\n}',
    };
    expect(matchTemplate(review, fillTemplate(review, values))).toEqual(values);
  });

  it('stays fast on long texts that almost match', () => {
    // A naive regex with one lazy group per slot backtracks polynomially here; this would not finish.
    const text = 'x '.repeat(20_000);
    expect(matchTemplate('{{a}} x {{b}} x {{c}} x {{d}} x {{e}} y', text)).toBeNull();
    expect(matchTemplate('{{a}} q', `b${' '.repeat(50_000)}c`)).toBeNull();
    const matched = matchTemplate('{{a}} x {{b}} x {{c}}', text);
    expect(matched?.a).toBe('x');
    expect(matched?.c).toHaveLength(text.trim().length - 'x x x x '.length);
  });

  it('matches a template whose literal text has thousands of whitespace runs', () => {
    // Long pasted instructions: one capture group per run used to overflow V8's regex compiler.
    const words = Array.from({ length: 5_000 }, (_, i) => `word${i % 97}`).join(' ');
    expect(matchTemplate(`{{x}} ${words}`, `hello there  ${words.replace(/ /g, '\n ')}`)).toEqual({
      x: 'hello there',
    });
    expect(matchTemplate(`{{x}} ${words} end`, `hello ${words}`)).toBeNull();
  });
});
