import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PogError } from '../errors.js';
import { CanonicalTemplateSchema } from '../normalize/canonical.js';
import { queryRows, textOrNull, withDb, withTransaction, isoUtcSql } from '../store/db.js';
import { checkDotprompt, promptPath, toDotprompt } from './dotprompt.js';
import { commitPaths, repoRoot, restorePaths } from './git.js';
import { PromotionRecordSchema, type PromotionRecord } from './record.js';

/*
 * Promotion, as plain functions the promotion workflow calls one step at a time: which items are
 * approved, their files written, checked and committed in one commit, then the items marked promoted.
 */

export interface PromotedFile {
  itemId: string;
  patternId: string;
  slug: string;
  path: string;
}

/** Approved items, oldest decision first. */
export async function approvedItemIds(db: string): Promise<string[]> {
  const rows = await withDb(db, 'read', (c) =>
    queryRows(c, `SELECT id FROM triage_items WHERE status = 'approved' ORDER BY decided_at, id`),
  );
  return rows.map((r) => String(r.id));
}

/**
 * What promotion writes for each item: its canonical template and its review. Items already promoted
 * (the exporters read those too, with `accept`) keep the time they were promoted.
 */
export async function promotionRecords(
  db: string,
  itemIds: readonly string[],
  promotedAt: string,
  accept: readonly string[] = ['approved'],
): Promise<PromotionRecord[]> {
  return withDb(db, 'read', async (conn) => {
    const records: PromotionRecord[] = [];
    for (const id of itemIds) {
      const [row] = await queryRows(
        conn,
        `SELECT t.id, t.status, t.decided_by, ${isoUtcSql('t.decided_at')} AS decided_at,
                ${isoUtcSql('t.promoted_at')} AS promoted_at,
                p.canonical::VARCHAR AS canonical
         FROM triage_items t JOIN patterns p ON p.id = t.pattern_id WHERE t.id = $1`,
        [id],
      );
      if (!row) throw new PogError('NOT_FOUND', `No triage item ${id}.`);
      const canonical = textOrNull(row.canonical);
      const approvedBy = textOrNull(row.decided_by);
      const approvedAt = textOrNull(row.decided_at);
      if (
        !accept.includes(String(row.status)) ||
        canonical === null ||
        approvedBy === null ||
        approvedAt === null
      )
        throw new PogError(
          'NOT_APPROVED',
          `${id} is ${String(row.status)}, not an approved template; nothing promoted.`,
        );
      const actors = await queryRows(
        conn,
        `SELECT reviewer FROM triage_audit WHERE item_id = $1 AND outcome = 'ok' GROUP BY reviewer ORDER BY min(seq)`,
        [id],
      );
      const reviewers = actors.map((a) => String(a.reviewer));
      if (!reviewers.includes(approvedBy)) reviewers.push(approvedBy);
      const notes = await queryRows(
        conn,
        `SELECT note FROM triage_notes WHERE item_id = $1 ORDER BY created_at, note`,
        [id],
      );
      records.push(
        PromotionRecordSchema.parse({
          template: CanonicalTemplateSchema.parse(JSON.parse(canonical)),
          review: {
            triageItemId: id,
            reviewers,
            approvedBy,
            approvedAt,
            notes: notes.map((n) => String(n.note)),
          },
          promotedAt: textOrNull(row.promoted_at) ?? promotedAt,
        }),
      );
    }
    return records;
  });
}

function commitMessage(promotionId: string, records: readonly PromotionRecord[]): string {
  const reviewers = [...new Set(records.flatMap((r) => r.review.reviewers))].sort();
  const lines = [
    `Promote ${records.length} prompt template${records.length === 1 ? '' : 's'}`,
    '',
    ...records.map(
      (r) =>
        `- ${promptPath(r.template)} v${r.template.version}: pattern ${r.template.patternId}, ` +
        `approved by ${r.review.approvedBy} (reviewers: ${r.review.reviewers.join(', ')})`,
    ),
    '',
    `Reviewers: ${reviewers.join(', ')}`,
    `Pattern-Ids: ${records.map((r) => r.template.patternId).join(', ')}`,
    `Pog-Promotion: ${promotionId}`,
  ];
  return lines.join('\n');
}

/**
 * Writes each approved item's Dotprompt file into the library, checks every file as written with the
 * Dotprompt parser, and commits them all in one commit naming the reviewers and patterns. If anything
 * fails, the files are put back as they were: the library never keeps uncommitted files of pog's.
 * Retried after its commit was made, it finds that commit (by the promotion id in its message).
 */
export async function writeAndCommit(
  db: string,
  repo: string,
  itemIds: readonly string[],
  promotionId: string,
  promotedAt: string,
): Promise<{ commit: string; files: PromotedFile[] }> {
  const root = await repoRoot(repo);
  const records = await promotionRecords(db, itemIds, promotedAt);
  const files = records.map((r) => ({
    itemId: r.review.triageItemId,
    patternId: r.template.patternId,
    slug: r.template.id,
    path: promptPath(r.template),
  }));
  const taken = new Map<string, string>();
  for (const f of files) {
    const other = taken.get(f.path);
    if (other)
      throw new PogError(
        'PROMOTE_CLASH',
        `${f.itemId} and ${other} would both be ${f.path}; merge them first.`,
      );
    taken.set(f.path, f.itemId);
  }
  const paths = files.map((f) => f.path);
  try {
    records.forEach((r, i) => {
      const file = join(root, paths[i]!);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, toDotprompt(r));
      checkDotprompt(readFileSync(file, 'utf8'), r.template);
    });
    const commit = await commitPaths(
      root,
      paths,
      commitMessage(promotionId, records),
      `Pog-Promotion: ${promotionId}`,
    );
    return { commit, files };
  } catch (err) {
    await restorePaths(root, paths);
    throw err;
  }
}

/** Marks the items promoted by `commit`, each with an audit entry; items no longer approved are left alone. */
export async function markPromoted(
  db: string,
  itemIds: readonly string[],
  commit: string,
  promoter: string,
  promotedAt: string,
): Promise<number> {
  return withTransaction(db, async (conn) => {
    let marked = 0;
    for (const id of itemIds) {
      const [before] = await queryRows(
        conn,
        `SELECT pattern_id, status, revision FROM triage_items WHERE id = $1`,
        [id],
      );
      if (!before || before.status !== 'approved') continue;
      await conn.run(
        `UPDATE triage_items SET status = 'promoted', revision = revision + 1, promoted_at = $2::TIMESTAMPTZ,
           promoted_commit = $3, updated_at = $2::TIMESTAMPTZ WHERE id = $1`,
        [id, promotedAt, commit],
      );
      await conn.run(
        `INSERT INTO triage_audit (occurred_at, item_id, pattern_id, reviewer, action, outcome, message, before, after)
         VALUES ($1::TIMESTAMPTZ, $2, $3, $4, 'promote', 'ok', $5, $6::JSON, $7::JSON)`,
        [
          promotedAt,
          id,
          String(before.pattern_id),
          promoter,
          `commit ${commit}`,
          JSON.stringify({ status: 'approved', revision: Number(before.revision) }),
          JSON.stringify({ status: 'promoted', revision: Number(before.revision) + 1, commit }),
        ],
      );
      marked++;
    }
    return marked;
  });
}
