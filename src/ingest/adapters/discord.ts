import { z } from 'zod';
import { InputError } from '../../errors.js';
import { checkRecord, toIsoTime } from '../decode.js';
import { streamJson } from '../stream/json-stream.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';

/*
 * DiscordChatExporter JSON (github.com/Tyrrrz/DiscordChatExporter, "JSON" format), one channel or
 * thread per file: `{guild, channel, dateRange, exportedAt, messages: [...], messageCount}`. Messages
 * are streamed one by one (a busy channel's export runs to gigabytes).
 *
 * A prompt is a message a person typed: kind `Default` or `Reply`. The other kinds (RecipientAdd,
 * Call, ChannelPinnedMessage, GuildMemberJoin, ThreadCreated, PollResult…) are Discord's notices, and
 * messages by bots (`author.isBot`, which also covers slash-command answers) are not people's. The
 * export holds each message's final text (`timestampEdited` marks an edit). Content is plain text
 * already (the exporter renders mentions as `@name`) unless the export was made without markdown
 * formatting, when raw `<@id>` mentions are rendered here.
 *
 * Threads: a thread (or forum post) is exported as its own channel whose `categoryId`/`category` are
 * the parent channel; its messages get the parent channel as conversation and the thread as
 * `threadId`. A reply (`reference.messageId`) is a quote of an earlier message in the same flat
 * channel, not a thread: it keeps `threadId` null.
 */

const Id = z.union([z.string().min(1), z.number()]).transform(String);

const UserSchema = z
  .object({
    id: Id,
    name: z.string().nullish(),
    nickname: z.string().nullish(),
    isBot: z.boolean().nullish(),
  })
  .loose();

const MessageSchema = z
  .object({
    id: Id,
    type: z.union([z.string(), z.number()]).nullish(),
    timestamp: z.string().nullish(),
    content: z.string().nullish(),
    author: UserSchema,
    mentions: z.array(z.unknown()).nullish(),
  })
  .loose();
type DiscordMessage = z.infer<typeof MessageSchema>;

const HeaderSchema = z
  .object({
    guild: z.object({ id: Id.nullish(), name: z.string().nullish() }).loose().nullish(),
    channel: z
      .object({
        id: Id,
        type: z.string().nullish(),
        categoryId: Id.nullish(),
        category: z.string().nullish(),
        name: z.string().nullish(),
      })
      .loose(),
  })
  .loose();

/** Kinds a person typed (DiscordChatExporter's MessageKind names, or Discord's numbers). */
const TYPED_KINDS = new Set<string | number>(['Default', 'Reply', 0, 19, '0', '19']);

/**
 * Raw Discord markdown references to what the client shows: `<@id>` → `@name` (from the message's
 * mentions when known), `<#id>` → `#id`, `<@&id>` → `@role`, `<:name:id>` → `:name:`, `<t:epoch>` → a date.
 */
export function discordMarkupToText(text: string, names: ReadonlyMap<string, string> = new Map()): string {
  if (!text.includes('<')) return text;
  return text
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${names.get(id) ?? id}`)
    .replace(/<@&(\d+)>/g, '@role')
    .replace(/<#(\d+)>/g, (_, id: string) => `#${id}`)
    .replace(/<a?:(\w+):\d+>/g, (_, name: string) => `:${name}:`)
    .replace(/<t:(-?\d+)(?::[tTdDfFR])?>/g, (whole, epoch: string) => toIsoTime(Number(epoch)) ?? whole);
}

function mentionNames(mentions: readonly unknown[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const raw of mentions) {
    const u = UserSchema.safeParse(raw);
    if (!u.success) continue;
    const name = u.data.nickname ?? u.data.name;
    if (name) names.set(u.data.id, name);
  }
  return names;
}

interface Channel {
  conversationId: string;
  conversationTitle: string | null;
  workspace: string | null;
  threadId: string | null;
}

function channelOf(header: z.infer<typeof HeaderSchema>): Channel {
  const { guild, channel } = header;
  const isThread = /Thread$/.test(channel.type ?? '') && channel.categoryId != null;
  // DiscordChatExporter names the DM pseudo-guild "Direct Messages" with id 0.
  const workspace = guild?.id != null && guild.id !== '0' ? guild.id : null;
  return isThread
    ? {
        conversationId: channel.categoryId!,
        conversationTitle: channel.category ?? null,
        workspace,
        threadId: channel.id,
      }
    : { conversationId: channel.id, conversationTitle: channel.name ?? null, workspace, threadId: null };
}

function toMessage(m: DiscordMessage, channel: Channel): MessageInput | null {
  if (m.author.isBot === true) return null;
  if (!TYPED_KINDS.has(m.type ?? 'Default')) return null;
  const text = discordMarkupToText(m.content ?? '', mentionNames(m.mentions ?? [])).trim();
  if (text === '') return null; // attachments, stickers or embeds only: nothing typed
  return {
    sourceMessageId: m.id,
    ...channel,
    author: m.author.id,
    authorName: m.author.nickname ?? m.author.name ?? null,
    role: 'user',
    text,
    createdAt: toIsoTime(m.timestamp),
  };
}

export const discordAdapter: ExportAdapter = {
  format: 'discord',
  namesInline: true,
  detect(head) {
    return (
      /^\s*\{/.test(head) &&
      /"guild"\s*:\s*\{/.test(head) &&
      /"channel"\s*:\s*\{/.test(head) &&
      /"(messages|dateRange)"\s*:/.test(head)
    );
  },
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    let channel: Channel | null = null;
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamJson(file.open(), { ...ctx.limits, arrayKey: 'messages' })) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (event.type === 'header') {
        const header = checkRecord(event.value, HeaderSchema, 'a DiscordChatExporter header');
        if (!header.ok) throw new InputError(`not a DiscordChatExporter export: ${header.reason}`);
        channel = channelOf(header.value);
        continue;
      }
      if (event.type === 'document' || channel === null) {
        throw new InputError('not a DiscordChatExporter export: no "messages" list after the channel');
      }
      const position = `message ${event.index}`;
      const checked = checkRecord(event.value, MessageSchema, 'a Discord message');
      if (!checked.ok) {
        firstProblem ??= `${position}: ${checked.reason}`;
        yield { kind: 'problem', position, reason: checked.reason };
        continue;
      }
      good++;
      for (const u of [checked.value.author, ...(checked.value.mentions ?? [])]) {
        const user = UserSchema.safeParse(u);
        if (user.success) for (const n of [user.data.name, user.data.nickname]) ctx.people?.add(n);
      }
      const message = toMessage(checked.value, channel);
      if (message) yield { kind: 'message', message };
    }
    if (good === 0 && firstProblem) {
      throw new InputError(`no readable Discord message in the file (${firstProblem})`);
    }
  },
};
