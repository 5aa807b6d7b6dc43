import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../src/extract/classify.js';
import { instructionText } from '../../../src/extract/instruction.js';

describe('classifyMessage', () => {
  it.each([
    ['Review the following Python code for security issues:\ndef f(x):\n    return eval(x)', 'instruction'],
    ['Can you explain how a B-tree index speeds up range queries?', 'instruction'],
    ['What is the difference between a mutex and a semaphore?', 'question'],
    ['I have a table of orders with customer ids and dates and need monthly totals per customer', 'request'],
    ['regex for semver incl. pre-release and build metadata', 'request'],
    ['thanks, that worked — now can you make it return which check failed?', 'instruction'],
    ['now rewrite it in Go', 'instruction'],
    ['how do I undo a git rebase', 'request'],
    ['does anyone know how to rotate the kafka certs?', 'question'],
    ['Erkläre den Unterschied zwischen Docker-Volumes und Bind-Mounts', 'instruction'],
    [
      'Why does this fail?\n```\nTraceback (most recent call last):\n  File "a.py", line 1\nKeyError: 1\n```',
      'question',
    ],
  ])('keeps %j as %s', (text, reason) => {
    expect(classifyMessage(text)).toEqual({ kept: true, reason });
  });

  it.each([
    ['thanks!', 'acknowledgement'],
    ['ok', 'acknowledgement'],
    ['Thank you so much!', 'acknowledgement'],
    ['https://example.com/some/page', 'bare_link'],
    ['def f(x):\n    return x * 2\n}', 'code_only'],
    ['both work', 'too_short'],
    ['the weather here today', 'no_instruction'],
    ['deploying v2.3 to prod now, expect a short blip', 'no_instruction'],
    ['build is green again', 'no_instruction'],
    ['can we move standup to 10?', 'logistics'],
    ['can someone give me access to the prod grafana?', 'logistics'],
    ['is it just me or is CI slow today', 'chit_chat'],
    ['anyone watching the match tonight?', 'chit_chat'],
    ['Who developed you?', 'chit_chat'],
    ['FROM python:3.12-slim\nWORKDIR /app\nRUN pip install -r requirements.txt', 'no_instruction'],
    ['🎉🎉', 'acknowledgement'],
  ])('drops %j as %s', (text, reason) => {
    expect(classifyMessage(text)).toEqual({ kept: false, reason });
  });
});

describe('instructionText', () => {
  it('keeps only the introducing line when an early line ends with a colon', () => {
    const text =
      'Explain what this SQL query does and suggest an index:\nSELECT *\nFROM orders\nWHERE id = 1';
    expect(instructionText(text)).toBe('Explain what this SQL query does and suggest an index:');
  });

  it('removes fenced blocks and code-like lines, keeping what the person wrote', () => {
    const text = 'Fix this bug please\n```js\nconst a = 1;\n```\nand explain why\n    return null;';
    expect(instructionText(text)).toBe('Fix this bug please\n \nand explain why');
  });
});
