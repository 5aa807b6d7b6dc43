import { SLOT_PATTERN } from '../normalize/template-text.js';

/**
 * Writes a canonical template as a Handlebars body (what Dotprompt renders) that renders back to the
 * template text with its slots filled, whatever the chat text around the slots contains.
 *
 * Handlebars (4.x, `handlebars.l`) treats only `{{` and a backslash right before it specially:
 * - `\{{` starts an escaped run that is literal text up to the next `{{`, `\{{` or `\\{{`;
 * - content ending in `\\` before `{{` loses one backslash and the mustache is live;
 * - `{{{` opens a triple-stash and `}}}` closes one, so a literal brace cannot touch a mustache;
 * - `{{~x}}` / `{{x~}}` strip the whitespace before / after the mustache, so a space put between a
 *   literal brace or backslash and a mustache, then stripped, keeps the two apart without changing
 *   what renders; `{{~!}}` is an empty comment that does the same where no slot is at hand.
 * Every `{{` of the text that is not a declared slot is escaped; the tests render random brace and
 * backslash soup through Dotprompt to hold this to the real lexer.
 */

/**
 * Names Dotprompt's Handlebars would read as something other than a variable: helpers (Handlebars'
 * own and Dotprompt's, compiled with `knownHelpersOnly`) and literal keywords. `{{log}}` calls the
 * log helper and renders nothing, `{{true}}` does not parse; `{{this.[name]}}` always looks up the
 * input variable.
 */
const NOT_A_PLAIN_PATH = new Set([
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
  'json',
  'role',
  'history',
  'section',
  'media',
  'true',
  'false',
  'null',
  'undefined',
  'this',
  'else',
]);

/** The Handlebars path that reads input variable `name`. */
export function slotPath(name: string): string {
  return NOT_A_PLAIN_PATH.has(name) ? `this.[${name}]` : name;
}

/** What a Handlebars body cannot hold, or what Dotprompt would turn into something else. */
export function unrepresentableInHandlebars(template: string): string[] {
  const problems: string[] = [];
  // The Handlebars lexer matches `[^\x00]`: a NUL anywhere is a lexical error.
  if (template.includes('\0')) problems.push('the template contains a NUL character');
  // Dotprompt splits the rendered text on these markers into roles, history and media parts.
  if (template.includes('<<<dotprompt:'))
    problems.push('the template contains "<<<dotprompt:", which Dotprompt reads as a role or media marker');
  return problems;
}

/** The Handlebars body for a template; Dotprompt trims the body, so the template is trimmed first. */
export function toHandlebarsBody(template: string): string {
  const text = template.trim();
  const literals: string[] = [];
  const names: string[] = [];
  let cursor = 0;
  for (const match of text.matchAll(SLOT_PATTERN)) {
    literals.push(text.slice(cursor, match.index));
    names.push(match[1] ?? '');
    cursor = match.index + match[0].length;
  }
  literals.push(text.slice(cursor));

  let body = '';
  literals.forEach((literal, i) => {
    // A `}` right after a slot would close it as a triple-stash.
    if (i > 0 && literal.startsWith('}')) body += ' ';
    body += escapeLiteral(literal);
    const name = names[i];
    if (name === undefined) return;
    // A `{` right before a slot would open a triple-stash; a `\` would escape it.
    const open = /[{\\]$/.test(literal);
    const close = (literals[i + 1] ?? '').startsWith('}');
    body += `${open ? ' {{~' : '{{'}${slotPath(name)}${close ? '~}}' : '}}'}`;
  });
  return body;
}

/** Escapes each `{{` of literal text; a `\` before one is kept apart from it by a stripped comment. */
function escapeLiteral(literal: string): string {
  let out = '';
  let cursor = 0;
  for (let at = literal.indexOf('{{'); at >= 0; at = literal.indexOf('{{', at + 2)) {
    out += literal.slice(cursor, at);
    if (literal[at - 1] === '\\') out += ' {{~!}}';
    out += '\\{{';
    cursor = at + 2;
  }
  return out + literal.slice(cursor);
}

/**
 * Variables a body reads, in order of first use: `{{name}}` or `{{this.[name]}}` mustaches that are
 * not escaped. Meant for error messages about bodies this module wrote or nearly wrote, not as a
 * general Handlebars parser.
 */
export function bodySlotNames(body: string): string[] {
  const names = new Set<string>();
  const mustache = /(\\*)\{\{~?\s*(?:this\.\[([a-z][a-z0-9_]*)\]|([a-z][a-z0-9_]*))\s*~?\}\}/g;
  for (const match of body.matchAll(mustache)) {
    // One backslash escapes the mustache; two leave it live.
    if ((match[1] ?? '').length === 1) continue;
    names.add(match[2] ?? match[3] ?? '');
  }
  return [...names];
}
