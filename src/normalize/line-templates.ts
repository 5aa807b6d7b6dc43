/*
 * Line templates: the slot finder for single-line, machine-like text (log lines, status messages,
 * ids). Lines printed by one format string are grouped, and each group gets a template with `<*>`
 * where its lines differ:
 *
 *   PacketResponder 1 for block blk_38865049064139660 terminating   ┐
 *   PacketResponder 0 for block blk_-6952295868487656571 terminating ├─► PacketResponder <*> for block <*> terminating
 *
 * Four steps, one configuration for every kind of log:
 *   1. mask: typed values (numbers, hex, IPs, host names, paths, URLs, UUIDs, dates, ids with digits,
 *      booleans) become `<*>`, also inside tokens (`/10.0.0.1:50010`, `uid=0`, `core.2275`);
 *   2. group by token count, then by each line's most frequent tokens (Brain, Yu et al. 2023: the
 *      tokens of one line that share one frequency, the largest such set, are its template's
 *      constants; a variable's values are rarer than the template they fill);
 *   3. split each group on a column whose few values are words (`VM Started` / `VM Paused` are two
 *      messages; `user=root` / `user=test` and ids are one), or whose value is sometimes empty (`()`);
 *   4. merge groups whose templates differ only where a value spans more tokens in some lines
 *      (`0 bytes sent` / `0 bytes (0 KB) sent`).
 * The templates follow the conventions of the corrected loghub labels (Khan et al., ICSE 2022): a
 * token glued to a variable is the variable (`blk_<*>` → `<*>`) and adjacent variables are one.
 *
 * Pure and deterministic: the same lines in any order give the same groups and templates.
 */

export const WILDCARD = '<*>';

export interface LineTemplateOptions {
  /**
   * A column splits its group when fewer than this many different words fill it; with more, the
   * words are values (user names, states of an id) rather than kinds of message.
   */
  splitBelow?: number;
}

export interface LineTemplates {
  /** The group of each input line: an index into `templates`. */
  groups: number[];
  /** One template per group, sorted; `<*>` where the group's lines differ. */
  templates: string[];
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?';
const CLOCK = String.raw`\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?`;

/**
 * Values that contain spaces, masked on the whole line before it is split into tokens; each with a
 * cheap test that most lines fail, because the masks themselves are slow to scan a line with.
 * Exported for the tests, which check the scan against these masks applied to every line.
 */
export const LINE_MASKS: [RegExp, RegExp][] = [
  // Mon Jun 20 04:02:54 2005, Jun 20 04:02:54, Fri Dec 10 12:00:00 EST 2004
  [
    /\d:\d\d/,
    new RegExp(
      String.raw`(?<![\w:])(?:${WEEKDAY}\s+)?${MONTH}\s+\d{1,2}(?:,?\s+\d{4})?\s+${CLOCK}(?:\s+(?:[A-Z]{3,4}|[+-]\d{4}))?(?:\s+\d{4})?(?![\w:])`,
      'g',
    ),
  ],
  // 2015-10-17 15:37:56,547 and 2015-10-17T15:37:56Z
  [
    /\d\d[-/]\d/,
    new RegExp(
      String.raw`(?<![\w:])\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T\s]${CLOCK}(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:])`,
      'g',
    ),
  ],
  // key="a quoted value"
  [/="/, /="[^"]*"/g],
];

const TLD = '(?:com|net|org|edu|gov|mil|io|info|biz|cn|us|uk|de|jp|hk|fr|ru|au|ca|nl|kr|tw|br|local|lan)';
const HEX = '[0-9a-fA-F]';
const g = (source: string): RegExp => new RegExp(source, 'g');

/** The shape of a token, from one pass over its characters: which typed values it can hold. */
interface Shape {
  digits: number;
  letters: number;
  dots: number;
  colons: number;
  dashes: number;
  underscores: number;
  slashes: number;
  backslashes: number;
  /** Longest run of hex digits. */
  hexRun: number;
}

function shapeOf(token: string): Shape {
  const s: Shape = {
    digits: 0,
    letters: 0,
    dots: 0,
    colons: 0,
    dashes: 0,
    underscores: 0,
    slashes: 0,
    backslashes: 0,
    hexRun: 0,
  };
  let run = 0;
  for (let k = 0; k < token.length; k++) {
    const c = token.charCodeAt(k);
    let hex = false;
    if (c >= 48 && c <= 57) {
      s.digits++;
      hex = true;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      s.letters++;
      hex = (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    } else if (c === 46) s.dots++;
    else if (c === 58) s.colons++;
    else if (c === 45) s.dashes++;
    else if (c === 95) s.underscores++;
    else if (c === 47) s.slashes++;
    else if (c === 92) s.backslashes++;
    run = hex ? run + 1 : 0;
    if (run > s.hexRun) s.hexRun = run;
  }
  return s;
}

/**
 * Typed values inside a token, applied in this order (an earlier kind wins where two overlap), each
 * only to tokens whose shape can hold it: one regex with every kind as an alternative, tried at every
 * position of every token, was most of the mining time.
 *
 * Every masking rule here and below must see a digit only as a digit (\d, a count, a run length),
 * never its value, except the 0 of `0x`: TokenCache masks a token by its shape, its digits read as 1,
 * and the shape test in line-templates.test.ts checks it on generated tokens.
 */
const TYPED: [(s: Shape, token: string) => boolean, RegExp][] = [
  // URLs
  [(_, t) => t.includes('://'), g(String.raw`[a-zA-Z][\w+.-]*://[^\s"'<>()\[\]{}]+`)],
  // UUIDs
  [(s) => s.dashes >= 4 && s.hexRun >= 8, g(`${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`)],
  // IPv4, with a port and the leading slash of Java's InetSocketAddress
  [(s) => s.dots >= 3 && s.digits >= 4, g(String.raw`(?<![\w.])/?\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?![\w.])`)],
  // host names: a known top-level domain, or any dotted name with a port
  [
    (s) => s.dots >= 1 && s.letters >= 2,
    g(String.raw`(?<![\w.-])(?:[A-Za-z0-9][\w-]*\.)+${TLD}(?::\d+)?(?![\w.-])`),
  ],
  [
    (s) => s.dots >= 2 && s.colons >= 1 && s.digits >= 1,
    g(String.raw`(?<![\w.-])(?:[A-Za-z0-9][A-Za-z0-9-]*\.){2,}[A-Za-z][A-Za-z0-9-]*:\d+(?![\w.-])`),
  ],
  // MAC and IPv6 addresses
  [(s) => s.colons >= 3, g(String.raw`(?<![\w:])(?:${HEX}{1,4}:){3,7}${HEX}{1,4}(?![\w:])`)],
  [(_, t) => t.includes('0x') || t.includes('0X'), g(`0[xX]${HEX}+`)],
  // Windows and UNC paths (POSIX paths are found per piece, see PATH_PIECE)
  [(s) => s.backslashes >= 1, g(String.raw`(?<![\w])(?:[A-Za-z]:|\\\\[?.])\\[^\s,;"'<>|]*`)],
  // ids of words and numbers joined by underscores: blk_-1608999687919862906, task_200811092030_0001_m_000590_0
  [
    (s) => s.underscores >= 1 && s.digits >= 1,
    g(String.raw`(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]*)*_-?\d+(?:_[A-Za-z0-9]+)*(?![\w-])`),
  ],
  // hex strings: with a digit and a letter from 6 characters, any from 8 (ffffffff)
  [
    (s) => s.hexRun >= 6,
    g(String.raw`(?<![\w-])(?:(?=${HEX}*\d)(?=${HEX}*[a-fA-F])${HEX}{6,}|${HEX}{8,})(?![\w-])`),
  ],
  [(s) => s.letters >= 4, g(String.raw`(?<![\w.-])(?:true|false|null|TRUE|FALSE|NULL|True|False)(?![\w-])`)],
  [
    (s) => s.digits >= 1,
    g(
      [
        // quantities with a unit glued on: 64172MB, 10ms, 2.5s
        String.raw`(?<![\w.])-?\d+(?:\.\d+)?(?:[KMGTP]i?B|[KMGT]|B|bytes|ms|us|ns|s|sec|secs|min|h)(?![\w])`,
        // numbers and versions: -1, 0.25, 6.1.7601.23505, v2
        String.raw`(?<![\w.])-?v?\d+(?:\.\d+)*(?![\w])`,
        // any other run of digits between delimiters (the 2022 guidelines' DG rule): alignment....0, core.2275
        String.raw`(?<![A-Za-z0-9_])\d+(?![A-Za-z0-9_])`,
      ].join('|'),
    ),
  ],
];

/** The 2022 guidelines' PS rule: a path is a piece between these delimiters made of `/segment`s. */
const PATH_DELIM = new Uint8Array(128);
for (const c of ',!;:=|"\'[](){}') PATH_DELIM[c.charCodeAt(0)] = 1;

/** The token with each piece between PATH_DELIM characters that is a path (`/a/b`, `/a/`) masked. */
function maskPaths(t: string): string {
  let out = '';
  let copied = 0;
  let start = 0;
  for (let k = 0; k <= t.length; k++) {
    if (k < t.length) {
      const c = t.charCodeAt(k);
      if (c >= 128 || PATH_DELIM[c] === 0) continue;
    }
    if (isPathPiece(t, start, k)) {
      out += t.slice(copied, start) + WILDCARD;
      copied = k;
    }
    start = k + 1;
  }
  return copied === 0 ? t : out + t.slice(copied);
}

/** Whether t.slice(start, end) is `(/segment)+/?`: a slash first, a character after it, no `//`. */
function isPathPiece(t: string, start: number, end: number): boolean {
  if (end - start < 2 || t.charCodeAt(start) !== 47) return false;
  for (let k = start + 1; k < end; k++)
    if (t.charCodeAt(k) === 47 && t.charCodeAt(k - 1) === 47) return false;
  return true;
}

const TLDS = new Set(TLD.slice(3, -1).split('|'));
const BOOLEANS = new Set(['true', 'false', 'null', 'TRUE', 'FALSE', 'NULL', 'True', 'False']);
const QUANTITY = /^\d+(?:[KMGTP]i?B|[KMGT]|B|bytes|ms|us|ns|s|sec|secs|min|h)$/;
const ID = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]*)*_\d+(?:_[A-Za-z0-9]+)*$/;
const ID_HEAD = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]*)*_$/;
const VERSION_HEAD = /^v?\d+$/;

const isHexCode = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isWordCode = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A dotted name ending in a known top-level domain (a host name): left to the regexes. */
function hasHostName(token: string): boolean {
  return hostNameIn(token, 0, token.length);
}

/** hasHostName for token = t.slice(start, end), without the slice. */
function hostNameIn(t: string, start: number, end: number): boolean {
  for (let k = t.indexOf('.', start); k >= 0 && k < end; k = t.indexOf('.', k + 1)) {
    let e = k + 1;
    while (e < end) {
      const c = t.charCodeAt(e);
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
      e++;
    }
    if (e === k + 1 || e - k - 1 > 5 || !TLDS.has(t.slice(k + 1, e))) continue;
    const next = e < end ? t.charCodeAt(e) : -1;
    if (e === end || !(isWordCode(next) || next === 46 || next === 45)) return true;
  }
  return false;
}

// What atomsOf knows of each word run, so that the rules below need no regex for most of them.
const ALL_DIGITS = 1;
const ALL_HEX = 2;
const HAS_DIGIT = 4;
const HAS_LETTER = 8;
const HAS_UNDERSCORE = 16;

/** Word runs ([A-Za-z0-9_]+) with their flags, `<*>`, and single other characters (flags 0). */
function atomsOf(token: string, flags: number[]): string[] {
  const atoms: string[] = [];
  let k = 0;
  const n = token.length;
  while (k < n) {
    const c = token.charCodeAt(k);
    if (c === 60 && token.startsWith(WILDCARD, k)) {
      atoms.push(WILDCARD);
      flags.push(0);
      k += 3;
    } else if (isWordCode(c)) {
      let e = k;
      let f = ALL_DIGITS | ALL_HEX;
      for (; e < n; e++) {
        const d = token.charCodeAt(e);
        if (d >= 48 && d <= 57) f |= HAS_DIGIT;
        else if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122)) {
          f = (f | HAS_LETTER) & ~ALL_DIGITS;
          if (!((d >= 65 && d <= 70) || (d >= 97 && d <= 102))) f &= ~ALL_HEX;
        } else if (d === 95) f = (f | HAS_UNDERSCORE) & ~(ALL_DIGITS | ALL_HEX);
        else break;
      }
      atoms.push(token.slice(k, e));
      flags.push(f);
      k = e;
    } else {
      atoms.push(token[k]!);
      flags.push(0);
      k++;
    }
  }
  return atoms;
}

function isWordAt(flags: readonly number[], j: number): boolean {
  return j >= 0 && j < flags.length && flags[j]! !== 0;
}
function isDigitsAt(flags: readonly number[], j: number): boolean {
  return j >= 0 && j < flags.length && (flags[j]! & ALL_DIGITS) !== 0;
}
function isOctetAt(a: readonly string[], flags: readonly number[], j: number): boolean {
  return isDigitsAt(flags, j) && a[j]!.length <= 3;
}

/**
 * The typed values of TYPED for the common token shapes, by walking the token's word runs instead of
 * running the regexes over every position (several times faster); tokens that may hold a URL, a
 * Windows path, a MAC or IPv6 address, a UUID or a host name take the regexes.
 */
function maskAtoms(t: string): string {
  const flags: number[] = [];
  const a = atomsOf(t, flags);
  const out: string[] = [];
  const n = a.length;
  for (let k = 0; k < n; k++) {
    const w = a[k]!;
    const f = flags[k]!;
    if (f === 0) {
      out.push(w);
      continue;
    }
    const prev = a[k - 1];
    const next = a[k + 1];
    if (f & ALL_DIGITS) {
      // IPv4 with an optional port and leading slash.
      if (
        w.length <= 3 &&
        next === '.' &&
        isOctetAt(a, flags, k + 2) &&
        a[k + 3] === '.' &&
        isOctetAt(a, flags, k + 4) &&
        a[k + 5] === '.' &&
        isOctetAt(a, flags, k + 6) &&
        prev !== '.' &&
        !isWordAt(flags, k - 1)
      ) {
        let e = k + 7;
        if (a[e] === ':' && isDigitsAt(flags, e + 1)) e += 2;
        if (a[e] !== '.' && !isWordAt(flags, e)) {
          if (prev === '/' && a[k - 2] !== '.' && !isWordAt(flags, k - 2)) out.pop();
          out.push(WILDCARD);
          k = e - 1;
          continue;
        }
      }
    }
    if (f & HAS_LETTER && w.length > 2 && w.charCodeAt(0) === 48 && (w[1] === 'x' || w[1] === 'X')) {
      let e = 2;
      while (e < w.length && isHexCode(w.charCodeAt(e))) e++;
      if (e > 2) {
        out.push(WILDCARD + w.slice(e));
        continue;
      }
    }
    if (f & HAS_UNDERSCORE && prev !== '-') {
      if (f & HAS_DIGIT && next !== '-' && ID.test(w)) {
        out.push(WILDCARD);
        continue;
      }
      if (next === '-' && isDigitsAt(flags, k + 2) && a[k + 3] !== '-' && ID_HEAD.test(w)) {
        out.push(WILDCARD);
        k += 2;
        continue;
      }
    }
    if (f & ALL_HEX && w.length >= 6 && prev !== '-' && next !== '-') {
      if (w.length >= 8 || (f & HAS_DIGIT && f & HAS_LETTER)) {
        out.push(WILDCARD);
        continue;
      }
    }
    if (!(f & HAS_DIGIT)) {
      out.push(BOOLEANS.has(w) && prev !== '.' && prev !== '-' && next !== '-' ? WILDCARD : w);
      continue;
    }
    const quantity = f & HAS_LETTER && !(f & HAS_UNDERSCORE) && QUANTITY.test(w);
    const versionHead = f & ALL_DIGITS || (w.charCodeAt(0) === 118 && /^v\d+$/.test(w));
    if (prev !== '.' && (quantity || versionHead)) {
      // A sign, when nothing word-like or a dot stands before it.
      if (prev === '-' && a[k - 2] !== '.' && !isWordAt(flags, k - 2)) out.pop();
      if (quantity) {
        out.push(WILDCARD);
        continue;
      }
      let e = k + 1;
      if (a[e] === '.' && isWordAt(flags, e + 1) && !isDigitsAt(flags, e + 1) && QUANTITY.test(a[e + 1]!)) {
        // 2.5s
        out.push(WILDCARD);
        k = e + 1;
        continue;
      }
      while (a[e] === '.' && isDigitsAt(flags, e + 1)) e += 2;
      out.push(WILDCARD);
      k = e - 1;
      continue;
    }
    out.push(f & ALL_DIGITS ? WILDCARD : w);
  }
  return out.join('');
}

const DOTTED_NUMBER = /^-?\d+(?:\.\d+)*$/;

/** maskAtoms for a token that is one word run. */
function maskWord(w: string, s: Shape): string {
  if (s.underscores > 0 && s.digits > 0) return ID.test(w) ? WILDCARD : w;
  if (s.hexRun === w.length && w.length >= 6 && (w.length >= 8 || (s.digits > 0 && s.letters > 0)))
    return WILDCARD;
  if (s.digits === 0) return BOOLEANS.has(w) ? WILDCARD : w;
  if (w.startsWith('0x') || w.startsWith('0X')) return maskAtoms(w);
  return QUANTITY.test(w) || VERSION_HEAD.test(w) ? WILDCARD : w;
}

/** One whitespace-free token with its typed values masked: TYPED's rules, by the cheapest route. */
export function maskToken(token: string): string {
  if (token === WILDCARD) return token;
  const shape = shapeOf(token);
  if (
    shape.digits > 0 &&
    (shape.digits === token.length || (shape.digits === token.length - 1 && token[0] === '-'))
  )
    return WILDCARD;
  // The commonest shapes without the general walk: decimals, versions, IPv4 without a port…
  if (shape.digits + shape.dots + shape.dashes === token.length && DOTTED_NUMBER.test(token)) return WILDCARD;
  // …and one run of word characters (an14, t761, blk_1234, 9f4ef63, 64172MB).
  if (shape.digits + shape.letters + shape.underscores === token.length) return maskWord(token, shape);
  let t = token;
  if (shape.slashes > 0) t = maskPaths(t);
  if (!needsRegexes(token, shape)) {
    if (shape.digits === 0 && shape.hexRun < 6 && shape.letters < 4) return t;
    return maskAtoms(t);
  }
  for (const [applies, re] of TYPED) if (applies(shape, token)) t = t.replace(re, WILDCARD);
  return t;
}

function needsRegexes(token: string, s: Shape): boolean {
  return (
    s.backslashes > 0 ||
    s.colons >= 3 ||
    (s.dashes >= 4 && s.hexRun >= 8) ||
    (s.dots >= 2 && s.colons >= 1 && s.digits > 0 && s.letters > 0) ||
    token.includes('://') ||
    (s.dots >= 1 && s.letters >= 2 && hasHostName(token))
  );
}

/** The line's tokens (split on whitespace) with typed values masked. */
export function maskLine(line: string, cache?: TokenCache): string[] {
  const out = new MaskedLine();
  maskLineInto(line, cache ?? new TokenCache(), out);
  return out.tokens();
}

// The last four characters of a token, lower-cased and packed into one number.
const TRUE = 0x74727565;
const NULL = 0x6e756c6c;
const ALSE = 0x616c7365;
const F = 0x66;

// What the scan of a line knows of each character: one table lookup, its bits OR-ed per token.
const B_HEX = 1; // 0-9, a-f, A-F: bit 0, so that a token's hex characters count with `+= b & 1`
const B_SPACE = 2;
const B_DIGIT = 4;
const B_SLASH = 8; // / or \
const B_DOT = 16;
const B_COLON = 32;
const B_NONDIGIT = 64; // anything but a digit or whitespace
const B_NONASCII = 128;
const B_DASHSLASH = 256; // - or /
const B_QUOTE = 512; // "
const B_X = 1024; // x, X: 0x
const B_NOT_NUMBER = 1 << 20; // anything but a digit, a dot or a dash: a token without it may be a number
// The letters of true, null and false, in any case: a token can hold one only if it has them all.
const LETTER_BITS: Record<string, number> = {
  t: 1 << 11,
  r: 1 << 12,
  u: 1 << 13,
  e: 1 << 14,
  n: 1 << 15,
  l: 1 << 16,
  f: 1 << 17,
  a: 1 << 18,
  s: 1 << 19,
};
const wordBits = (word: string): number => [...word].reduce((bits, c) => bits | LETTER_BITS[c]!, 0);
const TRUE_BITS = wordBits('true');
const NULL_BITS = wordBits('null');
const FALSE_BITS = wordBits('false');
const BITS = new Uint32Array(65536);
for (let c = 0; c < 65536; c++) {
  let b = 0;
  if (c === 32 || (c >= 9 && c <= 13)) b = B_SPACE;
  else {
    b = c >= 48 && c <= 57 ? B_DIGIT | B_HEX : B_NONDIGIT;
    if (c === 47 || c === 92) b |= B_SLASH;
    if (c === 46) b |= B_DOT;
    if (c === 58) b |= B_COLON;
    if (c >= 128) b |= B_NONASCII;
    if (c === 45 || c === 47) b |= B_DASHSLASH;
    if (c === 34) b |= B_QUOTE;
    if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) b |= B_HEX;
    if (c === 120 || c === 88) b |= B_X;
    if (c < 128) b |= LETTER_BITS[String.fromCharCode(c | 32)] ?? 0;
    if (!(c >= 48 && c <= 57) && c !== 46 && c !== 45) b |= B_NOT_NUMBER;
  }
  BITS[c] = b;
}

/**
 * Whether the token may hold a typed value, so that maskToken must see it: a digit, a slash, three
 * colons, a boolean (`true`, `null`, `false` in any case), a run of eight hex characters or a host
 * name. A token without any of them masks to itself.
 */
function needsMask(t: string, start: number, end: number, acc: number, hexChars: number): boolean {
  if (acc & (B_DIGIT | B_SLASH)) return true;
  if (acc & B_COLON) {
    let colons = 0;
    for (let k = start; k < end; k++) if (t.charCodeAt(k) === 58) colons++;
    if (colons >= 3) return true;
  }
  if (
    hexChars >= 8 ||
    (end - start >= 4 &&
      (acc & B_NONASCII ||
        (acc & TRUE_BITS) === TRUE_BITS ||
        (acc & NULL_BITS) === NULL_BITS ||
        (acc & FALSE_BITS) === FALSE_BITS))
  ) {
    let hexRun = 0;
    let last4 = 0;
    for (let k = start; k < end; k++) {
      const c = t.charCodeAt(k);
      hexRun = BITS[c]! & B_HEX ? hexRun + 1 : 0;
      const fifth = last4 >>> 24;
      last4 = ((last4 << 8) | (c | 32)) >>> 0;
      if (hexRun >= 8 || last4 === TRUE || last4 === NULL || (last4 === ALSE && fifth === F)) return true;
    }
  }
  return (acc & B_DOT) !== 0 && hostNameIn(t, start, end);
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** Whether t.slice(start, end) is `-?\d+(\.\d+)*` (a number, a version, an IPv4 address): maskToken's `<*>`. */
function isNumber(t: string, start: number, end: number): boolean {
  let k = t.charCodeAt(start) === 45 ? start + 1 : start;
  for (;;) {
    const digits = k;
    while (k < end && isDigitCode(t.charCodeAt(k))) k++;
    if (k === digits) return false;
    if (k === end) return true;
    if (t.charCodeAt(k) !== 46) return false;
    k++;
  }
}
/** The token holds `\d:\d\d`: a clock, a value of LINE_MASKS only with a month name on the line. */
const CLOCK_TRIGGER = 1;
/** The token holds `\d{4}[-/]\d{1,2}[-/]\d` (a date) or `="` (a quoted value). */
const LINE_TRIGGER = 2;

/**
 * What in the token may start a value of LINE_MASKS, 0 for none. Narrower than the masks' own tests
 * (`\d:\d\d` is in every IP address with a port), so that few lines take the masks' regexes.
 */
function lineMaskTrigger(t: string, start: number, end: number): number {
  let found = 0;
  for (let k = start + 1; k < end; k++) {
    const c = t.charCodeAt(k);
    if (c === 58) {
      if (
        k + 2 < end &&
        isDigitCode(t.charCodeAt(k - 1)) &&
        isDigitCode(t.charCodeAt(k + 1)) &&
        isDigitCode(t.charCodeAt(k + 2))
      )
        found = CLOCK_TRIGGER;
    } else if (c === 45 || c === 47) {
      if (
        k - 4 >= start &&
        isDigitCode(t.charCodeAt(k - 1)) &&
        isDigitCode(t.charCodeAt(k - 2)) &&
        isDigitCode(t.charCodeAt(k - 3)) &&
        isDigitCode(t.charCodeAt(k - 4))
      ) {
        let j = k + 1;
        while (j < end && j <= k + 2 && isDigitCode(t.charCodeAt(j))) j++;
        const sep = j < end ? t.charCodeAt(j) : 0;
        if (j > k + 1 && (sep === 45 || sep === 47) && j + 1 < end && isDigitCode(t.charCodeAt(j + 1)))
          return LINE_TRIGGER;
      }
    } else if (c === 34 && t.charCodeAt(k - 1) === 61) return LINE_TRIGGER;
  }
  return found;
}

const MONTH_NAMES = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);
const isLowerCode = (c: number): boolean => c >= 97 && c <= 122;

/**
 * Whether one of the tokens from..to of `line` ends as the month of a LINE_MASKS date does
 * (`Jun`, `June`, `(Jun.`): a month name, lower-case letters and an optional dot; the date's clock
 * comes after its month, so the tokens before a clock are the ones to look at.
 */
function monthAmong(line: MaskedLine, from: number, to: number): boolean {
  const t = line.text;
  for (let i = from; i < to; i++) {
    const start = line.starts[i]!;
    let p = line.ends[i]! - 1;
    if (t.charCodeAt(p) === 46) p--;
    while (p >= start && isLowerCode(t.charCodeAt(p))) p--;
    // p is at the month's capital, its two lower-case letters after it.
    if (p >= start && line.ends[i]! - p >= 3 && MONTH_NAMES.has(t.slice(p, p + 3))) return true;
  }
  return false;
}

// Tokens, lines and their masked forms are found by a 32-bit FNV-1a hash of their text, computed
// during the scan, and then compared character by character.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function hashOf(s: string): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), FNV_PRIME);
  return h;
}
const WILDCARD_HASH = hashOf(WILDCARD);

// Every digit read as 1. Masking sees a digit only as a digit (its rules are regexes and scans over
// character classes), except the 0 of `0x`: tokens that differ only in their digits, 0x aside, have
// their values in the same places.
const NORM = new Uint16Array(65536);
for (let c = 0; c < 65536; c++) NORM[c] = c >= 48 && c <= 57 ? 49 : c;
const shapeCodes: number[] = [];

/** The character at k of a token with an x, in its shape: digits read as 1 but the 0 of `0x`. */
function shapeCodeAt(t: string, k: number, end: number): number {
  const c = t.charCodeAt(k);
  if (c < 48 || c > 57) return c;
  return c === 48 && k + 1 < end && (t.charCodeAt(k + 1) | 32) === 120 ? 48 : 49;
}

/** String.fromCharCode over an array of any length (a spread call has a limit on its arguments). */
function fromCodes(codes: readonly number[]): string {
  if (codes.length <= 4096) return String.fromCharCode(...codes);
  let out = '';
  for (let k = 0; k < codes.length; k += 4096) out += String.fromCharCode(...codes.slice(k, k + 4096));
  return out;
}

// How a RangeTable reads a range of a line: as it is, as a shape (through NORM), or as the shape of a
// token with an x (shapeCodeAt).
const AS_IS = 0;
const AS_SHAPE = 1;
const AS_SHAPE_OF_X = 2;

/** Whether `key` is t.slice(start, end) read as `read` says. */
function sameKey(key: string, t: string, start: number, end: number, read: number): boolean {
  const len = end - start;
  if (key.length !== len) return false;
  let k = 0;
  if (read === AS_SHAPE) while (k < len && key.charCodeAt(k) === NORM[t.charCodeAt(start + k)]) k++;
  else if (read === AS_SHAPE_OF_X)
    while (k < len && key.charCodeAt(k) === shapeCodeAt(t, start + k, end)) k++;
  else while (k < len && key.charCodeAt(k) === t.charCodeAt(start + k)) k++;
  return k === len;
}

/** Strings by hash, open addressing; a key is found from a range of a line. */
class RangeTable {
  private hashes = new Int32Array(1024);
  private slots = new Int32Array(1024); // entry + 1; 0 is empty
  readonly keys: string[] = [];
  private readonly keyHash: number[] = [];

  /** The entry whose key is t.slice(start, end) read as `read` says, or -1 - the free slot for it. */
  find(t: string, start: number, end: number, h: number, read: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]! - 1;
      if (e < 0) return -1 - i;
      if (this.hashes[i] === h && sameKey(this.keys[e]!, t, start, end, read)) return e;
    }
  }

  /** Adds `key` in the slot find gave (-1 - found). */
  add(key: string, h: number, found: number): number {
    const slot = -1 - found;
    const e = this.keys.length;
    this.keys.push(key);
    this.keyHash.push(h);
    this.hashes[slot] = h;
    this.slots[slot] = e + 1;
    if (2 * this.keys.length > this.slots.length) this.grow();
    return e;
  }

  private grow(): void {
    this.hashes = new Int32Array(2 * this.slots.length);
    this.slots = new Int32Array(2 * this.slots.length);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.keys.length; e++) {
      let i = this.keyHash[e]! & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.hashes[i] = this.keyHash[e]!;
      this.slots[i] = e + 1;
    }
  }
}

/**
 * Masked tokens, looked up by a range of the line: no slice and no string hash for a token seen
 * before. First by shape (the token with its digits read as 1, but the 0 of `0x`): where masking
 * replaced every digit of the shape, the masked shape is the masked token, whatever the digits were
 * (`blk_-1608999687919862906`, `/10.250.19.102:50010`); where it replaced nothing, the token is its
 * own masked token; otherwise the token is looked up by itself.
 */
export class TokenCache {
  private readonly shapes = new RangeTable();
  /** Per shape: its masked form (null: unchanged), that form's hash, and whether it kept a digit. */
  private readonly shapeMasked: (string | null)[] = [];
  private readonly shapeHash: number[] = [];
  private readonly shapeKeepsDigits: boolean[] = [];
  /** Per shape: what in it may start a value of LINE_MASKS (lineMaskTrigger reads digits as digits). */
  private readonly shapeTrigger: number[] = [];
  private readonly exact = new RangeTable();
  private readonly exactMasked: (string | null)[] = [];
  private readonly exactHash: number[] = [];
  /** What the last lookup found: the masked token (null: unchanged) and the hash of its text. */
  masked: string | null = null;
  hash = 0;
  trigger = 0;

  /** Masks t.slice(start, end), whose hash read through NORM is `normHash`, into `masked` and `hash`. */
  lookup(t: string, start: number, end: number, normHash: number, hasX: boolean): void {
    if (!hasX) {
      this.lookupShape(t, start, end, normHash, false);
      return;
    }
    // The shape of a token with an x keeps the 0 of each `0x`.
    let h = FNV_OFFSET;
    for (let k = start; k < end; k++) h = Math.imul(h ^ shapeCodeAt(t, k, end), FNV_PRIME);
    this.lookupShape(t, start, end, h, true);
  }

  private lookupShape(t: string, start: number, end: number, h: number, hasX: boolean): void {
    let e = hasX
      ? this.shapes.find(t, start, end, h, AS_SHAPE_OF_X)
      : this.shapes.find(t, start, end, h, AS_SHAPE);
    if (e < 0) {
      shapeCodes.length = end - start;
      for (let k = start; k < end; k++)
        shapeCodes[k - start] = hasX ? shapeCodeAt(t, k, end) : NORM[t.charCodeAt(k)]!;
      const shape = fromCodes(shapeCodes);
      const m = maskToken(shape);
      e = this.shapes.add(shape, h, e);
      this.shapeMasked.push(m === shape ? null : m);
      this.shapeHash.push(m === shape ? h : hashOf(m));
      this.shapeKeepsDigits.push(m.includes('1'));
      this.shapeTrigger.push(lineMaskTrigger(shape, 0, shape.length));
    }
    this.trigger = this.shapeTrigger[e]!;
    if (!this.shapeKeepsDigits[e]) {
      this.masked = this.shapeMasked[e]!;
      this.hash = this.shapeHash[e]!;
    } else if (this.shapeMasked[e] === null) {
      // Nothing replaced in the shape: nothing is in the token either.
      let x = FNV_OFFSET;
      for (let k = start; k < end; k++) x = Math.imul(x ^ t.charCodeAt(k), FNV_PRIME);
      this.masked = null;
      this.hash = x;
    } else this.lookupExact(t, start, end);
  }

  private lookupExact(t: string, start: number, end: number): void {
    let x = FNV_OFFSET;
    for (let k = start; k < end; k++) x = Math.imul(x ^ t.charCodeAt(k), FNV_PRIME);
    let f = this.exact.find(t, start, end, x, AS_IS);
    if (f < 0) {
      const token = t.slice(start, end);
      const m = maskToken(token);
      f = this.exact.add(token, x, f);
      this.exactMasked.push(m === token ? null : m);
      this.exactHash.push(m === token ? x : hashOf(m));
    }
    this.masked = this.exactMasked[f]!;
    this.hash = this.exactHash[f]!;
  }
}

/**
 * One masked line as its tokens, without building it: each token is a range of `text` or, where it
 * was masked, its masked string; `hash` depends on the tokens' texts only.
 */
class MaskedLine {
  text = '';
  count = 0;
  hash = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** The hash of each token's text. */
  hashes = new Int32Array(64);
  replaced: (string | null)[] = [];

  /** Starts a line: room for every token it can hold (a character and a space each). */
  reset(text: string): void {
    this.text = text;
    this.count = 0;
    this.hash = 0;
    const room = (text.length >> 1) + 1;
    if (this.starts.length < room) {
      this.starts = new Int32Array(2 * room);
      this.ends = new Int32Array(2 * room);
      this.hashes = new Int32Array(2 * room);
    }
  }

  push(start: number, end: number, replacement: string | null, h: number): void {
    this.hashes[this.count] = h;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.replaced[this.count] = replacement;
    this.count++;
    this.hash = (Math.imul(this.hash, 0x2f0f3b5) ^ h) | 0;
  }

  token(i: number): string {
    return this.replaced[i] ?? this.text.slice(this.starts[i], this.ends[i]);
  }

  tokens(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.token(i);
    return out;
  }

  /** Whether these tokens are `tokens`. */
  equals(tokens: readonly string[]): boolean {
    if (tokens.length !== this.count) return false;
    const t = this.text;
    for (let i = 0; i < this.count; i++) {
      const other = tokens[i]!;
      const r = this.replaced[i];
      if (r != null) {
        if (r !== other) return false;
        continue;
      }
      const start = this.starts[i]!;
      const len = this.ends[i]! - start;
      if (other.length !== len) return false;
      for (let k = 0; k < len; k++) if (other.charCodeAt(k) !== t.charCodeAt(start + k)) return false;
    }
    return true;
  }
}

/**
 * The line's tokens (split on whitespace) with typed values masked, into `out`. One pass over the
 * characters finds the tokens that may hold a typed value (a digit, a dot, a slash, a boolean, a
 * long hex run); the others are kept as they are. Lines that may hold a value with spaces (a date,
 * a quoted value) take LINE_MASKS first.
 */
function maskLineInto(line: string, cache: TokenCache, out: MaskedLine): void {
  if (scanLine(line, cache, false, out)) return;
  let t = line;
  for (const [test, mask] of LINE_MASKS)
    if (test.test(t)) t = t.replace(mask, (m) => (m.startsWith('="') ? '="<*>"' : WILDCARD));
  scanLine(t, cache, true, out);
}

/**
 * One pass over the characters: each token's bits and hash; a token that may hold a typed value is
 * masked through the cache. false when `lineMasked` is false and the line may hold a value of
 * LINE_MASKS.
 */
function scanLine(t: string, cache: TokenCache, lineMasked: boolean, out: MaskedLine): boolean {
  out.reset(t);
  const n = t.length;
  let k = 0;
  let monthsChecked = 0;
  while (k < n) {
    const start = k;
    let acc = 0;
    let hexChars = 0;
    let h = FNV_OFFSET;
    for (; k < n; k++) {
      const c = t.charCodeAt(k);
      const b = BITS[c]!;
      if (b & B_SPACE) break;
      acc |= b;
      hexChars += b & B_HEX;
      h = Math.imul(h ^ (b & B_DIGIT ? 49 : c), FNV_PRIME);
    }
    const end = k;
    if (end > start) {
      if (!(acc & B_NONDIGIT) || (!(acc & B_NOT_NUMBER) && isNumber(t, start, end)))
        out.push(start, end, WILDCARD, WILDCARD_HASH);
      else if (needsMask(t, start, end, acc, hexChars)) {
        cache.lookup(t, start, end, h, (acc & B_X) !== 0);
        if (!lineMasked && cache.trigger !== 0) {
          if (cache.trigger === LINE_TRIGGER) return false;
          if (monthAmong(out, monthsChecked, out.count)) return false;
          monthsChecked = out.count;
        }
        out.push(start, end, cache.masked, cache.hash);
      } else {
        if (!lineMasked && acc & B_QUOTE && lineMaskTrigger(t, start, end) === LINE_TRIGGER) return false;
        out.push(start, end, null, h);
      }
    }
    while (k < n && BITS[t.charCodeAt(k)]! & B_SPACE) k++;
  }
  return true;
}

// The delimiters of the 2022 guidelines plus `/` and `\`: a kept prefix or suffix of a varying token
// ends at one. `<` and `>` are left out so that a kept affix never cuts a `<*>` in half.
const AFFIX_DELIMS = new Set(' ,!;:=|"\'[](){}.-+@#$%&/\\'.split(''));

/** Lengths of the prefix and suffix all values share, each ending at a delimiter. */
function affixes(values: readonly string[]): [number, number] {
  const first = values[0]!;
  let minLen = first.length;
  for (const v of values) minLen = Math.min(minLen, v.length);
  let pre = 0;
  while (pre < minLen && values.every((v) => v[pre] === first[pre])) pre++;
  while (pre > 0 && !AFFIX_DELIMS.has(first[pre - 1]!)) pre--;
  let suf = 0;
  while (suf < minLen - pre && values.every((v) => v[v.length - 1 - suf] === first[first.length - 1 - suf]))
    suf++;
  while (suf > 0 && !AFFIX_DELIMS.has(first[first.length - suf]!)) suf--;
  return [pre, suf];
}

/** The template token for a column whose values differ: what they share around one `<*>` (`[<*>]`, `uid=<*>`). */
function varyingToken(values: readonly string[]): string {
  const [pre, suf] = affixes(values);
  const first = values[0]!;
  return first.slice(0, pre) + WILDCARD + first.slice(first.length - suf);
}

const NOT_WORD = /[0-9=/\\@]|<\*>/;
const isWord = (s: string): boolean => /[A-Za-z]/.test(s) && !NOT_WORD.test(s);
/** Punctuation only: an empty value (`()`, `[]`), which loghub scores as a template of its own. */
const isEmptyValue = (s: string): boolean => !/[A-Za-z0-9]/.test(s) && !s.includes(WILDCARD);
const VARIABLE = '\u0003';

/**
 * The class of each distinct value of a varying column. A word (what differs once the shared affixes
 * are set aside) is its own class when the column has few of them and they are not the values of one
 * `key=`; an empty value is its own class; everything else is one variable class.
 */
function classify(values: readonly string[], splitBelow: number): Map<string, string> {
  const [pre, suf] = affixes(values);
  const keyed = pre > 0 && values[0]![pre - 1] === '=';
  const cores = values.map((v) => v.slice(pre, v.length - suf));
  const words = new Set(cores.filter(isWord));
  const splitWords = !keyed && words.size > 0 && words.size < splitBelow;
  const out = new Map<string, string>();
  values.forEach((v, k) => {
    const core = cores[k]!;
    out.set(v, core === '' || isEmptyValue(v) || (splitWords && isWord(core)) ? v : VARIABLE);
  });
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function mineLineTemplates(
  lines: readonly string[],
  options: LineTemplateOptions = {},
): LineTemplates {
  const miner = new LineMiner(options.splitBelow ?? 5);
  miner.maskLines(lines);
  const byLength = new Map<number, number[]>();
  miner.forms.forEach((tokens, f) => push(byLength, tokens.length, f));
  miner.startGrouping(byLength.keys());
  for (const [len, members] of byLength) miner.groupLength(len, members);
  miner.mergeGroups();
  return miner.result(lines.length);
}

/**
 * The state of one mineLineTemplates call, its steps as methods: small functions, so that the JIT
 * compiler optimises each on its own and a deoptimisation in one does not throw away the others.
 */
class LineMiner {
  // Step 1: the distinct masked lines (forms), how many lines each stands for, the form of each line.
  readonly forms: string[][] = [];
  private readonly weight: number[] = [];
  private formOfLine = new Int32Array(0);
  /** Tokens of the forms by their text; a form's tokens as ids (entry + 1), for the counting. */
  private readonly tokenTable = new RangeTable();
  private readonly idsOf: number[][] = [];
  // Steps 2 and 3: the groups, their keys (unique, and made of the groups' tokens, so that ordering
  // by them does not depend on input order) and templates' tokens; the group of each form.
  private groupOfForm = new Int32Array(0);
  private readonly keyList: string[] = [];
  private readonly tokensList: string[][] = [];
  private stamp = new Int32Array(0);
  private epoch = 0;
  private count = new Float64Array(0);
  private votes = new Float64Array(0);
  private fr = new Float64Array(1024);
  private wildcardId = -1;
  // Step 4: the groups merged, as a union-find forest over their indices.
  private parent: number[] = [];
  private canonicalOfKey: string[] = [];
  /** canonicalTemplate works within tokens, and tokens repeat across templates: once per token. */
  private readonly canonical = new Map<string, string>();

  constructor(private readonly splitBelow: number) {}

  /**
   * Step 1, once per distinct line; lines that mask to the same tokens are one form with a weight
   * (their count), which is all the grouping needs: logs repeat themselves, so this is most of the
   * speed. A line is masked into token ranges and found among the forms by hash, without building it.
   */
  maskLines(lines: readonly string[]): void {
    const { forms, weight } = this;
    const formOfLine = (this.formOfLine = new Int32Array(lines.length));
    const formOfText = new Map<string, number>();
    const cache = new TokenCache();
    const masked = new MaskedLine();
    // Forms by the hash of their tokens: open addressing, verified token by token.
    let formHashes = new Int32Array(1024);
    let formSlots = new Int32Array(1024); // form + 1; 0 is empty
    const formHash: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      let f = formOfText.get(line);
      if (f === undefined) {
        maskLineInto(line, cache, masked);
        const h = masked.hash;
        let mask = formSlots.length - 1;
        let slot = h & mask;
        for (; ; slot = (slot + 1) & mask) {
          const g = formSlots[slot]! - 1;
          if (g < 0 || (formHashes[slot] === h && masked.equals(forms[g]!))) {
            f = g;
            break;
          }
        }
        if (f < 0) {
          f = forms.length;
          this.addForm(masked);
          formHash.push(h);
          formHashes[slot] = h;
          formSlots[slot] = f + 1;
          if (2 * forms.length > formSlots.length) {
            formHashes = new Int32Array(2 * formSlots.length);
            formSlots = new Int32Array(2 * formSlots.length);
            mask = formSlots.length - 1;
            for (let g = 0; g < forms.length; g++) {
              let j = formHash[g]! & mask;
              while (formSlots[j] !== 0) j = (j + 1) & mask;
              formHashes[j] = formHash[g]!;
              formSlots[j] = g + 1;
            }
          }
        }
        formOfText.set(line, f);
      }
      weight[f]!++;
      formOfLine[i] = f;
    }
  }

  private addForm(masked: MaskedLine): void {
    const { tokenTable } = this;
    const n = masked.count;
    const ids = new Array<number>(n);
    const tokens = new Array<string>(n);
    for (let p = 0; p < n; p++) {
      const r = masked.replaced[p];
      const th = masked.hashes[p]!;
      let e =
        r != null
          ? tokenTable.find(r, 0, r.length, th, AS_IS)
          : tokenTable.find(masked.text, masked.starts[p]!, masked.ends[p]!, th, AS_IS);
      if (e < 0) e = tokenTable.add(r ?? masked.text.slice(masked.starts[p], masked.ends[p]), th, e);
      ids[p] = e + 1;
      tokens[p] = tokenTable.keys[e]!;
    }
    this.forms.push(tokens);
    this.idsOf.push(ids);
    this.weight.push(0);
  }

  startGrouping(lengths: Iterable<number>): void {
    const ids = this.tokenTable.keys.length + 1;
    this.groupOfForm = new Int32Array(this.forms.length);
    this.stamp = new Int32Array(ids);
    this.count = new Float64Array(ids);
    let longest = 0;
    for (const len of lengths) longest = Math.max(longest, len);
    this.votes = new Float64Array(longest);
    const wildcard = this.tokenTable.find(WILDCARD, 0, WILDCARD.length, WILDCARD_HASH, AS_IS);
    this.wildcardId = wildcard >= 0 ? wildcard + 1 : -1;
  }

  /** Steps 2 and 3 for the forms of one token count: groups keyed by their constants. */
  groupLength(len: number, members: readonly number[]): void {
    const roots = this.rootsOf(len, members);
    // A token can reach the root of a line by chance, when another message has the same word at that
    // position (`Invalid user user from …`): a root that is another root with some of its variable
    // positions filled joins the most frequent such root, and the split decides again.
    const rootList = this.sortedRoots(len, roots);
    const into = this.moreGeneral(len, rootList);
    const merged = new Map<number, number[]>();
    for (let a = 0; a < rootList.length; a++) {
      // Each step goes to a strictly more general root, so this ends.
      let target = a;
      while (into[target]! >= 0) target = into[target]!;
      const list = merged.get(target);
      if (list) for (const f of rootList[a]!.group) list.push(f);
      else merged.set(target, rootList[a]!.group.slice());
    }
    for (const [a, group] of merged) this.split(group, `${len}\u0001${rootList[a]!.key}`, len);
  }

  /** The forms by their root: their tokens that share the frequency most of them share. */
  private rootsOf(len: number, members: readonly number[]): Map<string, number[]> {
    const { idsOf, weight, count, votes } = this;
    const m = members.length;
    // fr[i * len + p]: how many lines of this length have form members[i]'s token at p.
    if (this.fr.length < m * len) this.fr = new Float64Array(2 * m * len);
    const fr = this.fr;
    for (let p = 0; p < len; p++) {
      for (let i = 0; i < m; i++) {
        const id = idsOf[members[i]!]![p]!;
        count[id] = count[id]! + weight[members[i]!]!;
      }
      for (let i = 0; i < m; i++) fr[i * len + p] = count[idsOf[members[i]!]![p]!]!;
      for (let i = 0; i < m; i++) count[idsOf[members[i]!]![p]!] = 0;
    }
    const roots = new Map<string, number[]>();
    const codes = new Array<number>(2 * len);
    for (let i = 0; i < m; i++) {
      const f = members[i]!;
      const ids = idsOf[f]!;
      // The frequency most of the line's tokens share (the higher on a tie). Masked values are left
      // out of the vote: shared by every template, they would pull unrelated lines together.
      let nv = 0;
      for (let p = 0; p < len; p++) if (ids[p] !== this.wildcardId) votes[nv++] = fr[i * len + p]!;
      // Insertion sort: a line has few tokens (and a typed array's own sort for one that has many).
      if (nv > 64) votes.subarray(0, nv).sort();
      else
        for (let j = 1; j < nv; j++) {
          const x = votes[j]!;
          let q = j - 1;
          while (q >= 0 && votes[q]! > x) {
            votes[q + 1] = votes[q]!;
            q--;
          }
          votes[q + 1] = x;
        }
      let root = 0;
      let rootVotes = 0;
      for (let j = 0; j < nv;) {
        let e = j + 1;
        while (e < nv && votes[e] === votes[j]) e++;
        if (e - j >= rootVotes) {
          root = votes[j]!;
          rootVotes = e - j;
        }
        j = e;
      }
      for (let p = 0; p < len; p++) {
        const id = fr[i * len + p]! >= root ? ids[p]! : 0;
        codes[2 * p] = id >>> 16;
        codes[2 * p + 1] = id & 0xffff;
      }
      push(roots, fromCodes(codes), f);
    }
    return roots;
  }

  /** The roots in the order of their text, as the keys of the groups are. */
  private sortedRoots(len: number, roots: Map<string, number[]>): Root[] {
    const byKey = new Map<string, Root>();
    for (const [r, group] of roots) {
      const tokens = this.forms[group[0]!]!;
      const ids = new Array<number>(len);
      const parts = new Array<string>(len);
      let weight = 0;
      for (const f of group) weight += this.weight[f]!;
      for (let p = 0; p < len; p++) {
        const id = (r.charCodeAt(2 * p) << 16) | r.charCodeAt(2 * p + 1);
        ids[p] = id;
        parts[p] = id === 0 ? '\u0000' : tokens[p]!;
      }
      const key = parts.join('\u0001');
      byKey.set(key, { group, ids, key, weight });
    }
    return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
  }

  /** For each root, the most frequent root more general than it (-1 for none). */
  private moreGeneral(len: number, rootList: readonly Root[]): Int32Array {
    // A root more general than another shares its first constant (or has none): index by that,
    // position and token as one number.
    const ids = this.tokenTable.keys.length + 1;
    const byFirst = new Map<number, number[]>();
    const unanchored: number[] = [];
    for (let b = 0; b < rootList.length; b++) {
      const tb = rootList[b]!.ids;
      let p = 0;
      while (p < len && tb[p] === 0) p++;
      if (p === len) unanchored.push(b);
      else push(byFirst, p * ids + tb[p]!, b);
    }
    const into = new Int32Array(rootList.length);
    for (let a = 0; a < rootList.length; a++) {
      const ta = rootList[a]!.ids;
      let best = -1;
      const consider = (b: number): void => {
        if (b === a) return;
        const tb = rootList[b]!.ids;
        let general = false;
        for (let p = 0; p < len; p++) {
          if (tb[p] === ta[p]) continue;
          if (tb[p] !== 0) return;
          general = true;
        }
        if (general && (best < 0 || rootList[b]!.weight > rootList[best]!.weight)) best = b;
      };
      for (const b of unanchored) consider(b);
      for (let p = 0; p < len; p++)
        if (ta[p] !== 0) for (const b of byFirst.get(p * ids + ta[p]!) ?? []) consider(b);
      into[a] = best;
    }
    return into;
  }

  /** The distinct values of a column of a group, by token id: a stamp per id instead of a Set. */
  private columnValues(members: readonly number[], p: number): string[] {
    const epoch = ++this.epoch;
    const values: string[] = [];
    for (const f of members) {
      const id = this.idsOf[f]![p]!;
      if (this.stamp[id] !== epoch) {
        this.stamp[id] = epoch;
        values.push(this.tokenTable.keys[id - 1]!);
      }
    }
    return values;
  }

  /** Step 3: splits a group on its column with the fewest classes, until none has two; records it. */
  private split(members: readonly number[], key: string, len: number): void {
    const { idsOf, forms } = this;
    let best: Map<string, string> | null = null;
    let bestCol = -1;
    let bestClasses = Infinity;
    const varying: number[] = [];
    const varyingValues: string[][] = [];
    const first = idsOf[members[0]!]!;
    for (let p = 0; p < len; p++) {
      let same = true;
      for (const f of members)
        if (idsOf[f]![p] !== first[p]) {
          same = false;
          break;
        }
      if (same) continue;
      const values = this.columnValues(members, p);
      varying.push(p);
      varyingValues.push(values);
      const classes = classify(values, this.splitBelow);
      const n = new Set(classes.values()).size;
      if (n > 1 && n < bestClasses) {
        best = classes;
        bestCol = p;
        bestClasses = n;
      }
    }
    if (best) {
      const parts = new Map<string, number[]>();
      for (const f of members) push(parts, best.get(forms[f]![bestCol]!)!, f);
      for (const [cls, part] of parts) this.split(part, `${key}\u0002${bestCol}=${cls}`, len);
      return;
    }
    const tokens = forms[members[0]!]!.slice();
    for (let i = 0; i < varying.length; i++) tokens[varying[i]!] = varyingToken(varyingValues[i]!);
    const g = this.keyList.length;
    this.keyList.push(key);
    this.tokensList.push(tokens);
    for (const f of members) this.groupOfForm[f] = g;
  }

  private find(k: number): number {
    const { parent } = this;
    let r = k;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[k] !== r) {
      const next = parent[k]!;
      parent[k] = r;
      k = next;
    }
    return r;
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  private canonicalOf(tokens: readonly string[]): string {
    let out = '';
    for (let p = 0; p < tokens.length; p++) {
      const t = tokens[p]!;
      let c = t.includes(WILDCARD) ? this.canonical.get(t) : t;
      if (c === undefined) this.canonical.set(t, (c = canonicalTemplate(t)));
      out += p === 0 ? c : ' ' + c;
    }
    return out;
  }

  /** Step 4: groups whose templates differ only where a value spans more tokens are one, by union-find. */
  mergeGroups(): void {
    // The groups the merges make do not depend on the order they are tried in; result() orders them.
    const keys = this.keyList;
    const tokensOf = this.tokensList;
    this.parent = new Array<number>(keys.length);
    for (let k = 0; k < keys.length; k++) this.parent[k] = k;
    const byCollapsed = new Map<string, number>();
    const byAnchor = new Map<string, number[]>();
    const canonicalOfKey = (this.canonicalOfKey = new Array<string>(keys.length));
    // absorbs' first test, once per key: each added run holds or follows a wildcard of its own.
    const wildcardsOf = new Int32Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      const tokens = tokensOf[k]!;
      // Templates equal once adjacent wildcards are one (as loghub compares them) are one template.
      const c = (canonicalOfKey[k] = this.canonicalOf(tokens));
      const collapsed = c.includes(WILDCARD) ? c.replace(/<\*>(?: <\*>)+/g, WILDCARD) : c;
      const other = byCollapsed.get(collapsed);
      if (other === undefined) byCollapsed.set(collapsed, k);
      else this.union(other, k);
      let anchor: string | undefined;
      for (const t of tokens) {
        if (t.includes(WILDCARD)) wildcardsOf[k] = wildcardsOf[k]! + 1;
        else anchor ??= t;
      }
      if (anchor !== undefined && wildcardsOf[k]! > 0) push(byAnchor, anchor, k);
    }
    for (const candidates of byAnchor.values()) {
      for (const a of candidates) {
        const ta = tokensOf[a]!;
        for (const b of candidates) {
          const tb = tokensOf[b]!;
          if (
            ta.length < tb.length &&
            tb.length - ta.length <= 2 * wildcardsOf[b]! &&
            this.find(a) !== this.find(b) &&
            absorbs(ta, tb)
          )
            this.union(a, b);
        }
      }
    }
  }

  /** The groups numbered in the order of their templates, and each line's group. */
  result(lineCount: number): LineTemplates {
    const { keyList: keys, tokensList: tokensOf, canonicalOfKey } = this;
    const members = new Map<number, number[]>();
    for (let k = 0; k < keys.length; k++) push(members, this.find(k), k);
    const templateOfRoot = new Array<string>(keys.length);
    for (const [root, group] of members) {
      if (group.length === 1) {
        templateOfRoot[root] = canonicalOfKey[root]!;
        continue;
      }
      // The shortest form stands for the group; where several have that length, their common template.
      let len = Infinity;
      for (const k of group) len = Math.min(len, tokensOf[k]!.length);
      const shortest = group.filter((k) => tokensOf[k]!.length === len);
      if (shortest.length === 1) {
        templateOfRoot[root] = canonicalOfKey[shortest[0]!]!;
        continue;
      }
      const candidates = shortest.map((k) => tokensOf[k]!);
      const tokens = candidates[0]!.map((t, p) =>
        candidates.every((s) => s[p] === t) ? t : varyingToken(candidates.map((s) => s[p]!)),
      );
      templateOfRoot[root] = this.canonicalOf(tokens);
    }
    // By template, then the least key of the group (keys are unique): default string sorts only.
    const byTemplate = new Map<string, number[]>();
    for (const root of members.keys()) push(byTemplate, templateOfRoot[root]!, root);
    const roots: number[] = [];
    for (const template of [...byTemplate.keys()].sort()) {
      const same = byTemplate.get(template)!;
      if (same.length === 1) roots.push(same[0]!);
      else {
        const byKey = new Map<string, number>();
        for (const root of same) {
          let least = keys[root]!;
          for (const k of members.get(root)!) if (keys[k]! < least) least = keys[k]!;
          byKey.set(least, root);
        }
        for (const key of [...byKey.keys()].sort()) roots.push(byKey.get(key)!);
      }
    }
    const groupOfRoot = new Int32Array(keys.length);
    for (let g = 0; g < roots.length; g++) groupOfRoot[roots[g]!] = g;
    const groupOfForm = new Int32Array(this.forms.length);
    for (let f = 0; f < this.forms.length; f++)
      groupOfForm[f] = groupOfRoot[this.find(this.groupOfForm[f]!)]!;
    const groups = new Array<number>(lineCount);
    for (let i = 0; i < lineCount; i++) groups[i] = groupOfForm[this.formOfLine[i]!]!;
    return { groups, templates: roots.map((r) => templateOfRoot[r]!) };
  }
}

interface Root {
  group: number[];
  /** The root's token ids, 0 where a token is not part of it. */
  ids: number[];
  /** Its tokens, \u0000 where not part of it, joined by \u0001: what the group keys sort by. */
  key: string;
  /** Lines it stands for. */
  weight: number;
}

const sameToken = (a: string, b: string): boolean =>
  a === b || (a.includes(WILDCARD) && b.includes(WILDCARD));

/**
 * Whether `long` is `short` with short runs of tokens added where a value grew: each added run is at
 * most two tokens and holds a wildcard (`(<*> KB)`) or is one token right after one (a unit,
 * `<*> sec`), and names no field of its own (`rhost=<*> user=<*>` is another message than `rhost=<*>`).
 */
let lcsBuffer = new Int32Array(1024);

function absorbs(short: readonly string[], long: readonly string[]): boolean {
  const n = short.length;
  const m = long.length;
  // Each added run is at most two tokens and holds or follows its own wildcard.
  let wildcards = 0;
  for (const t of long) if (t.includes(WILDCARD)) wildcards++;
  if (m - n > 2 * wildcards) return false;
  const constants = new Set(long);
  for (const t of short) if (!t.includes(WILDCARD) && !constants.has(t)) return false;
  // lcs[i * w + j]: longest common subsequence of short[i..] and long[j..].
  const w = m + 1;
  if (lcsBuffer.length < (n + 1) * w) lcsBuffer = new Int32Array(2 * (n + 1) * w);
  const lcs = lcsBuffer;
  lcs.fill(0, 0, (n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] = sameToken(short[i]!, long[j]!)
        ? lcs[(i + 1) * w + j + 1]! + 1
        : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  if (lcs[0] !== n) return false;
  const added = new Array<boolean>(m).fill(false);
  let i = 0;
  for (let j = 0; j < m; j++) {
    if (i < n && sameToken(short[i]!, long[j]!) && lcs[i * w + j] === lcs[(i + 1) * w + j + 1]! + 1) i++;
    else added[j] = true;
  }
  for (let j = 0; j < m;) {
    if (!added[j]) {
      j++;
      continue;
    }
    let e = j;
    while (e < m && added[e]) e++;
    const run = long.slice(j, e);
    if (run.length > 2 || run.some((t) => t.includes('='))) return false;
    const afterWildcard = j > 0 && long[j - 1]!.includes(WILDCARD);
    if (!run.some((t) => t.includes(WILDCARD)) && !(run.length === 1 && afterWildcard)) return false;
    j = e;
  }
  return true;
}

/** The delimiters of the 2022 guidelines' token rules. */
const TOKEN_DELIMS = /([\s,!;:=|"'[\](){}.\-+@#$%&])/;

/**
 * The corrected loghub labels' conventions (Khan et al., ICSE 2022) on a template: a piece between
 * delimiters that holds a wildcard and more (and no `/`) is one wildcard (WV: `blk_<*>`, `t<*>`);
 * `<*>.<*>` is one (DV); `<*><*>`, `#<*>#` and `<*>:<*>` are one (CV).
 */
export function canonicalTemplate(template: string): string {
  if (!template.includes(WILDCARD)) return template;
  const parts = template.split(TOKEN_DELIMS);
  for (let i = 0; i < parts.length; i += 2) {
    const p = parts[i]!;
    if (p !== WILDCARD && p.includes(WILDCARD) && !p.includes('/')) parts[i] = WILDCARD;
  }
  return collapseWildcards(collapseWildcards(parts.join(''), ['<*>.<*>']), ['<*><*>', '#<*>#', '<*>:<*>']);
}

/** Replaces each of `runs` (wildcards with what joins them) by one wildcard until none is left. */
export function collapseWildcards(template: string, runs: readonly string[]): string {
  let t = template;
  for (let prev = ''; prev !== t;) {
    prev = t;
    for (const run of runs) t = t.replaceAll(run, WILDCARD);
  }
  return t;
}
