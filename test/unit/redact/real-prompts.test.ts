import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realPrompts } from '../../../src/eval/labelled-sets.js';
import { redactText } from '../../../src/redact/redact.js';
import { hasShared, sharedCorpora } from '../../helpers/paths.js';

/*
 * Real prompts (../shared/corpora/prompts: 2,779 community and Chatbot Arena prompts) rarely hold a
 * secret or personal data. Fewer than 2% may get any redaction at all, which bounds the share of
 * prompts redacted by mistake; the ones that are (by hand, see BENCHMARKS.md) are mostly right.
 */

describe.skipIf(!hasShared)('redaction on real prompts', () => {
  if (!hasShared) console.warn('../shared is absent: redaction on real prompts is not measured');

  it('redacts fewer than 2% of them', () => {
    const prompts = realPrompts(join(sharedCorpora, 'prompts'));
    expect(prompts.length).toBeGreaterThan(2500);
    const redacted = prompts.filter((p) => Object.keys(redactText(p).found).length > 0);
    expect(redacted.length / prompts.length).toBeLessThan(0.02);
  });
});
