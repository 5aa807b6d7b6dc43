import { describe, expect, it } from 'vitest';
import { llmCacheKey, reviewLlmTemplate, type LlmTemplate } from '../../../src/normalize/llm.js';

const members = [
  'Review the following Go code for race conditions: {{code}}',
  'Review the following Rust code for memory safety: {{code}}',
  'Review the following Java code for thread safety: {{code}}',
];
const induced = 'Review the following {{language}} code for {{purpose}}: {{code}}';
const answer = (template: string, names: string[]): LlmTemplate => ({
  title: 'Code review',
  template,
  variables: names.map((name) => ({ name, description: name })),
});

describe("reviewing a model's template", () => {
  it('accepts a template that declares its slots and covers the members', () => {
    expect(
      reviewLlmTemplate(answer(induced, ['language', 'purpose', 'code']), members, 1, induced),
    ).toBeNull();
  });

  it('refuses words that only one member has, even where coverage is not asked for', () => {
    const specific = 'Review the following {{language}} code for race {{purpose}}: {{code}}';
    expect(reviewLlmTemplate(answer(specific, ['language', 'purpose', 'code']), members, 0, induced)).toBe(
      'it adds words only one member has: race',
    );
  });

  it('refuses undeclared and unused slots, and lost coverage', () => {
    expect(reviewLlmTemplate(answer(induced, ['language', 'code']), members, 1, induced)).toMatch(
      /slots used but not declared: purpose/,
    );
    expect(
      reviewLlmTemplate(answer(induced, ['language', 'purpose', 'code', 'extra']), members, 1, induced),
    ).toMatch(/declared but not used: extra/);
    const narrowed = 'Review the following {{language}} code: {{code}}';
    expect(reviewLlmTemplate(answer(narrowed, ['language', 'code']), members, 1, induced)).toMatch(
      /reproduces 0 of 3 members/,
    );
  });

  it('keys its cache by model, template and members', () => {
    const key = llmCacheKey('m', induced, members);
    expect(llmCacheKey('m', induced, members)).toBe(key);
    expect(llmCacheKey('m2', induced, members)).not.toBe(key);
    expect(llmCacheKey('m', induced, members.slice(1))).not.toBe(key);
  });
});
