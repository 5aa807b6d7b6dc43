import { PogError } from '../errors.js';
import { CanonicalTemplateSchema, describeSlot, type CanonicalTemplate } from '../normalize/canonical.js';
import { slotNames } from '../normalize/template-text.js';

/**
 * A reviewer's template edit applied to the canonical template: variables still used keep what they
 * had (description, examples), new slots are declared, dropped ones go, and the version goes up when
 * the text changed. Throws a PogError saying what to fix when the result is not a valid template.
 */
export function editedCanonical(current: CanonicalTemplate, template: string): CanonicalTemplate {
  const text = template.trim();
  if (text === '') throw new PogError('BAD_TEMPLATE', 'The template is empty.');
  const malformed = [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !/^[a-z][a-z0-9_]*$/.test(name));
  if (malformed.length > 0)
    throw new PogError(
      'BAD_TEMPLATE',
      `Slots are {{snake_case}} names: ${malformed.map((n) => `{{${n}}}`).join(', ')} is not one.`,
    );
  const variables = slotNames(text).map(
    (name) =>
      current.variables.find((v) => v.name === name) ?? {
        name,
        description: describeSlot(name, []),
        required: true,
        examples: [],
      },
  );
  const parsed = CanonicalTemplateSchema.safeParse({
    ...current,
    template: text,
    variables,
    version: text === current.template ? current.version : current.version + 1,
  });
  if (!parsed.success)
    throw new PogError('BAD_TEMPLATE', parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
