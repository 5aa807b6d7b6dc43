import { z } from 'zod';
import { InputError } from '../../errors.js';
import { stableId } from '../../util/hash.js';
import { toIsoTime } from '../decode.js';
import { streamJson } from '../stream/json-stream.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';

/*
 * ChatGPT data export (Settings → Data controls → Export): conversations.json, an array of
 * conversations whose messages form a tree in `mapping`. The schema is undocumented and changes,
 * so everything but the tree links is optional and unknown content types are tolerated.
 */

const ContentSchema = z
  .object({
    content_type: z.string().optional(),
    parts: z.array(z.unknown()).nullish(),
    text: z.unknown().optional(),
  })
  .loose();

const MessageSchema = z
  .object({
    id: z.string(),
    author: z.object({ role: z.string() }).loose(),
    create_time: z.number().nullish(),
    content: ContentSchema.nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    recipient: z.string().nullish(),
  })
  .loose();

const ConversationSchema = z
  .object({
    title: z.string().nullish(),
    create_time: z.number().nullish(),
    // Nodes are checked one by one as the tree is walked (below): a conversation has hundreds, and
    // only the user messages among them need a full check. Not z.record, which copies every node into
    // a new object: a tenth of the whole import's time on a large export.
    mapping: z.custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object of message nodes',
    ),
    conversation_id: z.string().nullish(),
    id: z.string().nullish(),
  })
  .loose();
type Conversation = z.infer<typeof ConversationSchema>;

interface TreeNode {
  parent: string | null;
  children: string[];
  message: unknown;
}

/** A mapping node's tree links, tolerating anything malformed (a bad node is a leaf with no message). */
function treeNode(raw: unknown): TreeNode {
  if (!raw || typeof raw !== 'object') return { parent: null, children: [], message: null };
  const n = raw as { parent?: unknown; children?: unknown; message?: unknown };
  return {
    parent: typeof n.parent === 'string' ? n.parent : null,
    children: Array.isArray(n.children) ? n.children.filter((c): c is string => typeof c === 'string') : [],
    message: n.message ?? null,
  };
}

/** Cheap pre-check before the schema: most nodes are assistant, tool or system turns. */
function isUserMessage(message: unknown): boolean {
  const author = (message as { author?: { role?: unknown } } | null)?.author;
  return author?.role === 'user';
}

/** Content types that hold what the person wrote; others (custom instructions, tool output) are not prompts. */
const SKIPPED_CONTENT = new Set([
  'user_editable_context',
  'model_editable_context',
  'tether_quote',
  'system_error',
]);

function messageText(content: z.infer<typeof ContentSchema> | null | undefined): string {
  if (!content || SKIPPED_CONTENT.has(content.content_type ?? '')) return '';
  const parts = (content.parts ?? []).filter((p): p is string => typeof p === 'string');
  if (parts.length > 0) return parts.join('\n').trim();
  return typeof content.text === 'string' ? content.text.trim() : '';
}

/** Nodes in depth-first order from every root, so that each branch (edited prompts) is read. */
function walk(mapping: Conversation['mapping']): [string, TreeNode][] {
  const nodes = new Map(Object.entries(mapping).map(([id, raw]) => [id, treeNode(raw)]));
  const roots = [...nodes]
    .filter(([, node]) => node.parent === null || !nodes.has(node.parent))
    .map(([id]) => id)
    .sort();
  const seen = new Set<string>();
  const order: [string, TreeNode][] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue; // a malformed export can loop
    seen.add(id);
    const node = nodes.get(id)!;
    order.push([id, node]);
    const children = node.children.filter((c) => nodes.has(c));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return order;
}

function* conversationMessages(conv: Conversation, index: number): Generator<MessageInput> {
  const conversationId =
    conv.conversation_id ?? conv.id ?? stableId('chatgpt-conv', conv.title ?? '', conv.create_time ?? index);
  for (const [, node] of walk(conv.mapping)) {
    if (!isUserMessage(node.message)) continue; // the root, placeholders, assistant/tool/system turns
    const parsed = MessageSchema.safeParse(node.message);
    if (!parsed.success) continue;
    const m = parsed.data;
    if (
      m.metadata?.is_visually_hidden_from_conversation === true ||
      m.metadata?.is_user_system_message === true
    ) {
      continue;
    }
    const text = messageText(m.content);
    if (text === '') continue;
    yield {
      sourceMessageId: m.id,
      conversationId,
      conversationTitle: conv.title ?? null,
      branch: node.parent,
      author: 'owner',
      role: 'user',
      text,
      createdAt: toIsoTime(m.create_time) ?? toIsoTime(conv.create_time),
    };
  }
}

/** Files of a ChatGPT export that hold no prompts. */
function companion(head: string): string | undefined {
  const text = head.trim();
  if (/^\{\s*"id"\s*:\s*"user-/.test(text)) return 'a ChatGPT account file (user.json), no conversations';
  if (
    /^\[\s*\{/.test(text) &&
    /"user_id"\s*:\s*"user-/.test(text) &&
    /"settings"\s*:\s*\{/.test(text) &&
    !text.includes('"mapping"')
  ) {
    return 'ChatGPT user settings (user_settings.json), no conversations';
  }
  if (
    /^\{[\s\S]*"(export_files|logical_files|conversation_files|exported_at)"/.test(text) &&
    !text.includes('"mapping"')
  ) {
    return 'a ChatGPT export manifest';
  }
  if (/^<!DOCTYPE html|^<html/i.test(text)) return 'an HTML page (the ChatGPT export is read from its JSON)';
  return undefined;
}

export const chatgptAdapter: ExportAdapter = {
  format: 'chatgpt',
  detect(head) {
    const start = head.trimStart();
    return (start.startsWith('[') || start.startsWith('{')) && /"mapping"\s*:\s*\{/.test(head);
  },
  companion,
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    // conversations.json is one JSON array (often a single line of a gigabyte or more): streamed
    // conversation by conversation; a single exported conversation is an object.
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamJson(file.open(), ctx.limits)) {
      if (event.type === 'problem') {
        firstProblem ??= event.reason;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      if (event.type === 'header') continue;
      const index = event.type === 'element' ? event.index : 0;
      const conv = ConversationSchema.safeParse(event.value);
      if (!conv.success) {
        firstProblem ??= 'not a ChatGPT conversation';
        yield {
          kind: 'problem',
          position: `conversation ${index}`,
          reason: 'not a ChatGPT conversation (no mapping)',
        };
        continue;
      }
      good++;
      for (const message of conversationMessages(conv.data, index)) yield { kind: 'message', message };
    }
    if (good === 0 && firstProblem) throw new InputError(`no readable ChatGPT conversation: ${firstProblem}`);
  },
};
