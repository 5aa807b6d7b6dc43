import { z } from 'zod';

/*
 * With --json, stdout carries exactly one JSON document, checked against its schema before it is
 * written; everything else (progress, logs, Temporal's own output) goes to stderr.
 */

export const ErrorDocumentSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const QueryDocumentSchema = z.object({ rows: z.array(z.record(z.string(), z.unknown())) });

export const ExportDocumentSchema = z.object({
  files: z.array(z.object({ name: z.string(), file: z.string(), rows: z.number().int() })),
});

export function printJson<T>(schema: z.ZodType<T>, value: T): void {
  const checked = schema.parse(value);
  process.stdout.write(JSON.stringify(checked, null, 2) + '\n');
}

export function info(line: string): void {
  process.stderr.write(line + '\n');
}
