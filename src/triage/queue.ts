import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { PogError } from '../errors.js';
import { CanonicalTemplateSchema, type CanonicalTemplate } from '../normalize/canonical.js';
import { matchTemplate } from '../normalize/template-text.js';
import { queryRows, textOrNull, withDb, withTransaction, isoUtcSql } from '../store/db.js';
import { editedCanonical } from './edit.js';
import { TriageConflictError } from './errors.js';
import {
  FINAL_STATUSES,
  OPEN_STATUSES,
  TriageActionSchema,
  TriageStatusSchema,
  claims,
  decides,
  nextStatus,
  type TriageAction,
  type TriageStatus,
} from './states.js';

/*
 * The reviewers' queue. Every write is one transaction that reads the item, checks the rules, changes
 * it and appends to triage_audit, so that two reviewers acting at once are serialised (by the write
 * queue inside a process, by DuckDB's file lock between processes) and the second sees what the first
 * did: exactly one wins, the other gets a TriageConflictError, and both attempts are in the log.
 * triage_audit is append-only: nothing in pog updates or deletes its rows.
 */

const iso = isoUtcSql;

export const TriageItemSchema = z.object({
  id: z.string(),
  patternId: z.string(),
  status: TriageStatusSchema,
  revision: z.number().int(),
  claimedBy: z.string().nullable(),
  claimExpiresAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  mergedInto: z.string().nullable(),
  promotedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  slug: z.string().nullable(),
  title: z.string().nullable(),
  phase: z.string().nullable(),
  template: z.string(),
  version: z.number().int().nullable(),
  size: z.number().int(),
  occurrences: z.number().int(),
  distinctAuthors: z.number().int(),
  conversations: z.number().int(),
});
export type TriageItem = z.infer<typeof TriageItemSchema>;

const ITEM_SQL = `SELECT t.id, t.pattern_id, t.status, t.revision, t.claimed_by, ${iso('t.claim_expires_at')} AS claim_expires_at,
         t.decided_by, ${iso('t.decided_at')} AS decided_at, t.merged_into, ${iso('t.promoted_at')} AS promoted_at,
         ${iso('t.created_at')} AS created_at, ${iso('t.updated_at')} AS updated_at,
         p.slug, p.title, p.phase, p.template, p.version, p.size,
         coalesce(s.occurrences, 0) AS occurrences, coalesce(s.distinct_authors, 0) AS distinct_authors,
         coalesce(s.distinct_conversations, 0) AS conversations
  FROM triage_items t JOIN patterns p ON p.id = t.pattern_id LEFT JOIN pattern_stats s ON s.id = p.id`;

function itemFrom(r: Record<string, unknown>): TriageItem {
  const int = (v: unknown): number => Number(v ?? 0);
  return TriageItemSchema.parse({
    id: String(r.id),
    patternId: String(r.pattern_id),
    status: r.status,
    revision: int(r.revision),
    claimedBy: textOrNull(r.claimed_by),
    claimExpiresAt: textOrNull(r.claim_expires_at),
    decidedBy: textOrNull(r.decided_by),
    decidedAt: textOrNull(r.decided_at),
    mergedInto: textOrNull(r.merged_into),
    promotedAt: textOrNull(r.promoted_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    slug: textOrNull(r.slug),
    title: textOrNull(r.title),
    phase: textOrNull(r.phase),
    template: String(r.template),
    version: r.version === null || r.version === undefined ? null : int(r.version),
    size: int(r.size),
    occurrences: int(r.occurrences),
    distinctAuthors: int(r.distinct_authors),
    conversations: int(r.conversations),
  });
}

export interface ListFilter {
  /** `open` (new, in review, deferred: the default), `all`, or these statuses. */
  status?: 'open' | 'all' | readonly TriageStatus[];
  limit?: number;
}

/** The queue, most used patterns first. */
export async function listItems(db: string, filter: ListFilter = {}): Promise<TriageItem[]> {
  const status = filter.status ?? 'open';
  const statuses = status === 'all' ? null : status === 'open' ? OPEN_STATUSES : status;
  const rows = await withDb(db, 'read', (conn) =>
    queryRows(
      conn,
      `${ITEM_SQL} ${statuses ? `WHERE list_contains(from_json($1, '["VARCHAR"]'), t.status)` : ''}
       ORDER BY occurrences DESC, t.id LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100_000))}`,
      statuses ? [JSON.stringify(statuses)] : [],
    ),
  );
  return rows.map(itemFrom);
}

/** An item id as typed: the whole id, or a prefix of it that only one item has. */
async function resolveId(conn: DuckDBConnection, typed: string): Promise<string> {
  const id = typed.trim();
  const rows = await queryRows(
    conn,
    `SELECT id FROM triage_items WHERE id = $1 OR (length($1) >= 6 AND starts_with(id, $1)) ORDER BY id LIMIT 3`,
    [id],
  );
  const exact = rows.find((r) => r.id === id);
  if (exact) return id;
  if (rows.length === 1) return String(rows[0]!.id);
  if (rows.length > 1)
    throw new PogError('AMBIGUOUS_ID', `"${id}" starts more than one item id; give more of it.`);
  throw new PogError('NOT_FOUND', `No triage item "${id}". \`pog triage list --status all\` shows them.`);
}

async function loadItem(conn: DuckDBConnection, id: string): Promise<TriageItem> {
  const rows = await queryRows(conn, `${ITEM_SQL} WHERE t.id = $1`, [id]);
  if (rows.length === 0) throw new PogError('NOT_FOUND', `No triage item "${id}".`);
  return itemFrom(rows[0]!);
}

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  itemId: z.string(),
  reviewer: z.string(),
  action: z.string(),
  outcome: z.enum(['ok', 'conflict']),
  message: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const TriageDetailSchema = z.object({
  item: TriageItemSchema,
  canonical: CanonicalTemplateSchema.nullable(),
  members: z.array(
    z.object({
      candidateId: z.string(),
      text: z.string(),
      similarity: z.number().nullable(),
      /** The slot values the template reads in this member; null when the template does not cover it. */
      slots: z.record(z.string(), z.string()).nullable(),
    }),
  ),
  notes: z.array(z.object({ reviewer: z.string(), note: z.string(), at: z.string() })),
  versions: z.array(
    z.object({ version: z.number().int(), template: z.string(), author: z.string(), at: z.string() }),
  ),
  audit: z.array(AuditEntrySchema),
});
export type TriageDetail = z.infer<typeof TriageDetailSchema>;

const parseJson = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : (v ?? null));

/** One item with what a reviewer needs to decide: members, slot values, notes, versions, history. */
export async function showItem(db: string, typedId: string, memberLimit = 50): Promise<TriageDetail> {
  return withDb(db, 'read', async (conn) => {
    const item = await loadItem(conn, await resolveId(conn, typedId));
    const [pattern] = await queryRows(
      conn,
      `SELECT canonical::VARCHAR AS canonical FROM patterns WHERE id = $1`,
      [item.patternId],
    );
    const stored = textOrNull(pattern?.canonical);
    const canonical = stored === null ? null : CanonicalTemplateSchema.safeParse(JSON.parse(stored));
    const members = await queryRows(
      conn,
      `SELECT id, coalesce(instruction, text) AS text, similarity FROM candidates
       WHERE pattern_id = $1 ORDER BY similarity DESC NULLS LAST, id LIMIT ${Math.max(1, memberLimit)}`,
      [item.patternId],
    );
    const notes = await queryRows(
      conn,
      `SELECT reviewer, note, ${iso('created_at')} AS at FROM triage_notes WHERE item_id = $1 ORDER BY created_at, note`,
      [item.id],
    );
    const versions = await queryRows(
      conn,
      `SELECT version, template, author, ${iso('created_at')} AS at FROM template_versions
       WHERE pattern_id = $1 ORDER BY version, created_at`,
      [item.patternId],
    );
    const audit = await auditLog(conn, item.id);
    return TriageDetailSchema.parse({
      item,
      canonical: canonical?.success ? canonical.data : null,
      members: members.map((m) => ({
        candidateId: String(m.id),
        text: String(m.text),
        similarity: m.similarity === null ? null : Number(m.similarity),
        slots: matchTemplate(item.template, String(m.text)),
      })),
      notes: notes.map((n) => ({ reviewer: String(n.reviewer), note: String(n.note), at: String(n.at) })),
      versions: versions.map((v) => ({
        version: Number(v.version),
        template: String(v.template),
        author: String(v.author),
        at: String(v.at),
      })),
      audit,
    });
  });
}

async function auditLog(conn: DuckDBConnection, itemId?: string): Promise<AuditEntry[]> {
  const rows = await queryRows(
    conn,
    `SELECT seq, ${iso('occurred_at')} AS at, item_id, reviewer, action, outcome, message, before::VARCHAR AS before,
            after::VARCHAR AS after
     FROM triage_audit ${itemId === undefined ? '' : 'WHERE item_id = $1'} ORDER BY seq`,
    itemId === undefined ? [] : [itemId],
  );
  return rows.map((r) =>
    AuditEntrySchema.parse({
      seq: Number(r.seq),
      at: String(r.at),
      itemId: String(r.item_id),
      reviewer: String(r.reviewer),
      action: String(r.action),
      outcome: r.outcome,
      message: textOrNull(r.message),
      before: parseJson(r.before),
      after: parseJson(r.after),
    }),
  );
}

/** The whole audit log, oldest first. */
export async function readAuditLog(db: string): Promise<AuditEntry[]> {
  return withDb(db, 'read', (conn) => auditLog(conn));
}

export interface ActRequest {
  itemId: string;
  action: TriageAction;
  reviewer: string;
  /** A note to record with the action (the whole point of `note`). */
  note?: string;
  /** `edit`: the new template text. */
  template?: string;
  /** `merge`: the item whose pattern absorbs this one. */
  into?: string;
  /** Refuse (as a conflict) when the item's revision is no longer this: what the reviewer saw changed. */
  expectRevision?: number;
  /** How long a claim holds. */
  claimMinutes: number;
  /** For tests; the clock otherwise. */
  now?: Date;
}

export const ActResultSchema = z.object({
  action: TriageActionSchema,
  item: TriageItemSchema,
  /** merge: the item that absorbed this one, as it is now. */
  into: TriageItemSchema.optional(),
});
export type ActResult = z.infer<typeof ActResultSchema>;

/** The state of an item the audit log keeps before and after each action. */
function snapshot(item: TriageItem, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: item.status,
    revision: item.revision,
    claimedBy: item.claimedBy,
    claimExpiresAt: item.claimExpiresAt,
    decidedBy: item.decidedBy,
    mergedInto: item.mergedInto,
    template: item.template,
    version: item.version,
    ...extra,
  };
}

async function appendAudit(
  conn: DuckDBConnection,
  entry: {
    at: string;
    item: TriageItem;
    reviewer: string;
    action: string;
    outcome: 'ok' | 'conflict';
    message: string | null;
    before: unknown;
    after: unknown;
  },
): Promise<void> {
  await conn.run(
    `INSERT INTO triage_audit (occurred_at, item_id, pattern_id, reviewer, action, outcome, message, before, after)
     VALUES ($1::TIMESTAMPTZ, $2, $3, $4, $5, $6, $7, $8::JSON, $9::JSON)`,
    [
      entry.at,
      entry.item.id,
      entry.item.patternId,
      entry.reviewer,
      entry.action,
      entry.outcome,
      entry.message,
      JSON.stringify(entry.before),
      entry.after === null ? null : JSON.stringify(entry.after),
    ],
  );
}

/** Why `reviewer` may not do `action` to `item` now, or null when they may. */
function conflictOf(
  item: TriageItem,
  action: TriageAction,
  reviewer: string,
  req: ActRequest,
  now: Date,
): string | null {
  const by = item.decidedBy ? ` by ${item.decidedBy}${item.decidedAt ? ` at ${item.decidedAt}` : ''}` : '';
  if (nextStatus(action, item.status) === null) {
    if (action === 'release') return `${item.id} is not claimed (it is ${item.status}); nothing changed.`;
    return `${item.id} was already ${item.status.replace('_', ' ')}${by}; nothing changed.`;
  }
  const claimedByOther =
    item.claimedBy !== null &&
    item.claimedBy !== reviewer &&
    item.claimExpiresAt !== null &&
    Date.parse(item.claimExpiresAt) > now.getTime();
  if (claimedByOther && action !== 'note')
    return `${item.id} is claimed by ${item.claimedBy} until ${item.claimExpiresAt}; ask them, or wait for the claim to expire. Nothing changed.`;
  if (req.expectRevision !== undefined && req.expectRevision !== item.revision)
    return `${item.id} changed since you loaded it (revision ${req.expectRevision}, now ${item.revision}: ${item.status}${by}); reload it. Nothing changed.`;
  return null;
}

/**
 * Does one reviewer action, or refuses it with a TriageConflictError when the item is no longer in a
 * state that allows it (someone decided first, holds the claim, or changed what the reviewer saw).
 * Successful and refused attempts alike are appended to the audit log.
 */
export async function act(db: string, req: ActRequest): Promise<ActResult> {
  const action = TriageActionSchema.parse(req.action);
  if (action === 'note' && !req.note?.trim())
    throw new PogError('USAGE', 'A note needs its text: --note "…".');
  if (action === 'edit' && req.template === undefined)
    throw new PogError('USAGE', 'An edit needs the new template: --template "…".');
  if (action === 'merge' && !req.into)
    throw new PogError('USAGE', 'A merge needs the item to merge into: --into ITEM.');
  const now = req.now ?? new Date();
  const at = now.toISOString();
  const outcome = await withTransaction(db, async (conn) => {
    const item = await loadItem(conn, await resolveId(conn, req.itemId));
    const into = action === 'merge' ? await loadItem(conn, await resolveId(conn, req.into!)) : undefined;
    let conflict = conflictOf(item, action, req.reviewer, req, now);
    if (!conflict && into) {
      if (into.id === item.id) conflict = `${item.id} cannot be merged into itself; nothing changed.`;
      else if (FINAL_STATUSES.includes(into.status))
        conflict = `${into.id} is ${into.status}: merge into an item still in the queue. Nothing changed.`;
      else if (
        into.claimedBy !== null &&
        into.claimedBy !== req.reviewer &&
        into.claimExpiresAt !== null &&
        Date.parse(into.claimExpiresAt) > now.getTime()
      )
        conflict = `${into.id} is claimed by ${into.claimedBy} until ${into.claimExpiresAt}; nothing changed.`;
    }
    if (conflict) {
      await appendAudit(conn, {
        at,
        item,
        reviewer: req.reviewer,
        action,
        outcome: 'conflict',
        message: conflict,
        before: snapshot(item),
        after: null,
      });
      return { conflict };
    }

    const note = req.note?.trim();
    if (note)
      await conn.run(`INSERT INTO triage_notes VALUES ($1, $2, $3, $4::TIMESTAMPTZ)`, [
        item.id,
        req.reviewer,
        note,
        at,
      ]);
    if (action === 'edit') await applyEdit(conn, item, req.template!, req.reviewer, at);
    if (into) await applyMerge(conn, item, into, req.reviewer, at);
    if (action !== 'note') {
      const status = nextStatus(action, item.status)!;
      const claim = claims(action);
      await conn.run(
        `UPDATE triage_items SET status = $2, revision = revision + 1,
           claimed_by = $3, claim_expires_at = $4::TIMESTAMPTZ,
           decided_by = CASE WHEN $5 THEN $6 ELSE decided_by END,
           decided_at = CASE WHEN $5 THEN $7::TIMESTAMPTZ ELSE decided_at END,
           merged_into = $8, updated_at = $7::TIMESTAMPTZ
         WHERE id = $1`,
        [
          item.id,
          status,
          claim ? req.reviewer : null,
          claim ? new Date(now.getTime() + req.claimMinutes * 60_000).toISOString() : null,
          decides(action),
          req.reviewer,
          at,
          into ? into.id : null,
        ],
      );
    }
    const after = await loadItem(conn, item.id);
    await appendAudit(conn, {
      at,
      item,
      reviewer: req.reviewer,
      action,
      outcome: 'ok',
      message: note ?? (into ? `merged into ${into.id}` : null),
      before: snapshot(item),
      after: snapshot(after, note ? { note } : {}),
    });
    const intoAfter = into ? await loadItem(conn, into.id) : undefined;
    return {
      result: ActResultSchema.parse({ action, item: after, ...(intoAfter ? { into: intoAfter } : {}) }),
    };
  });
  if (outcome.conflict !== undefined) throw new TriageConflictError(outcome.conflict);
  return outcome.result;
}

async function storedCanonical(conn: DuckDBConnection, patternId: string): Promise<CanonicalTemplate> {
  const [row] = await queryRows(conn, `SELECT canonical::VARCHAR AS canonical FROM patterns WHERE id = $1`, [
    patternId,
  ]);
  const stored = textOrNull(row?.canonical);
  const parsed = stored === null ? null : CanonicalTemplateSchema.safeParse(JSON.parse(stored));
  if (!parsed?.success)
    throw new PogError(
      'NOT_NORMALIZED',
      `Pattern ${patternId} has no canonical template yet; run \`pog discover\` again to normalise it.`,
    );
  return parsed.data;
}

/** A new template version, with the one it replaces recorded first if the history is empty. */
async function applyEdit(
  conn: DuckDBConnection,
  item: TriageItem,
  template: string,
  reviewer: string,
  at: string,
): Promise<void> {
  const current = await storedCanonical(conn, item.patternId);
  const edited = editedCanonical(current, template);
  const [{ n }] = (await queryRows(
    conn,
    `SELECT count(*) AS n FROM template_versions WHERE pattern_id = $1`,
    [item.patternId],
  )) as [{ n: number }];
  if (Number(n) === 0)
    await conn.run(`INSERT INTO template_versions VALUES ($1, $2, $3, $4::JSON, $5, $6::TIMESTAMPTZ)`, [
      item.patternId,
      current.version,
      current.template,
      JSON.stringify(current),
      current.method,
      item.createdAt,
    ]);
  await conn.run(`INSERT INTO template_versions VALUES ($1, $2, $3, $4::JSON, $5, $6::TIMESTAMPTZ)`, [
    item.patternId,
    edited.version,
    edited.template,
    JSON.stringify(edited),
    reviewer,
    at,
  ]);
  await conn.run(
    `UPDATE patterns SET template = $2, canonical = $3::JSON, slots = $4::JSON, version = $5, edited_by = $6,
       updated_at = $7::TIMESTAMPTZ WHERE id = $1`,
    [
      item.patternId,
      edited.template,
      JSON.stringify(edited),
      JSON.stringify(edited.variables),
      edited.version,
      reviewer,
      at,
    ],
  );
}

/** The members of `item`'s pattern move to `into`'s; the absorbing item's history says so too. */
async function applyMerge(
  conn: DuckDBConnection,
  item: TriageItem,
  into: TriageItem,
  reviewer: string,
  at: string,
): Promise<void> {
  await conn.run(`UPDATE candidates SET pattern_id = $2 WHERE pattern_id = $1`, [
    item.patternId,
    into.patternId,
  ]);
  await conn.run(
    `UPDATE patterns SET size = (SELECT count(*) FROM candidates WHERE pattern_id = $1), updated_at = $2::TIMESTAMPTZ
     WHERE id = $1`,
    [into.patternId, at],
  );
  await conn.run(`UPDATE patterns SET size = 0, updated_at = $2::TIMESTAMPTZ WHERE id = $1`, [
    item.patternId,
    at,
  ]);
  await conn.run(
    `UPDATE triage_items SET revision = revision + 1, updated_at = $2::TIMESTAMPTZ WHERE id = $1`,
    [into.id, at],
  );
  const after = await loadItem(conn, into.id);
  await appendAudit(conn, {
    at,
    item: into,
    reviewer,
    action: 'absorb',
    outcome: 'ok',
    message: `absorbed ${item.id} (${item.size} members)`,
    before: snapshot(into),
    after: snapshot(after),
  });
}
