import { describe, expect, it } from 'vitest';
import { buildCanonical, CanonicalTemplateSchema, describeSlot } from '../../../src/normalize/canonical.js';
import { costUsd, pricingFor } from '../../../src/normalize/llm-cost.js';
import {
  intentFor,
  metadataClassifier,
  readLabelledPrompts,
  slugFor,
  titleFor,
  trainMetadataClassifier,
} from '../../../src/normalize/metadata.js';

describe('the offline metadata classifier', () => {
  const rows = readLabelledPrompts();

  it('is trained on a labelled set that covers every SDLC phase', () => {
    const phases = new Set(rows.map((r) => r.phase));
    expect([...phases].sort()).toEqual(
      ['deployment', 'design', 'development', 'maintenance', 'other', 'requirements', 'testing'].sort(),
    );
    expect(rows.length).toBeGreaterThanOrEqual(200);
  });

  it('predicts the phase of prompts it was not trained on (10-fold cross-validated accuracy ≥ 0.65)', () => {
    const folds = 10;
    let right = 0;
    for (let fold = 0; fold < folds; fold++) {
      const classifier = trainMetadataClassifier(rows.filter((_, j) => j % folds !== fold));
      for (const [j, row] of rows.entries()) {
        if (j % folds === fold && classifier.phase(row.text).label === row.phase) right++;
      }
    }
    // Seven classes: chance is about 0.14, the majority class about 0.16.
    expect(right / rows.length).toBeGreaterThanOrEqual(0.65);
  });

  it('classifies typical team prompts, reading slot names as words', () => {
    const c = metadataClassifier();
    expect(c.phase('Write unit tests for this function: {{code}}').label).toBe('testing');
    expect(c.phase('Write a Dockerfile and a Kubernetes manifest for {{app}}').label).toBe('deployment');
    expect(c.phase('Why does this crash? {{stack_trace}}').label).toBe('development');
    expect(c.phase('Translate this into {{language}}: {{document}}').label).toBe('other');
    expect(c.task('Write unit tests for this function: {{code}}').label).toBe('unit-tests');
  });

  it('is deterministic: the same text always gets the same answer', () => {
    const a = trainMetadataClassifier(rows);
    const b = trainMetadataClassifier(rows);
    for (const r of rows.slice(0, 30)) expect(a.phase(r.text)).toEqual(b.phase(r.text));
  });
});

describe('titles, intents and slugs', () => {
  it('titles a template by its opening words, slots read as their names', () => {
    expect(titleFor('Review the following {{language}} code for {{purpose}}: {{code}}')).toBe(
      'Review the following language code for purpose',
    );
    expect(titleFor('write a haiku about {{topic}}. Make it funny and short and sweet please')).toBe(
      'Write a haiku about topic',
    );
    expect(titleFor('one two three four five six seven eight nine ten')).toBe(
      'One two three four five six seven eight…',
    );
    expect(titleFor('{{code}}')).toBe('Code');
  });

  it('makes kebab-case slugs that keep their uniqueness suffix', () => {
    expect(slugFor('Review the following language code', 'p_78cf0fe9452552a94443cb8e')).toBe(
      'review-the-following-language-code-43cb8e',
    );
    expect(slugFor('Übersetze ins Französische!', 'p_x1')).toBe('ubersetze-ins-franzosische-px1');
    expect(slugFor('???', 'p_abc')).toBe('prompt-pabc');
  });

  it('says what varies in the intent', () => {
    expect(intentFor('Review code', 'development', 'code-review', ['language', 'code'])).toBe(
      'Review code (code review, development phase); slots {{language}}, {{code}}.',
    );
  });

  it('describes slots by their kind or their examples', () => {
    expect(describeSlot('code', [])).toBe('the code the prompt is about, pasted');
    expect(describeSlot('code_2', [])).toBe('the code the prompt is about, pasted');
    expect(describeSlot('purpose', ['race conditions', 'memory safety'])).toBe(
      'the purpose, e.g. "race conditions", "memory safety"',
    );
  });
});

describe('the canonical template', () => {
  const base = {
    patternId: 'p_0123456789abcdef01234567',
    slug: null,
    template: 'Review the following {{language}} code for {{purpose}}: {{code}}',
    slots: [
      { name: 'language', examples: ['Go', 'Rust'] },
      { name: 'purpose', examples: ['race conditions', 'memory safety'] },
      { name: 'code', examples: [] },
    ],
    previous: null,
    keywords: ['review', 'code', 'following'],
    cohesion: 0.8,
    coverage: 1,
    method: 'heuristic',
    source: {
      occurrences: 3,
      distinctAuthors: 2,
      conversations: 3,
      firstSeen: '2026-11-01T10:00:00Z',
      lastSeen: '2026-11-02T10:00:00Z',
      formats: ['openai-jsonl'],
    },
  };

  it('builds a valid document with every field the library needs', () => {
    const t = buildCanonical(base);
    expect(CanonicalTemplateSchema.parse(t)).toEqual(t);
    expect(t).toMatchObject({
      id: 'review-the-following-language-code-for-234567',
      title: 'Review the following language code for purpose',
      phase: 'development',
      version: 1,
      method: 'heuristic',
      quality: { cohesion: 0.8, coverage: 1 },
    });
    expect(t.tags[0]).toBe('code-review');
    expect(t.tags).toContain('review');
    expect(t.variables.map((v) => v.name)).toEqual(['language', 'purpose', 'code']);
    expect(t.variables.every((v) => v.required)).toBe(true);
    expect(t.variables[0]!.examples).toEqual(['Go', 'Rust']);
  });

  it('keeps its slug, and counts a version only when the template text changes', () => {
    const first = buildCanonical(base);
    const same = buildCanonical({
      ...base,
      slug: first.id,
      previous: { template: base.template, version: 1 },
    });
    expect(same.id).toBe(first.id);
    expect(same.version).toBe(1);
    const changed = buildCanonical({
      ...base,
      slug: first.id,
      template: 'Please review the following {{language}} code for {{purpose}}: {{code}}',
      previous: { template: base.template, version: 1 },
    });
    expect(changed).toMatchObject({ id: first.id, version: 2 });
  });

  it('refuses a template whose slots are not all declared', () => {
    const t = buildCanonical(base);
    expect(() => CanonicalTemplateSchema.parse({ ...t, variables: t.variables.slice(1) })).toThrow(
      /slot \{\{language\}\} is not declared/,
    );
    expect(() =>
      CanonicalTemplateSchema.parse({
        ...t,
        variables: [...t.variables, { name: 'extra', description: '', required: true, examples: [] }],
      }),
    ).toThrow(/variable extra is not used/);
  });
});

describe('LLM cost', () => {
  it('prices known OpenAI models by family, longest prefix first', () => {
    expect(pricingFor('gpt-4o-mini')).toEqual({ promptPerMillion: 0.15, completionPerMillion: 0.6 });
    expect(pricingFor('gpt-4o-mini-2024-07-18')).toEqual({
      promptPerMillion: 0.15,
      completionPerMillion: 0.6,
    });
    expect(pricingFor('gpt-4o')).toEqual({ promptPerMillion: 2.5, completionPerMillion: 10 });
    expect(pricingFor('llama3.1')).toBeNull();
    expect(costUsd('gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
    expect(costUsd('llama3.1', 1000, 1000)).toBeNull();
    expect(costUsd('llama3.1', 1000, 500, { promptPerMillion: 1, completionPerMillion: 2 })).toBeCloseTo(
      0.002,
      10,
    );
  });
});
