import { describe, expect, it } from 'vitest';

import { induceTemplate } from '../../../src/normalize/induce-template.js';
import { matchTemplate } from '../../../src/normalize/template-text.js';

/** One template filled once per row of values, in `$` order. */
function fills(template: string, rows: ReadonlyArray<readonly string[]>): string[] {
  return rows.map((values) => {
    let i = 0;
    return template.replace(/\$/g, () => values[i++] ?? '');
  });
}

describe('induceTemplate: blocks that are one document in every member', () => {
  it('aligns inside pasted material that differs only in a few values', () => {
    const members = fills(
      'Act as a support agent for our shop. Your task is to:\n- Greet the customer and restate the issue\n- Offer $ as the first fix\n- Escalate to $ when the fix fails\n\nRules:\n- Stay polite and brief\n- Never promise refunds',
      [
        ['a password reset', 'the billing team'],
        ['clearing the cache', 'second-line support'],
        ['a new login link', 'the on-call engineer'],
      ],
    );
    const result = induceTemplate(members);
    expect(result.template).toBe(
      'Act as a support agent for our shop. Your task is to:\n- Greet the customer and restate the issue\n- Offer {{offer}} as the first fix\n- Escalate to {{target}} when the fix fails\n\nRules:\n- Stay polite and brief\n- Never promise refunds',
    );
    expect(result.coverage).toBe(1);
  });

  it('aligns inside a JSON spec every member pastes with its own values', () => {
    const members = fills(
      'Generate a short story from this specification:\n{\n  "genre": "$",\n  "tone": "dark",\n  "length": "short",\n  "protagonist": "$"\n}',
      [
        ['science fiction', 'a retired pilot'],
        ['cozy mystery', 'a village baker'],
        ['high fantasy', 'an exiled princess'],
      ],
    );
    const result = induceTemplate(members);
    expect(result.template).toBe(
      'Generate a short story from this specification:\n{\n  "genre": "{{genre}}",\n  "tone": "dark",\n  "length": "short",\n  "protagonist": "{{protagonist}}"\n}',
    );
  });

  it('keeps code that only shares its syntax opaque', () => {
    const result = induceTemplate([
      'Review the following Go code for leaks:\n```go\nfunc a() {\n}\n```',
      'Review the following Rust code for clones:\n```rust\nfn b() {\n}\n```',
    ]);
    expect(result.template).toBe('Review the following {{language}} code for {{purpose}}:\n{{code}}');
  });
});

describe('induceTemplate: markup glued to a value', () => {
  it('keeps tags, quotes after `=`, escapes and a possessive out of the slot', () => {
    const cases: Array<[string, string[][], string]> = [
      [
        '<p><strong>Hotel:</strong> $</p>\n<p>Budget: moderate</p>',
        [['a quiet inn'], ['the harbour hostel'], ['a seaside resort']],
        '<p><strong>Hotel:</strong> {{}}</p>\n<p>Budget: moderate</p>',
      ],
      [
        'Draw a poster with Theme="$" and Style="retro print"',
        [['ocean life'], ['city lights at night'], ['autumn harvest']],
        'Draw a poster with Theme="{{}}" and Style="retro print"',
      ],
      [
        '{"prompt": "Location: $\\nDate: next week\\nWrite the forecast"}',
        [['Lisbon harbour'], ['the Swiss Alps'], ['downtown Chicago']],
        '{"prompt": "Location: {{}}\\nDate: next week\\nWrite the forecast"}',
      ],
      [
        'Describe $’s skyline at dusk for a travel blog',
        [['Hong Kong'], ['New York'], ['Rio de Janeiro']],
        'Describe {{}}’s skyline at dusk for a travel blog',
      ],
    ];
    for (const [template, rows, expected] of cases) {
      const members = fills(template, rows);
      const result = induceTemplate(members);
      // Where the slots are, whatever they are called.
      expect(result.template.replace(/\{\{[a-z0-9_]+\}\}/g, '{{}}')).toBe(expected);
      for (const member of members) expect(matchTemplate(result.template, member)).not.toBeNull();
    }
  });

  it('leaves URLs whole', () => {
    const result = induceTemplate([
      'Summarize https://example.com/a?id=3&lang=en for the weekly digest',
      'Summarize https://news.example.org/b?id=17&lang=de for the weekly digest',
    ]);
    expect(result.template).toBe('Summarize {{url}} for the weekly digest');
  });
});

describe('induceTemplate: long prompts', () => {
  it('induces members of 2,000 shared words with slots at both ends in well under a second each', () => {
    let seed = 11;
    const word = (): string => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return ['alpha', 'beta', 'gamma', 'delta', 'the', 'of', 'report', 'team', 'data'][seed % 9] ?? 'x';
    };
    const body = Array.from({ length: 2000 }, word).join(' ');
    const members = fills(`Summarize $ first. ${body}. Then send it to $ today.`, [
      ['the sales figures', 'the board'],
      ['our hiring plan', 'every team lead'],
      ['the outage review', 'the on-call rota'],
      ['last quarter', 'finance'],
    ]);
    const started = performance.now();
    const result = induceTemplate(members);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.template).toBe(`Summarize {{summarize}} first. ${body}. Then send it to {{target}} today.`);
    expect(result.coverage).toBe(1);
  });
});
