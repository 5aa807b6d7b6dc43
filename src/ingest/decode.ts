/** Epoch seconds (ChatGPT, Slack) or an ISO string to ISO 8601 UTC; anything else to null. */
export function toIsoTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const d = new Date(value * 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return null;
}

/** Anything with zod's safeParse: a schema. */
interface SafeParser<T> {
  safeParse(
    v: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } };
}

export type RecordResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Why JSON.parse failed, without the input: V8 quotes the start of the bad text in its message
 * (`Unexpected token 's', "{"key": sk-…" is not valid JSON`), and that text can hold a secret.
 */
export function jsonErrorReason(err: unknown): string {
  if (err instanceof RangeError) return 'nested too deeply';
  const message = err instanceof Error ? err.message : String(err);
  return `invalid JSON: ${message.replace(/, ".*" is not valid JSON$/s, '')}`;
}

/**
 * Parses one JSON record (a JSONL line, an element) against a schema. Never throws: a syntax error,
 * a schema mismatch, or nesting deep enough to overflow the stack (hostile input) comes back as a reason.
 */
export function parseRecord<T>(text: string, schema: SafeParser<T>, what: string): RecordResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: jsonErrorReason(err) };
  }
  return checkRecord(json, schema, what);
}

/** `parseRecord` for a value already parsed. */
export function checkRecord<T>(json: unknown, schema: SafeParser<T>, what: string): RecordResult<T> {
  try {
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    return { ok: false, reason: `not ${what}${issue ? ` (${issue.message}${at})` : ''}` };
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, reason: 'nested too deeply' };
    throw err;
  }
}
