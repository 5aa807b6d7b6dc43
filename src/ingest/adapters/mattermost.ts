import { z } from 'zod';
import { InputError } from '../../errors.js';
import { stableId } from '../../util/hash.js';
import { checkRecord, jsonErrorReason, toIsoTime } from '../decode.js';
import { streamLines } from '../stream/lines.js';
import type { ExportAdapter, MessageInput, ParseContext, ParseEvent, SourceFile } from '../types.js';

/*
 * Mattermost bulk export (`mmctl export create`, docs.mattermost.com "Bulk export"): JSONL, a
 * `{"type":"version","version":1}` line first, then `team`, `channel`, `user`, `bot`, `post`,
 * `direct_channel`, `direct_post`, `emoji`… lines. A post carries its thread's replies inline.
 *
 * A prompt is a post or reply a person wrote: no `type` (or `me`, a /me message). Typed posts are
 * Mattermost's notices (`system_join_channel`, …) or plugins' and integrations' (`slack_attachment`,
 * `custom_*`); posts by bots (`bot` lines, `props.from_bot`) and incoming webhooks
 * (`props.from_webhook`) are not a person's either. The export holds each post's final text.
 *
 * The export has no post ids, so a post's id is built from its team, channel, author and creation
 * time (a reply's from its root post's id, author and time): the same post re-exported keeps its id.
 * Authors are usernames, hashed into a pseudonymous id; display names come from `user` lines.
 */

const ReplySchema = z
  .object({
    user: z.string().min(1),
    type: z.string().nullish(),
    message: z.string().nullish(),
    create_at: z.number(),
    props: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
type Reply = z.infer<typeof ReplySchema>;

const PostFields = {
  user: z.string().min(1),
  type: z.string().nullish(),
  message: z.string().nullish(),
  create_at: z.number(),
  props: z.record(z.string(), z.unknown()).nullish(),
  replies: z.array(z.unknown()).nullish(),
};
const PostSchema = z.object({ team: z.string().min(1), channel: z.string().min(1), ...PostFields }).loose();
const DirectPostSchema = z.object({ channel_members: z.array(z.string()).min(1), ...PostFields }).loose();

const UserSchema = z
  .object({
    username: z.string().min(1),
    nickname: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
  })
  .loose();
const ChannelSchema = z
  .object({ team: z.string().nullish(), name: z.string().min(1), display_name: z.string().nullish() })
  .loose();
const BotSchema = z.object({ username: z.string().min(1) }).loose();

const LineSchema = z.object({ type: z.string() }).loose();

/** Post types a person typed. */
const TYPED = new Set(['', 'me']);

const isTrue = (v: unknown): boolean => v === true || v === 'true';

interface State {
  names: Map<string, string>;
  bots: Set<string>;
  channels: Map<string, string>;
  /**
   * Ids given out lately, to tell apart two posts that share author, channel and millisecond. Such
   * twins are written next to each other, so only the last ids are kept (memory stays bounded).
   */
  ids: Map<string, number>;
}

const RECENT_IDS = 100_000;

function uniqueId(state: State, id: string): string {
  const n = (state.ids.get(id) ?? 0) + 1;
  state.ids.set(id, n);
  if (state.ids.size > RECENT_IDS) state.ids.delete(state.ids.keys().next().value!);
  return n === 1 ? id : `${id}-${n}`;
}

function typed(
  state: State,
  post: {
    user: string;
    type?: string | null;
    message?: string | null;
    props?: Record<string, unknown> | null;
  },
): string | null {
  if (!TYPED.has(post.type ?? '')) return null;
  if (state.bots.has(post.user) || isTrue(post.props?.from_bot) || isTrue(post.props?.from_webhook))
    return null;
  const text = post.message?.trim() ?? '';
  return text === '' ? null : text;
}

interface Conversation {
  conversationId: string;
  conversationTitle: string | null;
  workspace: string | null;
}

/** A post and its replies as messages; replies that are malformed are reported. */
function* thread(
  state: State,
  conv: Conversation,
  rootId: string,
  post: z.infer<typeof PostSchema> | z.infer<typeof DirectPostSchema>,
  position: string,
): Generator<ParseEvent> {
  const replies: Reply[] = [];
  for (const [i, raw] of (post.replies ?? []).entries()) {
    const r = checkRecord(raw, ReplySchema, 'a Mattermost reply');
    if (r.ok) replies.push(r.value);
    else yield { kind: 'problem', position: `${position}, reply ${i + 1}`, reason: r.reason };
  }
  const threadId = replies.length > 0 ? rootId : null;
  const message = (id: string, p: typeof post | Reply, text: string): MessageInput => ({
    sourceMessageId: id,
    ...conv,
    threadId,
    author: stableId('u', p.user),
    authorName: state.names.get(p.user) ?? p.user,
    role: 'user',
    text,
    createdAt: toIsoTime(p.create_at / 1000),
  });
  const rootText = typed(state, post);
  if (rootText !== null) yield { kind: 'message', message: message(rootId, post, rootText) };
  for (const r of replies) {
    const text = typed(state, r);
    if (text === null) continue;
    const id = uniqueId(state, stableId('mm-reply', rootId, r.user, r.create_at));
    yield { kind: 'message', message: message(id, r, text) };
  }
}

export const mattermostAdapter: ExportAdapter = {
  format: 'mattermost',
  detect(head) {
    const first = head.trimStart().split('\n', 1)[0] ?? '';
    return first.startsWith('{') && /"type"\s*:\s*"version"/.test(first) && /"version"\s*:\s*\d/.test(first);
  },
  async *parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent> {
    const state: State = { names: new Map(), bots: new Set(), channels: new Map(), ids: new Map() };
    let good = 0;
    let firstProblem: string | undefined;
    for await (const event of streamLines(file.open(), ctx.limits.maxElementBytes)) {
      if (event.type === 'problem') {
        firstProblem ??= `${event.position}: ${event.reason}`;
        yield { kind: 'problem', position: event.position, reason: event.reason };
        continue;
      }
      const line = event.text.trim();
      if (line === '') continue;
      const position = `line ${event.line}`;
      const problem = (reason: string): ParseEvent => {
        firstProblem ??= `${position}: ${reason}`;
        return { kind: 'problem', position, reason };
      };
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        yield problem(jsonErrorReason(err));
        continue;
      }
      const head = checkRecord(json, LineSchema, 'a Mattermost export line (no type)');
      if (!head.ok) {
        yield problem(head.reason);
        continue;
      }
      const record = head.value;
      const body = record[record.type];
      switch (record.type) {
        case 'user': {
          const u = checkRecord(body, UserSchema, 'a Mattermost user');
          if (!u.ok) {
            yield problem(u.reason);
            continue;
          }
          const full = [u.value.first_name, u.value.last_name].filter((s) => s && s.trim() !== '').join(' ');
          state.names.set(u.value.username, u.value.nickname?.trim() || full || u.value.username);
          for (const n of [u.value.username, u.value.nickname, full]) ctx.people?.add(n);
          break;
        }
        case 'bot': {
          const b = checkRecord(body, BotSchema, 'a Mattermost bot');
          if (b.ok) state.bots.add(b.value.username);
          break;
        }
        case 'channel': {
          const c = checkRecord(body, ChannelSchema, 'a Mattermost channel');
          if (c.ok)
            state.channels.set(`${c.value.team ?? ''}/${c.value.name}`, c.value.display_name ?? c.value.name);
          break;
        }
        case 'post': {
          const p = checkRecord(body, PostSchema, 'a Mattermost post');
          if (!p.ok) {
            yield problem(p.reason);
            continue;
          }
          const post = p.value;
          const key = `${post.team}/${post.channel}`;
          const conv: Conversation = {
            conversationId: key,
            conversationTitle: state.channels.get(key) ?? post.channel,
            workspace: post.team,
          };
          const rootId = uniqueId(
            state,
            stableId('mm-post', post.team, post.channel, post.user, post.create_at),
          );
          for (const e of thread(state, conv, rootId, post, position)) {
            if (e.kind === 'problem') firstProblem ??= `${e.position}: ${e.reason}`;
            yield e;
          }
          break;
        }
        case 'direct_post': {
          const p = checkRecord(body, DirectPostSchema, 'a Mattermost direct post');
          if (!p.ok) {
            yield problem(p.reason);
            continue;
          }
          const post = p.value;
          const members = [...new Set(post.channel_members)].sort();
          const conv: Conversation = {
            conversationId: stableId('mm-dm', ...members),
            conversationTitle: members.map((m) => state.names.get(m) ?? m).join(', '),
            workspace: null,
          };
          const rootId = uniqueId(state, stableId('mm-direct', ...members, '', post.user, post.create_at));
          for (const e of thread(state, conv, rootId, post, position)) {
            if (e.kind === 'problem') firstProblem ??= `${e.position}: ${e.reason}`;
            yield e;
          }
          break;
        }
        default:
          break; // version, team, direct_channel, scheme, role, emoji: nothing typed
      }
      good++;
    }
    if (good === 0) {
      throw new InputError(
        firstProblem ? `no readable Mattermost export line (${firstProblem})` : 'the export file is empty',
      );
    }
  },
};
