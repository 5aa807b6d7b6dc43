import { describe, expect, it } from 'vitest';
import { guessLanguage, separateMaterial } from '../../../src/extract/materials.js';

describe('separateMaterial', () => {
  it('replaces what follows an introducing line with its typed placeholder and keeps the language', () => {
    const r = separateMaterial(
      'Explain what this SQL query does and suggest an index:\nSELECT id FROM orders\nWHERE customer_id = 42;',
    );
    expect(r.instruction).toBe('Explain what this SQL query does and suggest an index:\n{{code}}');
    expect(r.materials).toEqual([{ kind: 'code', language: 'sql', lines: 2, chars: 45 }]);
  });

  it('tells stack traces, logs, documents and attachments apart', () => {
    const trace = separateMaterial(
      'Why does this fail?\n```\nTraceback (most recent call last):\n  File "a.py", line 3, in <module>\nKeyError: 1\n```\nany idea?',
    );
    expect(trace.instruction).toBe('Why does this fail?\n{{stack_trace}}\nany idea?');
    expect(trace.materials[0]).toMatchObject({ kind: 'stack_trace', language: 'python' });

    const log = separateMaterial(
      "Here's the log, what's wrong?\n2024-01-01 12:00:01 INFO start\n2024-01-01 12:00:02 ERROR boom",
    );
    expect(log.instruction).toBe("Here's the log, what's wrong?\n{{log}}");

    const doc = separateMaterial(
      'Summarize this incident report for the support team:\nAt 14:02 UTC the export button returned errors for all workspaces, and it was rolled back at 14:37.',
    );
    expect(doc.instruction).toBe('Summarize this incident report for the support team:\n{{document}}');

    expect(separateMaterial('see the screenshot [image] and tell me what is off').instruction).toBe(
      'see the screenshot {{image}} and tell me what is off',
    );
  });

  it('keeps a one-line question after a colon as the instruction', () => {
    const r = separateMaterial('Here is the CI output:\nWhy does test_unicode_input fail?');
    expect(r).toEqual({
      instruction: 'Here is the CI output:\nWhy does test_unicode_input fail?',
      materials: [],
    });
  });

  it('guesses languages from fences and signs', () => {
    expect(guessLanguage('x', 'py')).toBe('python');
    expect(guessLanguage('{"a": 1}')).toBe('json');
    expect(guessLanguage('func main() {\n\tx := 1\n}')).toBe('go');
    expect(guessLanguage('diff --git a/x b/x\n@@ -1 +1 @@')).toBe('diff');
    expect(guessLanguage('Dear team, thanks for the update.')).toBeNull();
  });
});
