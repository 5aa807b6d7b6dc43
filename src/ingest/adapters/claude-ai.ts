import { z } from 'zod';
import { InputError } from '../../errors.js';
import { stableId } from '../../util/hash.js';
import { checkRecord, toIsoTime } from '../decode.js';
import { streamJson } from '../stream/json-stream.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';

/*
 * Claude.ai (Settings → Privacy → Export data): conversations.json, an array of conversations whose
 * `chat_messages` is a flat list holding every branch (each message names its parent in
 * `parent_message_uuid`); also a single conversation object per file, as the per-conversation download
 * and viewers save it. users.json, projects.json and memories.json come with the export but hold no
 * prompts: a project's `prompt_template` is custom instructions, not something typed in a chat.
 *
 * The prompt is what the person typed: `text`, or, when `text` is empty (newer exports), the text
 * blocks of `content`. Attachments (uploaded or pasted files, `extracted_content`) are documents, not
 * prompts, and are left out; a message with nothing typed is skipped.
 */

const BlockSchema = z.object({ type: z.string() }).loose();

/*
 * Only the structure the prompts are read from is checked (a conversation whose messages do not have
 * it is not this format, or is damaged); ids, names and times of an odd type are treated as absent.
 */
const MessageSchema = z
  .object({
    sender: z.string(),
    text: z.string().nullish(),
    // Null is tolerated (the `text` holds the prompt); anything but a list of typed blocks is not this format.
    content: z.array(BlockSchema).nullish(),
  })
  .loose();
type Message = z.infer<typeof MessageSchema>;

const ConversationSchema = z.object({ chat_messages: z.array(MessageSchema) }).loose();
type Conversation = z.infer<typeof ConversationSchema>;

/** A string field, or null when it is absent, empty or of another type. */
function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** Blocks holding what the person wrote or said. */
const TEXT_BLOCKS = new Set(['text', 'voice_note']);
/** Blocks that are never the person's words: the model's thinking, tool calls and tool output. */
const SKIPPED_BLOCKS = new Set(['thinking', 'redacted_thinking', 'token_budget']);
const isToolBlock = (type: string): boolean => /tool_(use|result)$/.test(type);

/** The text blocks of `content`, other blocks as `[type]` placeholders; '' when nothing was typed. */
function blocksText(blocks: readonly z.infer<typeof BlockSchema>[]): string {
  const parts: string[] = [];
  let typed = false;
  for (const block of blocks) {
    if (TEXT_BLOCKS.has(block.type)) {
      const text = typeof block.text === 'string' ? block.text.trim() : '';
      if (text !== '') {
        parts.push(text);
        typed = true;
      }
    } else if (!SKIPPED_BLOCKS.has(block.type) && !isToolBlock(block.type)) {
      parts.push(`[${block.type.slice(0, 60)}]`); // an image, a file, a block type newer than this code
    }
  }
  return typed ? parts.join('\n') : '';
}

function promptText(m: Message): string {
  const text = m.text?.trim() ?? '';
  return text !== '' ? text : blocksText(m.content ?? []);
}

const isHuman = (m: Message): boolean => m.sender === 'human' || m.sender === 'user';

function* conversationMessages(
  conv: Conversation,
  index: number,
  names: ReadonlyMap<string, string>,
): Generator<MessageInput> {
  const title = str(conv.name)?.trim() ?? null;
  const conversationId =
    str(conv.uuid) ??
    str(conv.conversation_id) ??
    stableId('claude-conv', title ?? '', str(conv.created_at) ?? '', index);
  const author = str(field(conv.account, 'uuid'));
  const workspace = str(conv.project_uuid) ?? str(field(conv.project, 'uuid'));
  const seen = new Set<string>();
  for (const [i, m] of conv.chat_messages.entries()) {
    if (!isHuman(m)) continue; // assistant turns, and any system turn a tool might add
    const position = typeof m.index === 'number' ? m.index : i;
    const sourceMessageId = str(m.uuid) ?? `index ${position}`;
    if (seen.has(sourceMessageId)) continue; // the same message listed twice
    seen.add(sourceMessageId);
    const text = promptText(m);
    if (text === '') continue;
    yield {
      sourceMessageId,
      conversationId,
      conversationTitle: title,
      workspace,
      branch: str(m.parent_message_uuid),
      author,
      authorName: author === null ? null : (names.get(author) ?? null),
      role: 'user',
      text,
      createdAt: toIsoTime(m.created_at) ?? toIsoTime(conv.created_at),
    };
  }
}

/** users.json of the same export: account uuid → full name. Absent or unreadable: no names. */
async function accountNames(file: SourceFile, maxBytes: number): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const raw = await file.sibling('users.json').catch(() => null);
  if (!raw || raw.length > maxBytes) return names;
  try {
    const users = JSON.parse(raw.toString('utf8')) as unknown;
    if (!Array.isArray(users)) return names;
    for (const u of users as unknown[]) {
      const { uuid, full_name: name } = (u ?? {}) as { uuid?: unknown; full_name?: unknown };
      if (typeof uuid === 'string' && typeof name === 'string' && name.trim() !== '')
        names.set(uuid, name.trim());
    }
  } catch {
    // A damaged users.json costs the display names, not the prompts.
  }
  return names;
}

const USERS_MAX_BYTES = 64 * 1024 * 1024;

/** Files of a Claude.ai export that hold no prompts. */
function companion(head: string): string | undefined {
  const text = head.trimStart();
  if (!/^[[{]/.test(text) || text.includes('"chat_messages"')) return undefined;
  if (/"conversations_memory"\s*:/.test(text)) {
    return 'Claude.ai memories (written by the assistant), no conversations';
  }
  const project =
    /"prompt_template"\s*:|"is_starter_project"\s*:/.test(text) ||
    (/"docs"\s*:\s*\[/.test(text) && /"is_private"\s*:/.test(text));
  if (/"uuid"\s*:/.test(text) && project) {
    return 'Claude.ai projects (custom instructions and knowledge documents), no conversations';
  }
  if (/^\[\s*\{/.test(text) && /"full_name"\s*:/.test(text) && /"email_address"\s*:/.test(text)) {
    return 'a Claude.ai account list (users.json), no conversations';
  }
  return undefined;
}

export const claudeAiAdapter: ExportAdapter = {
  format: 'claude-ai',
  detect(head) {
    return /^\s*[[{]/.test(head) && /"chat_messages"\s*:\s*\[/.test(head);
  },
  companion,
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    let names: Map<string, string> | undefined;
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamJson(file.open(), ctx.limits)) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (event.type === 'header') continue;
      const index = event.type === 'element' ? event.index : 0;
      const position = `conversation ${index}`;
      const checked = checkRecord(event.value, ConversationSchema, 'a Claude.ai conversation');
      if (!checked.ok) {
        firstProblem ??= `${position}: ${checked.reason}`;
        yield { kind: 'problem', position, reason: checked.reason };
        continue;
      }
      good++;
      const conv = checked.value;
      if (names === undefined && str(field(conv.account, 'uuid'))) {
        names = await accountNames(file, USERS_MAX_BYTES);
        for (const n of names.values()) ctx.people?.add(n);
      }
      for (const message of conversationMessages(conv, index, names ?? new Map())) {
        yield { kind: 'message', message };
      }
    }
    if (good === 0 && firstProblem)
      throw new InputError(`no readable Claude.ai conversation (${firstProblem})`);
  },
};
