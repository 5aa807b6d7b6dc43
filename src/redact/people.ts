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

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase('en');

export class PeopleDirectory {
  /** Full names ("priya raman"), folded, words joined by one space. */
  private readonly fullNames = new Set<string>();
  /** First and last names on their own, as written (capitalised): "Priya", "Raman". */
  private readonly singleNames = new Set<string>();
  /** Handles ("priya.raman", "p_raman42"), folded: distinctive enough to match in any case. */
  private readonly handles = new Set<string>();

  get size(): number {
    return this.fullNames.size + this.singleNames.size + this.handles.size;
  }

  /** Adds a display name, full name or handle; ignores what cannot identify anyone. */
  add(name: string | null | undefined): void {
    if (!name) return;
    const clean = name.normalize('NFKC').replace(/^@/, '').trim();
    const words = clean.match(WORD) ?? [];
    if (words.length === 0 || words.length > MAX_NAME_WORDS + 2) return;
    if (words.length >= 2) {
      if (words.length <= MAX_NAME_WORDS) this.fullNames.add(fold(words.join(' ')));
      for (const w of words) this.addSingle(w);
      return;
    }
    this.addSingle(words[0]!);
  }

  private addSingle(word: string): void {
    if (word.length < 3 || /^\d+$/.test(word)) return;
    const folded = fold(word);
    if (/[._\d-]/.test(word)) {
      this.handles.add(folded);
      return;
    }
    if (AMBIGUOUS.has(folded)) return;
    // As written in the user list and capitalised: "priya" in a user list still matches "Priya".
    this.singleNames.add(word.charAt(0).toLocaleUpperCase('en') + word.slice(1));
    this.singleNames.add(word.charAt(0).toLocaleUpperCase('en') + word.slice(1).toLocaleLowerCase('en'));
  }

  /** Replaces every known name in `text` with `placeholder`; returns the text and how many were replaced. */
  redact(text: string, placeholder: string): { text: string; count: number } {
    if (this.size === 0) return { text, count: 0 };
    const words = [...text.matchAll(WORD)];
    let out = '';
    let last = 0;
    let count = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      let end = -1;
      let skip = 0;
      // The longest full name starting here, its words separated by spaces only.
      let key = fold(w[0]);
      for (let n = 1; n < MAX_NAME_WORDS && i + n < words.length; n++) {
        const prev = words[i + n - 1]!;
        const next = words[i + n]!;
        if (!/^[ \t]+$/.test(text.slice(prev.index + prev[0].length, next.index))) break;
        key += ' ' + fold(next[0]);
        if (this.fullNames.has(key)) {
          end = next.index + next[0].length;
          skip = n;
        }
      }
      let suffix = '';
      if (end < 0) {
        const possessive = /^(.*?)(['’]s)$/u.exec(w[0]);
        const bare = possessive ? possessive[1]! : w[0];
        if (this.singleNames.has(bare) || this.handles.has(fold(bare))) {
          end = w.index + w[0].length;
          suffix = possessive ? possessive[2]! : '';
        }
      }
      if (end < 0) continue;
      out += text.slice(last, w.index) + placeholder + suffix;
      last = end;
      count++;
      i += skip;
    }
    return count === 0 ? { text, count } : { text: out + text.slice(last), count };
  }
}
