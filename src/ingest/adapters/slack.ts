import { z } from 'zod';
import { InputError } from '../../errors.js';
import { checkRecord, toIsoTime } from '../decode.js';
import { streamJson } from '../stream/json-stream.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';
import { slackDirectory, type SlackDirectory } from './slack-directory.js';
import { mrkdwnToText, richTextBlocks } from './slack-mrkdwn.js';

/*
 * Slack workspace export (Workspace settings → Import/Export → Export), a folder or .zip: one folder
 * per conversation (a channel's name, a private channel's or group DM's name, a DM's id) holding a
 * `YYYY-MM-DD.json` file per day, a JSON array of messages. users.json, channels.json, groups.json,
 * dms.json, mpims.json, integration_logs.json and canvases.json at the root are companions: they are
 * read as lookups (names, channel ids) and hold no prompts themselves.
 *
 * A prompt is what a person typed: plain messages, thread replies (also those sent to the channel),
 * `/me` messages, the text typed with an upload, a comment on a file. Bots, integrations and Slack's
 * own notices (joins, topic changes, pins, tombstones of deleted messages) are not. The export holds
 * each message's final text (`edited` marks an edited one), once per `ts`.
 */

const TS = /^\d+(\.\d+)?$/;

const MessageSchema = z
  .object({
    type: z.string().nullish(),
    subtype: z.string().nullish(),
    ts: z.union([z.string().regex(TS), z.number()]),
    user: z.string().nullish(),
    bot_id: z.string().nullish(),
    text: z.string().nullish(),
    thread_ts: z.union([z.string(), z.number()]).nullish(),
    hidden: z.boolean().nullish(),
    blocks: z.array(z.unknown()).nullish(),
    user_profile: z
      .object({
        display_name: z.string().nullish(),
        real_name: z.string().nullish(),
        name: z.string().nullish(),
      })
      .loose()
      .nullish(),
    /** Old exports: the comment of a `file_comment` message, and the comment typed with an upload. */
    comment: z.object({ comment: z.string().nullish(), user: z.string().nullish() }).loose().nullish(),
    file: z
      .object({ initial_comment: z.object({ comment: z.string().nullish() }).loose().nullish() })
      .loose()
      .nullish(),
  })
  .loose();
type SlackMessage = z.infer<typeof MessageSchema>;

/** Subtypes a person typed; every other subtype is a bot, an integration or a notice from Slack. */
const TYPED_SUBTYPES = new Set([
  'thread_broadcast',
  'reply_broadcast',
  'me_message',
  'file_share',
  'file_comment',
]);

/** Old exports write an upload as `<@U…> uploaded a file: <link|title>`: Slack's words, not the person's. */
const UPLOAD_NOTICE = /^<@[A-Z0-9]+(\|[^>]*)?> uploaded a file: /;

const nonEmpty = (s: string | null | undefined): string | null => (s && s.trim() !== '' ? s : null);

/** What the person typed, as plain text; '' when the message is not a person's or holds nothing typed. */
function typedText(m: SlackMessage, directory: SlackDirectory): { author: string; text: string } | null {
  const subtype = m.subtype ?? null;
  if (subtype !== null && !TYPED_SUBTYPES.has(subtype)) return null;
  if (m.hidden === true) return null;
  let author = m.user ?? null;
  let raw: string | null = nonEmpty(m.text);
  if (subtype === 'file_comment') {
    author = m.comment?.user ?? author;
    raw = nonEmpty(m.comment?.comment);
  } else if (subtype === 'file_share' && raw !== null && UPLOAD_NOTICE.test(raw)) {
    raw = nonEmpty(m.file?.initial_comment?.comment);
  }
  // A message with a bot id and no person behind it is a bot's; so is anything by a bot user.
  if (author === null || directory.users.get(author)?.isBot === true || author === 'USLACKBOT') return null;
  let text = raw !== null ? mrkdwnToText(raw, directory).trim() : '';
  if (text === '' && raw === null && subtype !== 'file_share' && subtype !== 'file_comment') {
    text = richTextBlocks(m.blocks ?? [], directory);
  }
  return text === '' ? null : { author, text };
}

function authorName(m: SlackMessage, author: string, directory: SlackDirectory): string | null {
  const p = m.user_profile;
  return (
    directory.users.get(author)?.name ??
    nonEmpty(p?.display_name) ??
    nonEmpty(p?.real_name) ??
    nonEmpty(p?.name) ??
    null
  );
}

/** The conversation folder a daily file sits in (`general` in `general/2016-01-01.json`). */
function folderOf(file: SourceFile): string | null {
  const parts = file.relativePath.split('/');
  if (parts.length >= 2) return parts[parts.length - 2]!;
  // A daily file named on its own: its folder is still in the path the user gave.
  const path = file.name.split('!').pop() ?? file.name;
  const segments = path.split(/[\\/]/).filter((s) => s !== '');
  return segments.length >= 2 ? segments[segments.length - 2]! : null;
}

const isSlackList = (head: string): boolean => /^\s*\[\s*\{/.test(head);

/** Files of a Slack export that hold no prompts, recognised by content. */
function companion(head: string): string | undefined {
  if (!isSlackList(head) || /"type"\s*:\s*"message"/.test(head)) return undefined;
  const id = (prefix: string): boolean => new RegExp(`"id"\\s*:\\s*"${prefix}[A-Z0-9]{6,}"`).test(head);
  if (id('[UW]') && /"(team_id|real_name|profile|is_bot)"\s*:/.test(head)) {
    return 'the members of a Slack export (users.json), no messages';
  }
  if (
    id('[CG]') &&
    /"name"\s*:/.test(head) &&
    /"(created|creator|members|is_general|is_archived)"\s*:/.test(head)
  ) {
    return 'the channel list of a Slack export (channels/groups/mpims.json), no messages';
  }
  if (id('D') && /"members"\s*:/.test(head)) return 'the DM list of a Slack export (dms.json), no messages';
  if (/"change_type"\s*:/.test(head) && /"(service_id|service_type|app_id|app_type)"\s*:/.test(head)) {
    return 'the app activity log of a Slack export (integration_logs.json), no messages';
  }
  if (id('F') && /"(title|filetype|mimetype|url_private|permalink|date_created)"\s*:/.test(head)) {
    return 'the canvas or file list of a Slack export (canvases.json), no messages';
  }
  return undefined;
}

export const slackAdapter: ExportAdapter = {
  format: 'slack',
  detect(head) {
    // A day of a conversation: an array of message objects with Slack's `ts` ("1452837318.000002")
    // or Slack user ids. The keys come in any order, and a long first message can push `ts` out of
    // the head, so either mark will do.
    if (!isSlackList(head) || !/"type"\s*:\s*"message"/.test(head)) return false;
    return (
      /"ts"\s*:\s*"\d{9,11}\.\d{6}"/.test(head) || /"(user|bot_id)"\s*:\s*"[UWB][A-Z0-9]{6,}"/.test(head)
    );
  },
  companion,
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    const directory = await slackDirectory(file);
    if (ctx.people)
      for (const user of directory.users.values()) for (const n of user.names) ctx.people.add(n);
    const folder = folderOf(file);
    const conversation = folder !== null ? directory.byFolder.get(folder) : undefined;
    const conversationId = conversation?.id ?? folder ?? 'slack';
    const conversationTitle = conversation?.title ?? folder;
    const seen = new Set<string>();
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamJson(file.open(), ctx.limits)) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (event.type !== 'element') {
        firstProblem ??= 'not a JSON array of messages';
        yield {
          kind: 'problem',
          position: 'document',
          reason: 'not a Slack day file (a JSON array of messages)',
        };
        continue;
      }
      const position = `element ${event.index}`;
      const checked = checkRecord(event.value, MessageSchema, 'a Slack message (no ts)');
      if (!checked.ok) {
        firstProblem ??= `${position}: ${checked.reason}`;
        yield { kind: 'problem', position, reason: checked.reason };
        continue;
      }
      good++;
      const m = checked.value;
      if (m.type != null && m.type !== 'message') continue;
      const ts = String(m.ts);
      if (seen.has(ts)) continue; // one message per ts: the export holds its final text
      seen.add(ts);
      const typed = typedText(m, directory);
      if (!typed) continue;
      const message: MessageInput = {
        sourceMessageId: ts,
        conversationId,
        conversationTitle,
        workspace: null,
        threadId: m.thread_ts != null ? String(m.thread_ts) : null,
        author: typed.author,
        authorName: authorName(m, typed.author, directory),
        role: 'user',
        text: typed.text,
        createdAt: toIsoTime(Number(ts)),
      };
      yield { kind: 'message', message };
    }
    if (good === 0 && firstProblem)
      throw new InputError(`no readable Slack message in the file (${firstProblem})`);
  },
};
