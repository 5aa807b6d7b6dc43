import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TemplateEvalDocumentSchema } from '../../../src/cli/commands/eval.js';
import { ErrorDocumentSchema } from '../../../src/cli/output.js';
import { cleanEnv, pog } from '../../helpers/cli.js';
import { sharedCorpora, tempDir } from '../../helpers/paths.js';

function json<T>(schema: z.ZodType<T>, stdout: string): T {
  return schema.parse(JSON.parse(stdout));
}

const loghub = join(sharedCorpora, 'loghub-2k');
const present = existsSync(loghub);
if (!present) console.warn(`[skip] ${loghub} is absent: pog eval templates on loghub-2k is skipped.`);

describe.skipIf(!present)('pog eval templates', () => {
  it('scores every loghub-2k system and prints one checked JSON document', async () => {
    const r = await pog(['eval', 'templates', '--loghub', loghub, '--json'], cleanEnv());
    expect(r.code, r.stderr).toBe(0);
    const raw = JSON.parse(r.stdout) as Record<string, unknown>;
    // Exactly { average: { GA, PA }, systems: { <name>: { GA, PA } } }: the schema is strict.
    expect(Object.keys(raw)).toEqual(['average', 'systems']);
    const doc = json(TemplateEvalDocumentSchema, r.stdout);
    expect(Object.keys(doc.systems)).toHaveLength(16);
    expect(doc.systems.HDFS).toEqual({ GA: expect.any(Number), PA: expect.any(Number) });
    expect(doc.average.GA).toBeGreaterThanOrEqual(0.9);
    expect(doc.average.PA).toBeGreaterThanOrEqual(0.5);
  });
});

describe('pog eval templates without data', () => {
  it('is a usage error when the folder holds no CSV files', async () => {
    const r = await pog(['eval', 'templates', '--loghub', tempDir(), '--json'], cleanEnv());
    expect(r.code).toBe(2);
    expect(json(ErrorDocumentSchema, r.stdout).error.code).toBe('USAGE');
    expect(r.stderr).toMatch(/--loghub/);
  });
});
