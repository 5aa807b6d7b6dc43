import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlotEvalDocumentSchema, slotEvalDocument } from '../../../src/cli/commands/eval-slots.js';
import { ErrorDocumentSchema } from '../../../src/cli/output.js';
import { templatedSetWithSlots } from '../../../src/eval/labelled-sets.js';
import { evaluateSlots, slotGroups } from '../../../src/eval/slots.js';
import { cleanEnv, pog } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/paths.js';

// A few rows in the awesome-chatgpt-prompts format, so the command runs in seconds and without
// ../shared; the real set is scored in test/unit/eval/slots.test.ts.
const CSV = [
  'act,prompt',
  '"Travel Guide","I want you to act as a travel guide. I will tell you about ${Place:Lisbon} and you will suggest three places to visit near it. My first request is ""I am in ${Place:Lisbon}."""',
  '"Interviewer","I want you to act as an interviewer for the ${Position:Software Developer} position. Ask me the questions one by one and wait for my answers."',
  '"Plain","I want you to act as a Linux terminal. Reply with the terminal output only."',
  '"Essay Writer","Write a persuasive essay about ${Topic:remote work} for ${Audience:high school students}, in five paragraphs with a clear thesis."',
].join('\n');

describe('pog eval slots', () => {
  it('scores slot recovery on a templated set and prints one checked JSON document', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'awesome-chatgpt-prompts.csv'), CSV + '\n');
    const r = await pog(['eval', 'slots', '--prompts', dir, '--json'], cleanEnv());
    expect(r.code, r.stderr).toBe(0);
    const doc = SlotEvalDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ templates: 3, members: 12 });
    expect(doc).toEqual(
      slotEvalDocument(evaluateSlots(slotGroups(templatedSetWithSlots(dir, { noise: 0 })))),
    );
    expect(doc.f1).toBeGreaterThan(0.5);
  });

  it('prints a usage error document when the directory holds no templated set', async () => {
    const r = await pog(['eval', 'slots', '--prompts', tempDir(), '--json'], cleanEnv());
    expect(r.code).toBe(2);
    expect(ErrorDocumentSchema.parse(JSON.parse(r.stdout)).error.code).toBe('USAGE');
    expect(r.stderr).toMatch(/awesome-chatgpt-prompts\.csv/);
  });
});
