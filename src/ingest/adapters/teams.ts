import { z } from 'zod';
import { InputError } from '../../errors.js';
import { checkRecord, toIsoTime } from '../decode.js';
import { streamJson } from '../stream/json-stream.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';
import { htmlToText } from './teams-html.js';

/*
 * Microsoft Teams messages as Microsoft Graph returns them (`chatMessage`,
 * learn.microsoft.com/graph/api/resources/chatmessage): a single message, an array of them, or a Graph
 * page `{"@odata.context": …, "value": [...]}` (list chat/channel messages, replies, the export API's
 * getAllMessages), streamed message by message.
 *
 * A prompt is a `message` sent by a user (`from.user`) and not deleted; system events
 * (`systemEventMessage`, `chatEvent`), messages from apps and bots (`from.application`) and deleted
 * messages (`deletedDateTime`) are not. The body is HTML or text; HTML is reduced to plain text
 * (mentions `@Name`, emoji, code kept; a quoted message, which is someone else's text, left out).
 * Graph holds each message's final text (`lastEditedDateTime` marks an edit).
 *
 * Ids: the conversation is the chat (`chatId`) or the channel (`channelIdentity.channelId`, with the
 * team as workspace); in a channel, a thread is the root post and its replies (`replyToId`).
 */

const AttachmentSchema = z
  .object({ id: z.string().nullish(), contentType: z.string().nullish(), name: z.string().nullish() })
  .loose();

const MessageSchema = z
  .object({
    id: z.string().min(1),
    replyToId: z.string().nullish(),
    messageType: z.string().nullish(),
    createdDateTime: z.string().nullish(),
    deletedDateTime: z.string().nullish(),
    subject: z.string().nullish(),
    chatId: z.string().nullish(),
    channelIdentity: z
      .object({ teamId: z.string().nullish(), channelId: z.string().nullish() })
      .loose()
      .nullish(),
    from: z
      .object({
        user: z.object({ id: z.string().nullish(), displayName: z.string().nullish() }).loose().nullish(),
      })
      .loose()
      .nullish(),
    body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).loose().nullish(),
    mentions: z
      .array(
        z
          .object({
            mentionText: z.string().nullish(),
            mentioned: z
              .object({ user: z.object({ displayName: z.string().nullish() }).loose().nullish() })
              .loose()
              .nullish(),
          })
          .loose(),
      )
      .nullish()
      .catch(null),
    attachments: z.array(AttachmentSchema).nullish(),
  })
  .loose();
type TeamsMessage = z.infer<typeof MessageSchema>;

/** Where a Graph page's messages come from, per its `@odata.context`. */
interface Context {
  chatId: string | null;
  teamId: string | null;
  channelId: string | null;
}
const NO_CONTEXT: Context = { chatId: null, teamId: null, channelId: null };

function contextOf(header: Record<string, unknown>): Context {
  const url = header['@odata.context'];
  if (typeof url !== 'string') return NO_CONTEXT;
  const part = (name: string): string | null => {
    const m = new RegExp(`${name}\\('([^']+)'\\)`).exec(url);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]!);
    } catch {
      return m[1]!;
    }
  };
  return { chatId: part('chats'), teamId: part('teams'), channelId: part('channels') };
}

function attachmentText(a: z.infer<typeof AttachmentSchema> | undefined): string {
  if (!a) return '[attachment]';
  const type = a.contentType ?? '';
  if (type === 'messageReference') return ''; // a quoted message: someone else's words
  if (type === 'reference') return a.name ? `[file: ${a.name}]` : '[file]';
  if (type.startsWith('image/')) return '[image]';
  if (type.startsWith('application/vnd.microsoft.card')) return '[card]';
  return '[attachment]';
}

function bodyText(m: TeamsMessage): string {
  const content = m.body?.content ?? '';
  const type = (m.body?.contentType ?? '').toLowerCase();
  const html = type === 'html' || (type === '' && /<\/?[a-z][^>]*>/i.test(content));
  const attachments = new Map((m.attachments ?? []).map((a) => [a.id ?? '', a]));
  const text = html
    ? htmlToText(content, { attachment: (id) => attachmentText(attachments.get(id)) })
    : content.trim();
  const subject = m.subject?.trim() ?? '';
  return subject !== '' && text !== '' ? `${subject}\n${text}` : subject || text;
}

function toMessage(m: TeamsMessage, context: Context): MessageInput | null {
  if ((m.messageType ?? 'message') !== 'message') return null;
  if (m.deletedDateTime != null) return null;
  const user = m.from?.user;
  if (!user) return null; // an app, a bot, a device or the system
  const text = bodyText(m);
  if (text === '') return null;
  const channelId = m.channelIdentity?.channelId ?? context.channelId;
  const chatId = m.chatId ?? context.chatId;
  const inChannel = chatId === null && channelId !== null;
  return {
    sourceMessageId: m.id,
    conversationId: chatId ?? channelId ?? `teams-thread-${m.replyToId ?? m.id}`,
    conversationTitle: null,
    workspace: m.channelIdentity?.teamId ?? context.teamId ?? null,
    threadId: inChannel ? (m.replyToId ?? m.id) : null,
    author: user.id ?? null,
    authorName: user.displayName ?? null,
    role: 'user',
    text,
    createdAt: toIsoTime(m.createdDateTime),
  };
}

export const teamsAdapter: ExportAdapter = {
  format: 'teams',
  namesInline: true,
  detect(head) {
    if (!/^\s*[[{]/.test(head)) return false;
    const graphPage = /"@odata\.context"\s*:\s*"[^"]*(chatMessage|\/messages|\/replies)/.test(head);
    const message =
      /"messageType"\s*:\s*"/.test(head) && /"(createdDateTime|@odata\.context)"\s*:/.test(head);
    return graphPage || message;
  },
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    let context = NO_CONTEXT;
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamJson(file.open(), { ...ctx.limits, arrayKey: 'value' })) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (event.type === 'header') {
        context = contextOf(event.value);
        continue;
      }
      // A single message fetched from Graph carries its own `@odata.context`.
      if (event.type === 'document' && event.value && typeof event.value === 'object') {
        context = contextOf(event.value as Record<string, unknown>);
      }
      const position = event.type === 'element' ? `message ${event.index}` : 'document';
      const checked = checkRecord(event.value, MessageSchema, 'a Teams chatMessage (no id)');
      if (!checked.ok) {
        firstProblem ??= `${position}: ${checked.reason}`;
        yield { kind: 'problem', position, reason: checked.reason };
        continue;
      }
      good++;
      ctx.people?.add(checked.value.from?.user?.displayName);
      for (const m of checked.value.mentions ?? []) {
        ctx.people?.add(m.mentioned?.user?.displayName);
        ctx.people?.add(m.mentionText);
      }
      const message = toMessage(checked.value, context);
      if (message) yield { kind: 'message', message };
    }
    if (good === 0 && firstProblem) {
      throw new InputError(`no readable Teams message in the file (${firstProblem})`);
    }
  },
};
