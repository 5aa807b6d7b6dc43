import { z } from 'zod';
import type { PeopleDirectory } from '../redact/people.js';

/** One message as every adapter emits it, whatever the export format. */
export const MessageRecordSchema = z.object({
  /**
   * The message's id within its conversation: the source's own id, or where the source has none a
   * position that is stable across re-exports. The stored id derives from format, conversation and this.
   */
  sourceMessageId: z.string().min(1),
  /** The conversation; for chat platforms (Slack, Discord, Teams…) the channel or chat. */
  conversationId: z.string().min(1),
  /** The conversation's title, or the channel's name. */
  conversationTitle: z.string().nullable(),
  /** The workspace, team, guild or (for IDE assistants) project the conversation belongs to. */
  workspace: z.string().nullable().default(null),
  /** The thread inside a channel (Slack `thread_ts`, a Teams reply chain…), when there is one. */
  threadId: z.string().nullable().default(null),
  /**
   * For tree-shaped chats (ChatGPT, Claude.ai): the source id of the parent message. Messages sharing
   * a parent are alternative branches: an edited prompt, a regenerated answer.
   */
  branch: z.string().nullable().default(null),
  /** A pseudonymous author id (a hash, or the source's opaque user id); never a display name. */
  author: z.string().nullable(),
  /** The author's display name, kept apart from the id. */
  authorName: z.string().nullable().default(null),
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  text: z.string().min(1),
  /** UTC, ISO 8601. */
  createdAt: z.iso.datetime().nullable(),
});
/** What adapters produce (optional fields may be left out). */
export type MessageInput = z.input<typeof MessageRecordSchema>;
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

/** A file to import: a plain file or an entry of an archive. */
export interface SourceFile {
  /** What users see in reports: `/abs/export.zip!conversations.json` for archive entries. */
  readonly name: string;
  /** The path inside the folder or archive the user named, `/`-separated (`general/2016-01-01.json`). */
  readonly relativePath: string;
  /** The first bytes, for sniffing the format. */
  head(bytes: number): Promise<Buffer>;
  /** The whole content as a stream of chunks: parsers of large files read this. */
  open(): AsyncIterable<Buffer>;
  /** The whole content at once, for formats that cannot be streamed; refused past `maxBytes`. */
  readAll(maxBytes?: number): Promise<Buffer>;
  /**
   * Another file of the same export, relative to this file's folder (`../users.json`), or null when
   * there is none. Never reaches outside the folder or archive the user named.
   */
  sibling(relativePath: string): Promise<Buffer | null>;
}

/** Bounds that keep hostile input from exhausting memory or the stack. */
export interface IngestLimits {
  /** A message longer than this is reported and skipped. */
  maxMessageChars: number;
  /** A JSON element (a conversation, a line) larger than this is reported and skipped. */
  maxElementBytes: number;
  /** JSON nested deeper than this is reported and skipped. */
  maxDepth: number;
  /** For formats read whole (Markdown, CSV headers…). */
  maxReadAllBytes: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxMessageChars: 1_000_000,
  maxElementBytes: 256 * 1024 * 1024,
  maxDepth: 512,
  maxReadAllBytes: 512 * 1024 * 1024,
};

/** Per-run options for adapters that need a hint the content cannot give. */
export const IngestOptionsSchema = z.object({
  /** CSV exports: which column holds what (`text=message,author=user,time=ts`). */
  csvColumns: z.record(z.string(), z.string()).optional(),
  /** Also store each message's text as written, before redaction (off by default: see the README). */
  keepRawText: z.boolean().optional(),
  /** Store authors' display names (off by default: authors are pseudonymous ids). */
  keepAuthorNames: z.boolean().optional(),
});
export type IngestOptions = z.infer<typeof IngestOptionsSchema>;

export interface ParseContext {
  limits: IngestLimits;
  options: IngestOptions;
  /**
   * Names of the export's people (user lists, mentions), for redaction: adapters add the names they
   * learn before the messages that may mention them. Authors' own names are added for them.
   */
  people?: PeopleDirectory;
}

export type ParseEvent =
  | { kind: 'message'; message: MessageInput }
  /** Part of the file could not be read (a bad line, a malformed conversation); the rest still imports. */
  | { kind: 'problem'; position: string; reason: string };

export interface ExportAdapter {
  /** Stored in `messages.source_format`. */
  readonly format: string;
  /**
   * Whether this adapter reads the file, from its first bytes (content, never the file name). Options
   * matter only where content alone is ambiguous (a CSV file is read only with a column mapping).
   */
  detect(head: string, options?: IngestOptions): boolean;
  /**
   * Files that come with this format's exports but hold no prompts (ChatGPT's user.json, Slack's
   * channels.json…): the reason to pass over them, or undefined. Checked on files no adapter reads.
   */
  companion?(head: string): string | undefined;
  /**
   * The export names its people only as they speak (no user list up front): the file is read once
   * more beforehand, for names, so that a mention before someone's first message is still redacted.
   */
  namesInline?: boolean;
  parse(file: SourceFile, ctx: ParseContext): AsyncIterable<ParseEvent>;
}

/** A reference to one importable file that can travel through a workflow payload. */
export const InputRefSchema = z.object({
  path: z.string(),
  /** The entry inside the archive at `path`, if any. */
  entry: z.string().optional(),
  /** The folder the user named and this file was found in; siblings are looked up inside it only. */
  root: z.string().optional(),
  /** Named by the user (not found by walking a folder or an archive): an unrecognised file is an error. */
  explicit: z.boolean().default(false),
  /** Bytes (inflated, for archive entries), to group small files into one import. */
  size: z.number().int().nonnegative().optional(),
});
export type InputRef = z.input<typeof InputRefSchema>;

export function describeRef(ref: InputRef): string {
  return ref.entry === undefined ? ref.path : `${ref.path}!${ref.entry}`;
}
