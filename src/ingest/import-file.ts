import { InputError } from '../errors.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runArtifactDir } from '../pipeline/run-dir.js';
import { messageId, type StoredMessage } from '../store/messages.js';
import { PartWriter, storeParts } from './parsed-parts.js';
import { PeopleDirectory } from '../redact/people.js';
import { redactText } from '../redact/redact.js';
import { stableId } from '../util/hash.js';
import { ADAPTERS, companionReason, detectAdapter, SNIFF_BYTES } from './registry.js';
import { openSource } from './sources.js';
import { describeRef } from './types.js';
import {
  DEFAULT_LIMITS,
  MessageRecordSchema,
  type MessageRecord,
  type ExportAdapter,
  type IngestOptions,
  type InputRef,
  type ParseContext,
  type SourceFile,
} from './types.js';

export interface ImportResult {
  file: string;
  format: string | null;
  /** `skipped`: found while walking a folder or archive but not a chat export (user.json, chat.html…). */
  status: 'imported' | 'skipped';
  skippedReason?: string;
  /** User messages read from the file. */
  messages: number;
  /** Records that could not be read; the rest of the file was imported. */
  problems: number;
  firstProblem?: string;
}

/** A file that could not be imported at all (its InputError), recorded in import_errors. */
export interface ImportFailure {
  file: string;
  status: 'failed';
  reason: string;
}

export interface ParsedGroup {
  files: (ImportResult | ImportFailure)[];
}

export interface GroupResult extends ParsedGroup {
  /** Messages of the whole group that were not stored before. */
  inserted: number;
}

const FORMATS = ADAPTERS.map((a) => a.format).join(', ');

/** JSON by content, or named as data: a binary or garbled `conversations.json` is an error, a photo is not. */
function looksLikeData(head: string, name: string): boolean {
  return /^\s*[[{]/.test(head) || /\.(json|jsonl|ndjson|csv)$/i.test(name);
}

/** Where a group's parsed parts go: the run's folder, by the group's files. */
export function groupDir(db: string, runId: string, refs: readonly InputRef[]): string {
  return join(runArtifactDir(db, runId), 'import', stableId('g', ...refs.map(describeRef)));
}

/**
 * Reads a group of files into Parquet parts under `dir` (src/ingest/parsed-parts.ts): what people
 * typed, redacted. A Slack export is thousands of small daily files: one group, one writer. A file that
 * cannot be imported (an InputError) is reported as failed and the others go on; on any other failure
 * what was read before it is written out (and stays storable) before the error is thrown. Touches no
 * database: any compute worker runs it.
 */
export async function parseGroup(
  dir: string,
  refs: readonly InputRef[],
  options: IngestOptions = {},
  onProgress?: (messages: number) => void,
): Promise<ParsedGroup> {
  return parseInto(await PartWriter.create(dir), refs, options, onProgress);
}

async function parseInto(
  writer: PartWriter,
  refs: readonly InputRef[],
  options: IngestOptions,
  onProgress?: (messages: number) => void,
): Promise<ParsedGroup> {
  const files: ParsedGroup['files'] = [];
  try {
    // One directory for the group: a Slack export's users.json names people in all its daily files.
    const people = await collectPeople(refs, options);
    for (const ref of refs) {
      try {
        files.push(await importInto(writer, ref, options, people, onProgress));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const file = describeRef(ref);
        const { reason } = await writer.problem(
          { file, position: err.position, reason: err.message },
          false,
          people,
        );
        files.push({ file, status: 'failed', reason });
      }
    }
  } catch (err) {
    await writer.close(false);
    throw err;
  }
  await writer.close(true);
  return { files };
}

/**
 * Parses a group and stores it, in this process, the writes overlapping the parsing. On a failure
 * what was read before it is stored.
 */
export async function importFiles(
  db: string,
  runId: string,
  refs: readonly InputRef[],
  options: IngestOptions = {},
  onProgress?: (messages: number) => void,
): Promise<GroupResult> {
  const dir = groupDir(db, runId, refs);
  const writer = await PartWriter.create(dir);
  const parsing = new AbortController();
  const storing = storeParts(db, runId, dir, { follow: { signal: parsing.signal } });
  storing.catch(() => undefined); // its failure surfaces where it is awaited
  let parsed: ParsedGroup;
  try {
    parsed = await parseInto(writer, refs, options, onProgress);
  } catch (err) {
    parsing.abort();
    await storing.catch(() => 0);
    throw err;
  }
  const inserted = await storing;
  await rm(dir, { recursive: true, force: true });
  return { files: parsed.files, inserted };
}

/** One file, imported on its own: an InputError when it cannot be imported at all. */
export async function importFile(
  db: string,
  runId: string,
  ref: InputRef,
  options: IngestOptions = {},
  onProgress?: (messages: number) => void,
): Promise<ImportResult & { inserted: number }> {
  const dir = groupDir(db, runId, [ref]);
  const writer = await PartWriter.create(dir);
  let result: ImportResult;
  try {
    result = await importInto(writer, ref, options, await collectPeople([ref], options), onProgress);
  } catch (err) {
    await writer.close(false);
    await storeParts(db, runId, dir);
    throw err;
  }
  await writer.close(true);
  const inserted = await storeParts(db, runId, dir);
  await rm(dir, { recursive: true, force: true });
  return { ...result, inserted };
}

/**
 * The people of exports that name them only as they speak (Discord, Teams), read before any message
 * is stored. A file that cannot be read is left to the import, which reports it.
 */
async function collectPeople(refs: readonly InputRef[], options: IngestOptions): Promise<PeopleDirectory> {
  const people = new PeopleDirectory();
  for (const ref of refs) {
    try {
      const source = openSource(ref);
      const head = (await source.head(SNIFF_BYTES)).toString('utf8').replace(/^\uFEFF/, '');
      const adapter = detectAdapter(head, options);
      if (!adapter?.namesInline) continue;
      for await (const event of adapter.parse(source, { limits: DEFAULT_LIMITS, options, people })) {
        if (event.kind === 'message') people.add(event.message.authorName);
      }
    } catch {
      // reported by the import itself
    }
  }
  return people;
}

/**
 * What is stored of a message: text and title redacted (secrets and personal data become typed
 * placeholders), the author a pseudonymous id, the display name and the raw text only when the
 * policy keeps them.
 */
function storable(
  m: MessageRecord,
  format: string,
  file: string,
  ctx: ParseContext,
  lastTitle: { raw: string | null; redacted: string | null },
): StoredMessage {
  const { people, options } = ctx;
  people?.add(m.authorName);
  const text = redactText(m.text, people);
  // Consecutive messages share their conversation's title: redacted once, not once per message.
  if (m.conversationTitle !== lastTitle.raw) {
    lastTitle.raw = m.conversationTitle;
    lastTitle.redacted = m.conversationTitle === null ? null : redactText(m.conversationTitle, people).text;
  }
  // Spelled out, not `{ ...m, … }`: V8 builds a spread that overrides keys as a dictionary-mode
  // object, about 9 µs a message here, more than parsing it, and every later read of it is slow too.
  return {
    id: messageId(format, m),
    sourceMessageId: m.sourceMessageId,
    conversationId: m.conversationId,
    conversationTitle: lastTitle.redacted,
    workspace: m.workspace,
    threadId: m.threadId,
    branch: m.branch,
    author: m.author === null ? null : stableId('a', m.author),
    authorName: options.keepAuthorNames ? m.authorName : null,
    role: m.role,
    text: text.text,
    createdAt: m.createdAt,
    rawText: options.keepRawText ? m.text : null,
    redactions: Object.keys(text.found).length > 0 ? text.found : null,
    sourceFormat: format,
    sourceFile: file,
  };
}

async function importInto(
  sink: PartWriter,
  ref: InputRef,
  options: IngestOptions,
  people: PeopleDirectory,
  onProgress?: (messages: number) => void,
): Promise<ImportResult> {
  const source = openSource(ref);
  const head = await source.head(SNIFF_BYTES);
  if (head.length === 0) throw new InputError('the file is empty');
  // A multi-byte character cut at the end of the head is harmless for sniffing.
  const headText = head.toString('utf8').replace(/^\uFEFF/, '');
  const adapter = detectAdapter(headText, options);
  if (!adapter) {
    const companion = companionReason(headText);
    // In a folder or archive, files that are not data (a README, images) are passed over; data that
    // pog cannot read (JSON of an unknown shape, a corrupt export) is reported.
    const skippedReason =
      companion ?? (ref.explicit || looksLikeData(headText, source.name) ? undefined : 'not a data file');
    if (skippedReason) {
      return { file: source.name, format: null, status: 'skipped', skippedReason, messages: 0, problems: 0 };
    }
    throw new InputError(`not a chat export pog recognises (formats: ${FORMATS})`);
  }
  const ctx: ParseContext = { limits: DEFAULT_LIMITS, options, people };
  const before = { read: sink.read, problems: sink.problemCount };
  const firstProblem = await readInto(sink, adapter, source, ctx, onProgress);
  return {
    file: source.name,
    format: adapter.format,
    status: 'imported',
    messages: sink.read - before.read,
    problems: sink.problemCount - before.problems,
    ...(firstProblem ? { firstProblem } : {}),
  };
}

/** Feeds one file's messages and problems to the sink; returns its first problem, if any. */
async function readInto(
  sink: PartWriter,
  adapter: ExportAdapter,
  source: SourceFile,
  ctx: ParseContext,
  onProgress?: (messages: number) => void,
): Promise<string | undefined> {
  let first: string | undefined;
  const lastTitle = { raw: null as string | null, redacted: null as string | null };
  const problem = async (position: string, reason: string): Promise<void> => {
    const recorded = await sink.problem({ file: source.name, position, reason }, true, ctx.people);
    first ??= `${recorded.position}: ${recorded.reason}`;
  };
  for await (const event of adapter.parse(source, ctx)) {
    if (event.kind === 'problem') {
      await problem(event.position, event.reason);
      continue;
    }
    if (event.message.text.length > ctx.limits.maxMessageChars) {
      await problem(
        `message ${event.message.sourceMessageId}`,
        `a message of ${event.message.text.length} characters, over the ${ctx.limits.maxMessageChars}-character limit; skipped`,
      );
      continue;
    }
    const checked = MessageRecordSchema.safeParse(event.message);
    if (!checked.success) {
      await problem(
        `message ${event.message.sourceMessageId}`,
        checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
      continue;
    }
    const writing = sink.add(storable(checked.data, adapter.format, source.name, ctx, lastTitle));
    if (writing) await writing;
    if (sink.read % 10_000 === 0) onProgress?.(sink.read);
  }
  return first;
}
