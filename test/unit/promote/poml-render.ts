/**
 * POML's handling of text content, ported from its reader (microsoft/poml packages/poml/file.tsx:
 * `handleText`, `unescapeText`, `evalWithVariables`) so a test can render what POML would, without
 * installing POML and React. Only text; components, captions and whitespace styles are not modelled.
 */
export function renderPomlText(text: string, context: Readonly<Record<string, string>>): string {
  const unescape = (s: string): string =>
    s
      .replace(/#lt;/g, '<')
      .replace(/#gt;/g, '>')
      .replace(/#amp;/g, '&')
      .replace(/#quot;/g, '"')
      .replace(/#apos;/g, "'")
      .replace(/#hash;/g, '#')
      .replace(/#lbrace;/g, '{')
      .replace(/#rbrace;/g, '}');
  const regex = /{{\s*(.+?)\s*}}(?!})/gm;
  let out = '';
  let done = 0;
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    out += unescape(text.slice(done, match.index)) + String(evaluate(match[1] ?? '', context));
    done = match.index + match[0].length;
  }
  return out + unescape(text.slice(done));
}

function evaluate(expression: string, context: Readonly<Record<string, string>>): unknown {
  // What POML does (file.tsx `evalWithVariables`); the expressions are the ones the test wrote.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function(...Object.keys(context), `return ${expression}`) as (...args: string[]) => unknown;
  return fn(...Object.values(context));
}

/** The text of the `<task>` element of a POML document promotion wrote. */
export function pomlTaskText(poml: string): string {
  const match = /<task\b[^>]*>([\s\S]*)<\/task>/.exec(poml);
  if (!match) throw new Error('no <task> element');
  return match[1] ?? '';
}
