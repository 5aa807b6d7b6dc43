import { looksLikeCodeLine, pastedMaterialStart } from './instruction.js';

/*
 * What people paste into a prompt (code, stack traces, logs, documents, attachments) differs every
 * time; the instruction around it is what recurs. Each pasted part becomes a typed placeholder
 * (`{{code}}`, `{{stack_trace}}`…) in the candidate's instruction, which is what is clustered and
 * turned into a template; its kind, language and size are kept as metadata.
 */

export type MaterialKind = 'code' | 'stack_trace' | 'log' | 'document' | 'image' | 'attachment';

export interface Material {
  kind: MaterialKind;
  /** For code: the fence's language or a guess (`python`, `sql`, `diff`…); null when unknown. */
  language: string | null;
  lines: number;
  chars: number;
}

export interface SeparatedPrompt {
  /** The text with each pasted part replaced by its placeholder. */
  instruction: string;
  materials: Material[];
}

const FENCE = /```[ \t]*([\w#+.-]*)[^\n]*\n?([\s\S]*?)(?:```|$)/g;
const ATTACHMENT = /\[(image|attachment|file|document|pdf)(?::[^\]\n]{0,200})?\]/gi;

const TRACE_LINE = [
  /^Traceback \(most recent call last\):?$/,
  /^\s*File ".*", line \d+/,
  /^\s+at [\w$.<>/]+\s*\(.*\)$/,
  /^\s+at [^\s]+:\d+:\d+\)?$/,
  /^\s+at .+\((?:.+\.java:\d+|Native Method|Unknown Source)\)$/,
  /^(?:Exception in thread|Caused by:|\s*\.\.\. \d+ more)/,
  /^[\w.$]*(?:Exception|Error)(?::|$)/,
  /^goroutine \d+ \[|\.go:\d+/,
  /panicked at |^\s+\d+: 0x[0-9a-f]+ - /,
];
const LOG_LINE =
  /^\s*\[?(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})|\b(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL)\b/;

/** Languages by the signs they leave, checked in order; the first with enough signs wins. */
const LANGUAGE_SIGNS: Array<[string, RegExp]> = [
  ['diff', /^(?:diff --git |@@ -\d|\+\+\+ |--- a\/)/m],
  ['python', /^\s*(?:def \w+\(|class \w+(?:\(.*\))?:|import \w+|from [\w.]+ import |elif |print\()|self\./m],
  [
    'typescript',
    /^\s*(?:interface \w+|type \w+ =|export (?:type|interface) )|: (?:string|number|boolean)\b/m,
  ],
  [
    'javascript',
    /^\s*(?:const |let |function |module\.exports|require\(|export (?:default|const|function))|=>/m,
  ],
  ['java', /^\s*(?:public |private |protected )(?:static )?(?:class |void |[\w<>]+ \w+\()|System\.out\./m],
  ['csharp', /^\s*using System|Console\.WriteLine|namespace \w+/m],
  ['go', /^\s*(?:func |package \w+|import \(|\w+ := )/m],
  ['rust', /^\s*(?:fn \w+|let mut |impl |use [\w:]+;|pub fn )/m],
  ['c', /^\s*#include\s*[<"]/m],
  ['php', /<\?php/],
  ['ruby', /^\s*(?:def \w+|end$|puts |require ['"])/m],
  [
    'sql',
    /^\s*(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (?:TABLE|INDEX|VIEW)|ALTER TABLE|WITH \w+ AS)\b/im,
  ],
  ['shell', /^\s*(?:\$ |#!\/bin\/|sudo |apt-get |npm |pip |docker |kubectl |git |curl |export \w+=)/m],
  ['html', /<\/?(?:div|span|html|body|head|p|a|ul|li|table|script)\b/i],
  ['css', /^\s*[.#]?[\w-]+\s*\{[^}]*:[^}]*;?/m],
  ['yaml', /^\s*[\w-]+:\s+\S.*\n\s*[\w-]+:/m],
];

/** The language of a piece of code: the fence's tag when it has one, else by its signs. */
export function guessLanguage(code: string, fenceTag = ''): string | null {
  const tag = fenceTag.toLowerCase();
  if (tag)
    return (
      (
        {
          py: 'python',
          js: 'javascript',
          ts: 'typescript',
          sh: 'shell',
          bash: 'shell',
          zsh: 'shell',
          yml: 'yaml',
          'c++': 'cpp',
          cs: 'csharp',
          rb: 'ruby',
          rs: 'rust',
          golang: 'go',
        } as Record<string, string>
      )[tag] ?? tag
    );
  const trimmed = code.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      JSON.parse(trimmed);
      return 'json';
    } catch {
      // not JSON: go on
    }
  }
  return LANGUAGE_SIGNS.find(([, sign]) => sign.test(code))?.[0] ?? null;
}

const nonEmpty = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** What a block of pasted text is. `fenced` blocks are code unless they read as a trace, a log or prose. */
export function classifyMaterial(text: string, fenceTag = '', fenced = false): Material {
  const lines = nonEmpty(text);
  const count = (re: RegExp | RegExp[]): number =>
    lines.filter((l) => (Array.isArray(re) ? re.some((r) => r.test(l)) : re.test(l))).length;
  const size = { lines: lines.length, chars: text.trim().length };
  const traces = count(TRACE_LINE);
  if (traces >= 2 || (traces >= 1 && /^Traceback|^Exception in thread|^goroutine/m.test(text))) {
    return { kind: 'stack_trace', language: traceLanguage(text), ...size };
  }
  if (lines.length >= 2 && count(LOG_LINE) >= Math.max(2, lines.length * 0.5)) {
    return { kind: 'log', language: null, ...size };
  }
  const codeLines = lines.filter((l) => looksLikeCodeLine(l)).length;
  const language = guessLanguage(text, fenceTag);
  const proseLines = lines.filter((l) => l.trim().split(/\s+/).length >= 6 && /[.!?,]/.test(l)).length;
  const isCode = fenced
    ? !(proseTag(fenceTag) && codeLines === 0 && proseLines >= lines.length * 0.5)
    : codeLines >= Math.max(1, lines.length * 0.4) ||
      (codeLines >= 1 && language !== null) ||
      language === 'json';
  if (isCode) return { kind: 'code', language, ...size };
  return { kind: 'document', language: null, ...size };
}

/** A fence tagged as prose (```text, ```markdown) or untagged may hold a document. */
function proseTag(fenceTag: string): boolean {
  return fenceTag === '' || /^(?:text|txt|markdown|md|plain|plaintext)$/i.test(fenceTag);
}

function traceLanguage(text: string): string | null {
  if (/Traceback|File ".*", line/.test(text)) return 'python';
  if (/\.java:\d+|Exception in thread|Caused by:/.test(text)) return 'java';
  if (/\.(?:js|ts|mjs|cjs|jsx|tsx):\d+:\d+/.test(text)) return 'javascript';
  if (/goroutine|\.go:\d+/.test(text)) return 'go';
  if (/panicked at/.test(text)) return 'rust';
  return null;
}

const placeholder = (kind: MaterialKind): string => `{{${kind}}}`;

/** Minimum run of unfenced code-like lines, outside an introduced paste, taken as pasted code. */
const MIN_CODE_RUN = 3;

/**
 * Replaces the pasted parts of a prompt with typed placeholders: fenced blocks, everything after an
 * introducing line ("…review this function:"), runs of code-like lines, and attachment markers.
 */
export function separateMaterial(text: string): SeparatedPrompt {
  const materials: Material[] = [];
  const source = text.trim();
  // Everything after an introducing line is pasted material, whatever it holds (fences included).
  const start = pastedMaterialStart(source);
  let head = start === null ? source : source.slice(0, start);
  const tail = start === null ? '' : source.slice(start);

  head = head.replace(FENCE, (_whole, fenceTag: string, body: string) => {
    const material = classifyMaterial(body, fenceTag, true);
    materials.push(material);
    return placeholder(material.kind);
  });
  head = replaceCodeRuns(head, materials);
  head = head.replace(ATTACHMENT, (_whole, what: string) => {
    const kind: MaterialKind = /image/i.test(what) ? 'image' : 'attachment';
    materials.push({ kind, language: null, lines: 0, chars: 0 });
    return placeholder(kind);
  });

  let instruction = head.trimEnd();
  if (tail !== '') {
    const fence = /^```[ \t]*([\w#+.-]*)[^\n]*\n([\s\S]*?)(?:```\s*)?$/.exec(tail.trim());
    const material = fence ? classifyMaterial(fence[2]!, fence[1], true) : classifyMaterial(tail);
    // "Here is the CI output:\nWhy does X fail?": one line asking something is the question, not a paste.
    if (material.kind === 'document' && material.lines <= 1 && /\?\s*$/.test(tail)) {
      const rest = separateMaterial(tail);
      materials.push(...rest.materials);
      instruction = `${instruction}\n${rest.instruction}`;
    } else {
      materials.push(material);
      instruction = `${instruction}\n${placeholder(material.kind)}`;
    }
  }
  return { instruction: instruction.replace(/[ \t]+\n/g, '\n').trim(), materials };
}

function replaceCodeRuns(text: string, materials: Material[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j < lines.length && (looksLikeCodeLine(lines[j]!) || isTraceOrLog(lines[j]!))) j++;
    // Two lines of a stack trace or a log are already a paste; code needs a few more to be sure.
    const traceOrLog = lines.slice(i, j).every(isTraceOrLog);
    if (j - i >= (traceOrLog ? 2 : MIN_CODE_RUN)) {
      const block = lines.slice(i, j).join('\n');
      const material = classifyMaterial(block);
      materials.push(material.kind === 'document' ? { ...material, kind: 'code' } : material);
      out.push(placeholder(material.kind === 'document' ? 'code' : material.kind));
      i = j;
    } else {
      out.push(lines[i]!);
      i++;
    }
  }
  return out.join('\n');
}

function isTraceOrLog(line: string): boolean {
  return TRACE_LINE.some((r) => r.test(line)) || LOG_LINE.test(line);
}

/**
 * What the embedder reads for a candidate: its instruction, so that two requests to review different
 * code are alike; but when the paste is all there is (a prompt written as one JSON document, a bare
 * code block with a word or two), the instruction holds nothing to compare, and the whole text is read.
 */
export function embeddingText(text: string, instruction: string | null): string {
  if (instruction === null) return text;
  const words = instruction.replace(/\{\{\w+\}\}/g, ' ').match(/\p{L}{2,}/gu)?.length ?? 0;
  return words >= 3 ? instruction : text;
}
