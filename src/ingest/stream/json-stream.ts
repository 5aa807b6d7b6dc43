/*
 * A streaming splitter for JSON documents too large to parse whole (a 1 GB conversations.json is a
 * single line, and V8 strings stop at ~512 MB). It scans bytes, finds where each element of the
 * streamed array ends, and JSON.parses elements one at a time, so memory is bounded by the largest
 * element rather than by the file. Inside strings it jumps with indexOf (memchr), which is where most
 * bytes of a chat export are.
 */

import { jsonErrorReason } from '../decode.js';

export interface JsonStreamLimits {
  /** An element larger than this is reported and skipped, never buffered. */
  maxElementBytes: number;
  /** Elements nested deeper than this are reported and skipped (a stack-overflow guard). */
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonStreamLimits = { maxElementBytes: 256 * 1024 * 1024, maxDepth: 512 };

export type JsonStreamEvent =
  /** One element of the top-level array (or of the array at `arrayKey` in a top-level object). */
  | { type: 'element'; index: number; value: unknown }
  /** With `arrayKey`: the members of the top-level object that come before that array. */
  | { type: 'header'; value: Record<string, unknown> }
  /** A top-level object, when no `arrayKey` was asked for or the key was not found. */
  | { type: 'document'; value: unknown }
  | { type: 'problem'; position: string; reason: string };

export interface JsonStreamOptions extends Partial<JsonStreamLimits> {
  /** Stream the elements of this key's array when the top level is an object ({"messages": [...]}). */
  arrayKey?: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Collects the bytes of one value across chunks, up to a limit past which it keeps only the count. */
class Capture {
  private parts: Buffer[] = [];
  size = 0;
  overflow = false;
  deepest = 0;
  constructor(
    readonly start: number,
    private readonly limit: number,
  ) {}
  add(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.size += to - from;
    if (this.overflow) return;
    if (this.size > this.limit) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.subarray(from, to));
  }
  bytes(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }
}

/**
 * Where the scanner is:
 * - `start`: before the first value;
 * - `array`: between or inside elements of the streamed array (at `arrayDepth`);
 * - `document`: inside a top-level object captured whole;
 * - `header`: inside a top-level object, looking for `arrayKey` (members are captured as the header);
 * - `tail`: after the streamed array of a top-level object, skipping to its end;
 * - `done`: after the document.
 */
type Mode = 'start' | 'array' | 'document' | 'header' | 'tail' | 'done';

/**
 * Splits a JSON document into events as described above. Problems (an element that is not valid JSON
 * or UTF-8, too large, too deep, a file cut short) become `problem` events; scanning goes on where it
 * can, so one bad conversation does not cost the others.
 */
export async function* streamJson(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: JsonStreamOptions = {},
): AsyncGenerator<JsonStreamEvent> {
  const limits = { ...DEFAULT_JSON_LIMITS, ...options };
  let mode: Mode = 'start';
  let offset = 0; // bytes before the current chunk
  let index = 0; // elements seen
  let depth = 0; // nesting depth in the document
  let arrayDepth = 1; // depth inside the streamed array
  let inString = false;
  let escaped = false;
  let capture: Capture | null = null; // the element, document or header being captured
  let scalar = false; // the element is a number/true/false/null, ended by `,` or `]`
  let keyStart = -1; // arrayKey mode: where the current depth-1 string starts in the header capture
  let lastKey: string | null = null;
  let first = true;

  const finish = (cap: Capture, kind: 'element' | 'document'): JsonStreamEvent => {
    const position = kind === 'document' ? 'document' : `element ${index} (byte ${cap.start})`;
    const i = index++;
    if (cap.overflow) {
      return {
        type: 'problem',
        position,
        reason: `larger than the ${limits.maxElementBytes}-byte limit; skipped`,
      };
    }
    if (cap.deepest > limits.maxDepth) {
      return { type: 'problem', position, reason: `nested deeper than ${limits.maxDepth} levels; skipped` };
    }
    let text: string;
    try {
      text = utf8.decode(cap.bytes());
    } catch {
      return { type: 'problem', position, reason: 'not valid UTF-8' };
    }
    try {
      const value = JSON.parse(text) as unknown;
      return kind === 'document' ? { type: 'document', value } : { type: 'element', index: i, value };
    } catch (err) {
      return { type: 'problem', position, reason: jsonErrorReason(err) };
    }
  };

  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const events: JsonStreamEvent[] = [];
    const n = chunk.length;
    let i = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // BOM
    }
    let from = i; // where the open capture's share of this chunk starts

    let stop = false;
    scan: while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) {
          // The string goes on in the next chunk; a trailing backslash escapes its first byte.
          let k = n - 1;
          while (k >= i && chunk[k] === BACKSLASH) k--;
          escaped = (n - 1 - k) % 2 === 1;
          i = n;
          break;
        }
        // Count the backslashes right before the quote: an odd number escapes it. (Before `i` there is
        // a quote or the chunk's start, whose carried-over escape was consumed above.)
        let k = q - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        i = q + 1;
        if ((q - 1 - k) % 2 === 1) continue;
        inString = false;
        continue;
      }
      const b = chunk[i]!;
      if (isSpace(b)) {
        i++;
        continue;
      }

      switch (mode) {
        case 'start':
          if (b === OPEN_BRACKET) {
            mode = 'array';
            arrayDepth = depth = 1;
            i++;
            continue;
          }
          if (b === OPEN_BRACE) {
            mode = options.arrayKey ? 'header' : 'document';
            capture = new Capture(offset + i, limits.maxElementBytes);
            from = i;
            depth = capture.deepest = 1;
            i++;
            continue;
          }
          events.push({
            type: 'problem',
            position: `byte ${offset + i}`,
            reason: 'not a JSON array or object',
          });
          stop = true;
          break scan;
        case 'done':
          events.push({
            type: 'problem',
            position: `byte ${offset + i}`,
            reason: 'unexpected data after the JSON document',
          });
          stop = true;
          break scan;
        case 'array':
          if (capture === null && depth === arrayDepth) {
            if (b === COMMA) {
              i++;
              continue;
            }
            if (b === CLOSE_BRACKET) {
              depth--;
              i++;
              mode = arrayDepth === 1 ? 'done' : 'tail';
              continue;
            }
            capture = new Capture(offset + i, limits.maxElementBytes);
            capture.deepest = 1;
            from = i;
            scalar = b !== OPEN_BRACE && b !== OPEN_BRACKET;
          }
          if (scalar) {
            if (b === QUOTE) {
              inString = true;
              i++;
              continue;
            }
            if (b === COMMA || b === CLOSE_BRACKET) {
              capture!.add(chunk, from, i);
              events.push(finish(capture!, 'element'));
              capture = null;
              scalar = false;
              continue; // the comma or bracket is read again at array level
            }
            i++;
            continue;
          }
          break;
        case 'header':
          if (depth === 1 && b === COLON && keyStart >= 0) {
            capture!.add(chunk, from, i);
            from = i;
            try {
              lastKey = JSON.parse(capture!.bytes().subarray(keyStart).toString('utf8')) as string;
            } catch {
              lastKey = null;
            }
            keyStart = -1;
            i++;
            continue;
          }
          if (depth === 1 && b === OPEN_BRACKET && lastKey === options.arrayKey) {
            capture!.add(chunk, from, i);
            let header: Record<string, unknown> = {};
            try {
              header = JSON.parse(`${capture!.bytes().toString('utf8')}[]}`) as Record<string, unknown>;
            } catch {
              // An unreadable header costs the metadata, not the messages.
            }
            events.push({ type: 'header', value: header });
            capture = null;
            mode = 'array';
            depth = arrayDepth = 2;
            i++;
            continue;
          }
          if (depth === 1 && b === QUOTE) {
            capture!.add(chunk, from, i);
            from = i;
            keyStart = capture!.size;
          }
          if (depth === 1 && b === COMMA) lastKey = null;
          break;
        default:
          break;
      }

      if (b === QUOTE) {
        inString = true;
        i++;
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        depth++;
        if (capture) capture.deepest = Math.max(capture.deepest, depth - (mode === 'array' ? arrayDepth : 0));
        i++;
        continue;
      }
      if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        i++;
        if (mode === 'array' && capture && depth === arrayDepth) {
          capture.add(chunk, from, i);
          events.push(finish(capture, 'element'));
          capture = null;
        } else if (depth === 0) {
          if (mode === 'document' || mode === 'header') {
            capture!.add(chunk, from, i);
            // arrayKey not found: the whole object is the document.
            events.push(finish(capture!, 'document'));
            capture = null;
          }
          mode = 'done';
        }
        continue;
      }
      i++;
    }
    if (capture) capture.add(chunk, from, n);
    offset += n;
    for (const e of events) yield e;
    if (stop) return;
  }

  if (mode === 'start') {
    yield { type: 'problem', position: 'byte 0', reason: 'the file is empty' };
  } else if (mode !== 'done') {
    const where = capture && mode === 'array' ? `element ${index} (byte ${capture.start})` : `byte ${offset}`;
    yield { type: 'problem', position: where, reason: `the file ends early, at byte ${offset} (truncated?)` };
  }
}
