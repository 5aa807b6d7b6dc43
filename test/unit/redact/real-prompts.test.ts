import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../src/redact/redact.js';
import { hasShared, sharedCorpora } from '../../helpers/paths.js';

/*
 * Real prompts (../shared/corpora/prompts: 2,779 community and Chatbot Arena prompts) rarely hold a
 * secret or personal data. Fewer than 2% may get any redaction at all, which bounds the share of
 * prompts redacted by mistake; the ones that are (by hand, see BENCHMARKS.md) are mostly right.
 */
function realPrompts(): string[] {
  const dir = join(sharedCorpora, 'prompts');
  const prompts: string[] = [];
  for (const file of ['arena-hard-v0.1.jsonl', 'arena-hard-v2.0.jsonl'])
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n'))
      if (line.trim()) prompts.push((JSON.parse(line) as { prompt: string }).prompt);
  const rows = parse<{ prompt: string }>(readFileSync(join(dir, 'awesome-chatgpt-prompts.csv')), {
    columns: true,
  });
  return [...prompts, ...rows.map((r) => r.prompt)];
}

describe.skipIf(!hasShared)('redaction on real prompts', () => {
  if (!hasShared) console.warn('../shared is absent: redaction on real prompts is not measured');

  it('redacts fewer than 2% of them', () => {
    const prompts = realPrompts();
    expect(prompts.length).toBeGreaterThan(2500);
    const redacted = prompts.filter((p) => Object.keys(redactText(p).found).length > 0);
    expect(redacted.length / prompts.length).toBeLessThan(0.02);
  });
});
