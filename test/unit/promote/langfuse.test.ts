import { describe, expect, it } from 'vitest';

import { PogError } from '../../../src/errors.js';
import {
  LANGFUSE_IMPORT_MAX,
  LangfuseTextPromptSchema,
  toLangfuseImport,
  toLangfusePrompt,
} from '../../../src/promote/langfuse.js';
import { HOSTILE_TEMPLATE, hostileRecord, plainRecord, promotionRecord } from './fixtures.js';

describe('toLangfusePrompt', () => {
  it('builds a text-prompt create body that its schema accepts, provenance in config.pog', () => {
    const r = plainRecord();
    const body = toLangfusePrompt(r);
    expect(LangfuseTextPromptSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({
      name: 'review-code-for-issues-0042',
      type: 'text',
      prompt: 'Review the following {{language}} code for {{purpose}}:\n{{code}}',
      labels: ['production'],
      commitMessage:
        'pog v3: Review code for issues, approved by dana at 2024-06-02T10:15:00.000Z (triage item triage-7)',
    });
    expect(body.tags[0]).toBe('development');
    expect(body.config.pog).toMatchObject({
      id: r.template.id,
      intent: r.template.intent,
      version: 3,
      literalBraces: false,
      review: r.review,
      promotedAt: r.promotedAt,
    });
    expect(body.config.pog.variables.map((v) => [v.name, v.required])).toEqual([
      ['language', true],
      ['purpose', false],
      ['code', true],
    ]);
    // What goes over the wire is JSON: nothing is lost on the way.
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it('keeps hostile text as it is and flags braces Langfuse would read as variables', () => {
    const body = toLangfusePrompt(hostileRecord());
    expect(LangfuseTextPromptSchema.safeParse(body).success).toBe(true);
    expect(body.prompt).toBe(HOSTILE_TEMPLATE);
    expect(body.config.pog.literalBraces).toBe(true);
    expect(body.config.pog.title).toBe(': # - --- "x" \'y\' {{z}} <b>&amp; 🚀');
  });

  it('cuts the commit message to the Langfuse limit without splitting a character', () => {
    const approver = `${'🚀'.repeat(300)}`;
    const body = toLangfusePrompt(
      promotionRecord('Do {{code}}', [{ name: 'code', examples: ['x'] }], { approvedBy: approver }),
    );
    expect(body.commitMessage.length).toBeLessThanOrEqual(500);
    expect(body.commitMessage.length).toBeGreaterThanOrEqual(499);
    expect(body.commitMessage).toMatch(/🚀$/u);
    expect(LangfuseTextPromptSchema.safeParse(body).success).toBe(true);
  });

  it('has a schema that rejects what Langfuse rejects', () => {
    const body = toLangfusePrompt(plainRecord());
    const rejects = (patch: Record<string, unknown>): boolean =>
      !LangfuseTextPromptSchema.safeParse({ ...body, ...patch }).success;
    expect(rejects({ labels: ['Production'] })).toBe(true);
    expect(rejects({ labels: ['latest'] })).toBe(true);
    expect(rejects({ name: 'a|b' })).toBe(true);
    expect(rejects({ name: 'folder//x' })).toBe(true);
    expect(rejects({ name: 'new' })).toBe(true);
    expect(rejects({ type: 'chat' })).toBe(true);
    expect(rejects({ commitMessage: 'x'.repeat(501) })).toBe(true);
    expect(rejects({ extra: true })).toBe(true);
    expect(rejects({ config: { pog: { ...body.config.pog, version: 0 } } })).toBe(true);
    expect(rejects({})).toBe(false);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(toLangfusePrompt(hostileRecord()))).toBe(
      JSON.stringify(toLangfusePrompt(hostileRecord())),
    );
  });
});

describe('toLangfuseImport', () => {
  it('is the array of create bodies the bulk import takes, in order', () => {
    const records = [plainRecord(), hostileRecord()];
    const file = toLangfuseImport(records);
    expect(file).toEqual(records.map(toLangfusePrompt));
    expect(Array.isArray(JSON.parse(JSON.stringify(file)))).toBe(true);
  });

  it('refuses more prompts than one import file takes', () => {
    const records = Array.from({ length: LANGFUSE_IMPORT_MAX + 1 }, plainRecord);
    expect(() => toLangfuseImport(records)).toThrow(PogError);
    expect(() => toLangfuseImport(records)).toThrow(
      /501 prompts do not fit one Langfuse import file \(at most 500\)/,
    );
  });
});
