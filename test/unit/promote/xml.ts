/**
 * A small XML 1.0 well-formedness check, enough for the documents promotion writes: one root element,
 * balanced tags, quoted attributes, no raw `<` or `&` in text or attribute values (no entity or
 * character references either: POML does not decode them), no `]]>` in text, comments without `--`,
 * and only characters XML allows. Returns the problems found; empty means well-formed.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const illegal = Array.from(xml).findIndex((c) => {
    const cp = c.codePointAt(0) ?? 0;
    return (
      (cp < 0x20 && ![0x09, 0x0a, 0x0d].includes(cp)) ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp === 0xfffe ||
      cp === 0xffff
    );
  });
  if (illegal >= 0) problems.push(`a character XML forbids at code point ${illegal}`);
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  const text = (s: string): void => {
    if (s.includes('&')) problems.push(`a raw & in text: ${JSON.stringify(s.slice(0, 60))}`);
    if (s.includes(']]>')) problems.push('"]]>" in text');
    if (stack.length === 0 && s.trim() !== '')
      problems.push(`text outside the root: ${JSON.stringify(s.slice(0, 60))}`);
  };
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    if (lt < 0) {
      text(xml.slice(at));
      break;
    }
    text(xml.slice(at, lt));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) return [...problems, 'an unclosed comment'];
      const body = xml.slice(lt + 4, end);
      if (body.includes('--') || body.endsWith('-'))
        problems.push(`"--" in a comment: ${JSON.stringify(body.slice(0, 60))}`);
      at = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) return [...problems, 'an unclosed tag'];
    const tag = xml.slice(lt + 1, gt);
    const close = /^\/([A-Za-z_][\w.-]*)\s*$/.exec(tag);
    if (close) {
      const open = stack.pop();
      if (open !== close[1]) problems.push(`</${close[1]}> closes <${open ?? 'nothing'}>`);
      at = gt + 1;
      continue;
    }
    const open = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*)\s*(\/?)$/.exec(
      tag,
    );
    if (!open) {
      problems.push(`a malformed tag: ${JSON.stringify(`<${tag.slice(0, 60)}>`)}`);
      at = gt + 1;
      continue;
    }
    const names = [...(open[2] ?? '').matchAll(/([A-Za-z_][\w.-]*)\s*=/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length) problems.push(`a repeated attribute in <${open[1]}>`);
    if (stack.length === 0) roots++;
    if (open[3] !== '/') stack.push(open[1] ?? '');
    at = gt + 1;
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
