import { InputError } from '../../errors.js';
import { stableId } from '../../util/hash.js';
import type { ExportAdapter, ParseContext, ParseEvent, SourceFile } from '../types.js';
import { streamCsvRecords } from './discord-csv-reader.js';
import { discordMarkupToText } from './discord.js';

/*
 * DiscordChatExporter CSV ("CSV" format): `AuthorID,Author,Date,Content,Attachments,Reactions`, every
 * field quoted, a message's line breaks kept inside its Content field. The format has no message ids,
 * no channel, no bot flag and no message kinds:
 * - the channel id comes from the exporter's file name (`Guild - channel [123456789].csv`) when it is
 *   there, else the file name stands for the channel;
 * - a message is identified by author, date and content (and which repeat of them it is), which stays
 *   the same when an overlapping date range is exported again;
 * - Discord's notices are written as the text the exporter gives them ("Pinned a message.", "Joined
 *   the server.", …) under the acting user, and are recognised by that text;
 * - bots cannot be told apart from people: the JSON export has `isBot` and is the better input.
 * Dates are written in the exporter's locale ("g" format, local time unless UTC was asked for); the
 * unambiguous forms are read (as UTC), others give a null time.
 */

const HEADER = ['AuthorID', 'Author', 'Date', 'Content', 'Attachments', 'Reactions'];

/** The text DiscordChatExporter writes in place of a system notice's content. */
const NOTICE =
  /^(Added a recipient\.|Removed a recipient\.|Left the group\.|Added .+ to the group\.|Removed .+ from the group\.|Started a call that lasted [\d,.]+ minutes\.|Changed the channel name(\.|: .*)|Changed the channel icon\.|Pinned a message\.|Started a thread\.|Joined the server\.|A poll has closed\.|.+'s poll (.+ )?has closed\.)$/s;

const RECENT_KEYS = 100_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function utc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ampm?: string,
): string | null {
  if (y < 100) y += 2000;
  if (ampm) {
    const pm = ampm.toUpperCase() === 'PM';
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d ? date.toISOString() : null;
}

/**
 * The exporter's date to ISO UTC: ISO 8601 (with its offset), `05-Jan-21 03:04 PM` (older versions),
 * `1/5/2021 3:04 PM` (en-US: month first with AM/PM), `05/01/2021 15:04` and `05.01.2021 15:04` (day first).
 */
export function discordCsvDate(value: string): string | null {
  const v = value.trim();
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v)) {
    const d = new Date(/(Z|[+-]\d\d:?\d\d)$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  const time = String.raw`\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$`;
  const named = new RegExp(String.raw`^(\d{1,2})-([A-Za-z]{3})-(\d{2,4})${time}`).exec(v);
  if (named) {
    const mo = MONTHS.indexOf(named[2]!.toLowerCase()) + 1;
    return utc(+named[3]!, mo, +named[1]!, +named[4]!, +named[5]!, +(named[6] ?? 0), named[7]);
  }
  const numeric = new RegExp(String.raw`^(\d{1,2})([/.])(\d{1,2})\2(\d{2,4})${time}`).exec(v);
  if (numeric) {
    const [a, b] = [+numeric[1]!, +numeric[3]!];
    // en-US writes month first with a 12-hour clock; 24-hour locales write the day first.
    let monthFirst = numeric[2] === '/' && numeric[8] !== undefined;
    if (monthFirst && a > 12) monthFirst = false;
    else if (!monthFirst && b > 12) monthFirst = true;
    const [mo, d] = monthFirst ? [a, b] : [b, a];
    return utc(+numeric[4]!, mo, d, +numeric[5]!, +numeric[6]!, +(numeric[7] ?? 0), numeric[8]);
  }
  return null;
}

/** The channel id and title the exporter put in the file name: `Guild - channel [123456789].csv`. */
function channelOf(file: SourceFile): { conversationId: string; conversationTitle: string | null } {
  const base = (file.relativePath.split('/').pop() ?? file.relativePath).replace(/\.csv$/i, '');
  const id = /\[(\d{15,22})\](?:\s*\[part \d+\])?$/.exec(base);
  const title = base.replace(/\s*\[\d{15,22}\](?:\s*\[part \d+\])?$/, '').trim();
  return id
    ? { conversationId: id[1]!, conversationTitle: title || null }
    : { conversationId: stableId('discord-csv', base), conversationTitle: title || null };
}

export const discordCsvAdapter: ExportAdapter = {
  format: 'discord-csv',
  namesInline: true,
  detect(head) {
    return /^\uFEFF?"?AuthorID"?,"?Author"?,"?Date"?,"?Content"?,"?Attachments"?,"?Reactions"?\s*(\r?\n|$)/.test(
      head,
    );
  },
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    const channel = channelOf(file);
    const repeats = new Map<string, number>();
    let header = true;
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamCsvRecords(file.open(), ctx.limits.maxElementBytes)) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (header) {
        header = false;
        if (event.fields.join(',') !== HEADER.join(',')) {
          throw new InputError(
            `not a DiscordChatExporter CSV: the header is ${event.fields.join(',').slice(0, 200)}`,
          );
        }
        continue;
      }
      const position = `line ${event.line}`;
      if (event.fields.length !== HEADER.length) {
        const reason = `a record of ${event.fields.length} fields, not ${HEADER.length}`;
        firstProblem ??= `${position}: ${reason}`;
        yield { kind: 'problem', position, reason };
        continue;
      }
      const [authorId, author, date, content] = event.fields as [string, string, string, string];
      if (authorId.trim() === '') {
        const reason = 'no author id';
        firstProblem ??= `${position}: ${reason}`;
        yield { kind: 'problem', position, reason };
        continue;
      }
      good++;
      const text = discordMarkupToText(content).trim();
      if (text === '' || NOTICE.test(text)) continue;
      const key = stableId('k', authorId, date, content);
      const nth = (repeats.get(key) ?? 0) + 1;
      repeats.set(key, nth);
      // Repeats share a date, so they are close together: only recent keys are kept (bounded memory).
      if (repeats.size > RECENT_KEYS) repeats.delete(repeats.keys().next().value!);
      yield {
        kind: 'message',
        message: {
          sourceMessageId: stableId('dcsv', authorId, date, content, nth),
          ...channel,
          workspace: null,
          threadId: null,
          author: authorId,
          authorName: author.trim() || null,
          role: 'user',
          text,
          createdAt: discordCsvDate(date),
        },
      };
    }
    if (good === 0 && firstProblem) {
      throw new InputError(`no readable Discord message in the file (${firstProblem})`);
    }
  },
};
