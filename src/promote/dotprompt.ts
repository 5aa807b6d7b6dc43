import { Dotprompt } from 'dotprompt';
import { Document, isMap, isScalar, parseDocument as parseYaml, visit } from 'yaml';
import type { CanonicalTemplate } from '../normalize/canonical.js';
import { PromptInvalidError } from './errors.js';
import { bodySlotNames, toHandlebarsBody, unrepresentableInHandlebars } from './handlebars.js';
import { oneLineDescription, provenance } from './provenance.js';
import type { PromotionRecord } from './record.js';

/**
 * Dotprompt (github.com/google/dotprompt, the `dotprompt` npm package): YAML front matter, then a
 * Handlebars body. Inputs are declared in Picoschema under `input.schema`; front-matter keys with a
 * dot are Dotprompt "extension fields", gathered by namespace into `ext` by the parser (`pog.review`
 * → `ext.pog.review`, one level only), which is where the provenance goes.
 */

const REGENERATE = 'Promote the template again to regenerate the file rather than editing it by hand.';
const EDIT_TEMPLATE = 'Edit the template in triage before promoting it.';

/** Where the file lives in the prompt library: `prompts/<phase>/<slug>.prompt`, posix separators. */
export function promptPath(t: CanonicalTemplate): string {
  return `prompts/${t.phase}/${t.id}.prompt`;
}

export function toDotprompt(r: PromotionRecord): string {
  const t = r.template;
  const unrepresentable = unrepresentableInHandlebars(t.template);
  if (unrepresentable.length > 0)
    throw new PromptInvalidError(promptPath(t), t.id, unrepresentable, EDIT_TEMPLATE);
  const p = provenance(r);
  const frontMatter = {
    name: t.id,
    description: t.intent,
    input: { schema: picoschema(t) },
    'pog.id': p.id,
    'pog.patternId': p.patternId,
    'pog.title': p.title,
    'pog.phase': p.phase,
    'pog.tags': p.tags,
    'pog.version': p.version,
    'pog.method': p.method,
    'pog.source': p.source,
    'pog.quality': p.quality,
    'pog.examples': Object.fromEntries(t.variables.map((v) => [v.name, [...v.examples]])),
    'pog.review': p.review,
    'pog.promotedAt': p.promotedAt,
  };
  return `---\n${toYaml(frontMatter)}---\n${toHandlebarsBody(t.template)}\n`;
}

/** Picoschema: `name: string, description`; a `?` after the name makes it optional. */
function picoschema(t: CanonicalTemplate): Record<string, string> {
  return Object.fromEntries(
    t.variables.map((v) => [v.required ? v.name : `${v.name}?`, `string, ${oneLineDescription(v)}`]),
  );
}

/** Keys a YAML 1.1 parser reads as a boolean or null (a variable may be called `yes` or `on`). */
const YAML11_KEYWORD = /^(?:y|n|yes|no|on|off|true|false|null)$/;

/**
 * Every string double-quoted (JSON escapes, one line each): chat text is full of YAML syntax, and
 * other Dotprompt implementations read front matter with YAML 1.1 parsers, to which a bare `no`,
 * `on` or `2024-05-01` is not a string. YAML 1.1 also breaks lines at NEL, LS and PS, and the C1
 * controls are not printable YAML, so those are written as escapes too (they only occur inside the
 * quoted strings: keys are ours or snake_case).
 */
function toYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && YAML11_KEYWORD.test(pair.key.value))
        pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return doc
    .toString({
      lineWidth: 0,
      defaultStringType: 'QUOTE_DOUBLE',
      defaultKeyType: 'PLAIN',
      doubleQuotedAsJSON: true,
    })
    .replace(
      /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** Dotprompt's own front-matter split (`FRONTMATTER_AND_BODY_REGEX` in its parse.ts, not exported). */
const FRONT_MATTER = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/;

let parser: Dotprompt | undefined;

/**
 * Checks a Dotprompt file against the template it should hold: it parses with the dotprompt package,
 * is named after the slug, declares exactly the template's variables (required ones without `?`),
 * and its body is the template with exactly those slots. Throws PromptInvalidError listing every
 * problem found.
 */
export function checkDotprompt(source: string, expected: CanonicalTemplate): void {
  const problems = dotpromptProblems(source, expected);
  if (problems.length > 0)
    throw new PromptInvalidError(promptPath(expected), expected.id, problems, REGENERATE);
}

function dotpromptProblems(source: string, expected: CanonicalTemplate): string[] {
  const split = FRONT_MATTER.exec(source);
  if (!split) return ['it does not start with YAML front matter between two "---" lines'];
  // Dotprompt logs and swallows YAML errors (the whole file becomes the body), so parse first here.
  const yaml = parseYaml(split[1] ?? '');
  const yamlError = yaml.errors[0];
  if (yamlError) return [`its front matter is not valid YAML: ${yamlError.message.split('\n')[0]}`];
  if (!isMap(yaml.contents)) return ['its front matter is not a YAML mapping'];

  parser ??= new Dotprompt();
  const parsed = parser.parse(source);
  const problems: string[] = [];
  if (parsed.name !== expected.id)
    problems.push(`its name is ${JSON.stringify(parsed.name ?? null)}, not "${expected.id}"`);
  problems.push(...schemaProblems(parsed.input?.schema, expected));
  problems.push(...bodyProblems(parsed.template, expected));
  const pog = parsed.ext?.['pog'] as Record<string, unknown> | undefined;
  if (pog?.['id'] !== expected.id)
    problems.push(`pog.id is ${JSON.stringify(pog?.['id'] ?? null)}, not "${expected.id}"`);
  if (pog?.['version'] !== expected.version)
    problems.push(`pog.version is ${JSON.stringify(pog?.['version'] ?? null)}, not ${expected.version}`);
  return problems;
}

function schemaProblems(schema: unknown, expected: CanonicalTemplate): string[] {
  if (expected.variables.length === 0 && schema === undefined) return [];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return ['input.schema is missing or is not a Picoschema mapping of the variables'];
  const declared = new Map<string, { optional: boolean; value: unknown }>();
  for (const [key, value] of Object.entries(schema))
    declared.set(key.replace(/\?$/, ''), { optional: key.endsWith('?'), value });

  const problems: string[] = [];
  for (const v of expected.variables) {
    const d = declared.get(v.name);
    if (!d) {
      problems.push(`the variable ${v.name} ({{${v.name}}}) is not declared in input.schema`);
      continue;
    }
    if (d.optional === v.required)
      problems.push(
        `input.schema declares ${v.name} ${d.optional ? 'optional' : 'required'}, the template has it ${v.required ? 'required' : 'optional'}`,
      );
    const want = `string, ${oneLineDescription(v)}`;
    if (d.value !== want)
      problems.push(
        `input.schema declares ${v.name} as ${JSON.stringify(d.value)}, not ${JSON.stringify(want)}`,
      );
  }
  const used = new Set(expected.variables.map((v) => v.name));
  for (const name of declared.keys())
    if (!used.has(name))
      problems.push(`input.schema declares ${name}, which is not a variable of the template`);
  return problems;
}

function bodyProblems(body: string, expected: CanonicalTemplate): string[] {
  const problems: string[] = [];
  const inBody = bodySlotNames(body);
  const variables = expected.variables.map((v) => v.name);
  for (const name of variables.filter((n) => !inBody.includes(n)))
    problems.push(`the body never uses the variable {{${name}}}`);
  for (const name of inBody.filter((n) => !variables.includes(n)))
    problems.push(`the body uses {{${name}}}, which is not a declared variable`);
  const want = toHandlebarsBody(expected.template);
  if (problems.length === 0 && body !== want)
    problems.push(`the body differs from the template ${firstDifference(body, want)}`);
  return problems;
}

function firstDifference(actual: string, want: string): string {
  let at = 0;
  while (at < actual.length && actual[at] === want[at]) at++;
  const line = actual.slice(0, at).split('\n').length;
  const show = (s: string): string => JSON.stringify(s.slice(at, at + 40));
  return `at line ${line} of the body: ${show(actual)} where the template has ${show(want)}`;
}
