/*
 * Names of people from the export's own user lists (Slack users.json, Discord authors and mentions,
 * Teams senders, Mattermost users…), found in message text by word, not by one huge regex: a
 * workspace of 5,000 users costs a set lookup per word, not 15,000 alternatives per message.
 */

/** Words that are names as often as they are English: matched only as part of a full name. */
const AMBIGUOUS = new Set(
  (
    'will may june april august bill mark rose grace hope joy art max jack page chase hunter dawn summer ' +
    'autumn guy frank sky rich miles dean penny ray sunny young king bishop major long short white black ' +
    'brown green gray grey little small hall wood stone bell ward hill lane street price cash rich sage ' +
    'faith glory honey river rain storm star amber ruby pearl jade crystal violet iris lily daisy holly ' +
    'ivy olive basil cliff drew gene chip sandy rusty dusty buck buddy bob sam pat lee kim don ken ben ' +
    'admin user bot team support dev test general deleted unknown slackbot guest owner root system ' +
    'the and for you all new can not see'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}._'’-]*[\p{L}\p{M}\p{N}]|[\p{L}\p{N}]/gu;
const MAX_NAME_WORDS = 4;
/** What separates words for the quick test (WORD's complement, roughly) and a trailing possessive. */
const SPLIT = /[^\p{L}\p{M}\p{N}._'’-]+/u;
const POSSESSIVE = /(?:['’]s)?[._'’-]*$/u;
const LEADING = /^[._'’-]+/u;

/** WORD anchored where it is asked to start (lastIndex). */
const WORD_AT = new RegExp(WORD.source, 'uy');
const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
const ASCII = /^[ -~\t\n\r]*$/;

// Printable ASCII is its own NFKC form and lower-cases the same in every locale: most words skip ICU.
const fold = (s: string): string =>
  ASCII.test(s) ? s.toLowerCase() : s.normalize('NFKC').toLocaleLowerCase('en');

/** Characters LEADING and POSSESSIVE strip from a word's edges. */
const isEdge = (c: number): boolean => c === 0x2e || c === 0x5f || c === 0x27 || c === 0x2019 || c === 0x2d;

/** The word WORD finds at or after `from`. */
function nextWord(text: string, from: number): { index: number; text: string } | null {
  WORD.lastIndex = from;
  const m = WORD.exec(text);
  return m ? { index: m.index, text: m[0] } : null;
}

export class PeopleDirectory {
  /** Full names ("priya raman"), folded, words joined by one space. */
  private readonly fullNames = new Set<string>();
  /** First and last names on their own, as written (capitalised): "Priya", "Raman". */
  private readonly singleNames = new Set<string>();
  /** Handles ("priya.raman", "p_raman42"), folded: distinctive enough to match in any case. */
  private readonly handles = new Set<string>();
  private readonly added = new Set<string>();
  /** Every word that can start a match, lower-cased: a message without one is passed over quickly. */
  private readonly starts = new Set<string>();

  get size(): number {
    return this.fullNames.size + this.singleNames.size + this.handles.size;
  }

  /** Adds a display name, full name or handle; ignores what cannot identify anyone. */
  add(name: string | null | undefined): void {
    // Every message adds its author: the same few names, again and again.
    if (!name || this.added.has(name)) return;
    this.added.add(name);
    const clean = name.normalize('NFKC').replace(/^@/, '').trim();
    const words = clean.match(WORD) ?? [];
    if (words.length === 0 || words.length > MAX_NAME_WORDS + 2) return;
    if (words.length >= 2) {
      if (words.length <= MAX_NAME_WORDS) {
        this.fullNames.add(fold(words.join(' ')));
        this.starts.add(words[0]!.toLowerCase());
      }
      for (const w of words) this.addSingle(w);
      return;
    }
    this.addSingle(words[0]!);
  }

  private addSingle(word: string): void {
    if (word.length < 3 || /^\d+$/.test(word)) return;
    const folded = fold(word);
    this.starts.add(word.toLowerCase());
    if (/[._\d-]/.test(word)) {
      this.handles.add(folded);
      return;
    }
    if (AMBIGUOUS.has(folded)) return;
    // As written in the user list and capitalised: "priya" in a user list still matches "Priya".
    this.singleNames.add(word.charAt(0).toLocaleUpperCase('en') + word.slice(1));
    this.singleNames.add(word.charAt(0).toLocaleUpperCase('en') + word.slice(1).toLocaleLowerCase('en'));
  }

  /** Words of the text (lower case) that can start a match; empty for most messages. */
  private candidates(lower: string): string[] {
    const found = new Set<string>();
    for (const word of lower.split(SPLIT)) {
      if (word.length < 3) continue;
      const last = word.charCodeAt(word.length - 1);
      // The two replaces change nothing unless an edge character or an `'s` ends or starts the word.
      const plain =
        !isEdge(word.charCodeAt(0)) &&
        !isEdge(last) &&
        !(last === 0x73 && isEdge(word.charCodeAt(word.length - 2)));
      const bare = plain ? word : word.replace(LEADING, '').replace(POSSESSIVE, '');
      if (this.starts.has(bare)) found.add(bare);
    }
    return [...found];
  }

  /** Replaces every known name in `text` with `placeholder`; returns the text and how many were replaced. */
  redact(text: string, placeholder: string): { text: string; count: number } {
    if (this.size === 0) return { text, count: 0 };
    const lower = text.toLowerCase();
    const candidates = this.candidates(lower);
    if (candidates.length === 0) return { text, count: 0 };
    // Where candidate words start (lower-casing kept every offset, the usual case); else every word.
    let starts: number[];
    if (lower.length === text.length) {
      const at = new Set<number>();
      for (const c of candidates) {
        for (let i = lower.indexOf(c); i >= 0; i = lower.indexOf(c, i + 1)) at.add(i);
      }
      starts = [...at].sort((a, b) => a - b);
    } else {
      starts = [...text.matchAll(WORD)].map((m) => m.index);
    }
    let out = '';
    let last = 0;
    let count = 0;
    for (const at of starts) {
      if (at < last) continue;
      WORD_AT.lastIndex = at;
      const first = WORD_AT.exec(text);
      // Not the start of a word ("mariah" inside "jeremiah"): not a mention.
      if (!first || (at > 0 && WORD_CHAR.test(text[at - 1]!))) continue;
      let end = -1;
      // The longest full name starting here, its words separated by spaces only.
      let key = fold(first[0]);
      let prevEnd = at + first[0].length;
      for (let n = 1; n < MAX_NAME_WORDS; n++) {
        const w = nextWord(text, prevEnd);
        if (!w || !/^[ \t]+$/.test(text.slice(prevEnd, w.index))) break;
        key += ' ' + fold(w.text);
        prevEnd = w.index + w.text.length;
        if (this.fullNames.has(key)) end = prevEnd;
      }
      let suffix = '';
      if (end < 0) {
        const possessive = /^(.*?)(['’]s)$/u.exec(first[0]);
        const bare = possessive ? possessive[1]! : first[0];
        if (this.singleNames.has(bare) || this.handles.has(fold(bare))) {
          end = at + first[0].length;
          suffix = possessive ? possessive[2]! : '';
        }
      }
      if (end < 0) continue;
      out += text.slice(last, at) + placeholder + suffix;
      last = end;
      count++;
    }
    return count === 0 ? { text, count } : { text: out + text.slice(last), count };
  }
}
