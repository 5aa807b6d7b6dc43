import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { queryRows, withDb } from '../../../src/store/db.js';
import { TriageConflictError } from '../../../src/triage/errors.js';
import { act, listItems, readAuditLog, showItem, type ActRequest } from '../../../src/triage/queue.js';
import { resolveReviewer } from '../../../src/triage/reviewer.js';
import { tempDir } from '../../helpers/paths.js';
import { REVIEW, SUMMARISE, itemOf, seedQueue } from '../../helpers/triage-db.js';

let db: string;
let review: string;
let summarise: string;
beforeEach(async () => {
  db = join(tempDir(), 'pog.duckdb');
  await seedQueue(db, { p_review: REVIEW, p_summarise: SUMMARISE });
  review = await itemOf(db, 'p_review');
  summarise = await itemOf(db, 'p_summarise');
});

const base = { claimMinutes: 30 } as const;
const doAct = (req: Omit<ActRequest, 'claimMinutes'>): ReturnType<typeof act> => act(db, { ...base, ...req });

describe('the triage queue', () => {
  it('lists open items, most used first, with their canonical template', async () => {
    const items = await listItems(db);
    expect(items.map((i) => i.patternId)).toEqual(['p_review', 'p_summarise']);
    expect(items[0]).toMatchObject({ status: 'new', revision: 0, occurrences: 4, distinctAuthors: 4 });
    expect(items[0]!.template).toMatch(
      /^Review the following \{\{\w+\}\} code for \{\{\w+\}\} issues: \{\{\w+\}\}$/,
    );
    const detail = await showItem(db, review.slice(0, 8)); // a unique prefix is enough
    expect(detail.members).toHaveLength(4);
    expect(Object.values(detail.members[0]!.slots ?? {})).toContain('Python');
  });

  it('a claim keeps other reviewers off until it expires; a decision releases it', async () => {
    const t0 = new Date('2026-12-03T10:00:00Z');
    const claimed = await doAct({ itemId: review, action: 'claim', reviewer: 'alice', now: t0 });
    expect(claimed.item).toMatchObject({ status: 'in_review', claimedBy: 'alice', revision: 1 });
    await expect(doAct({ itemId: review, action: 'approve', reviewer: 'bob', now: t0 })).rejects.toThrow(
      /claimed by alice until 2026-12-03T10:30:00Z/,
    );
    // Past the claim, bob may act.
    const later = new Date('2026-12-03T10:31:00Z');
    const rejected = await doAct({
      itemId: review,
      action: 'reject',
      reviewer: 'bob',
      now: later,
      note: 'too vague',
    });
    expect(rejected.item).toMatchObject({
      status: 'rejected',
      claimedBy: null,
      decidedBy: 'bob',
      revision: 2,
    });
    await expect(doAct({ itemId: review, action: 'approve', reviewer: 'alice' })).rejects.toThrow(
      /already rejected by bob at 2026-12-03T10:31:00Z/,
    );
    const audit = (await readAuditLog(db)).filter((a) => a.itemId === review);
    expect(audit.map((a) => [a.reviewer, a.action, a.outcome])).toEqual([
      ['alice', 'claim', 'ok'],
      ['bob', 'approve', 'conflict'],
      ['bob', 'reject', 'ok'],
      ['alice', 'approve', 'conflict'],
    ]);
    expect(audit[2]!.before).toMatchObject({ status: 'in_review', claimedBy: 'alice' });
    expect(audit[2]!.after).toMatchObject({ status: 'rejected', note: 'too vague' });
    expect((await showItem(db, review)).notes).toMatchObject([{ reviewer: 'bob', note: 'too vague' }]);
  });

  it('two reviewers deciding at once: exactly one wins, the other gets a conflict, both are logged', async () => {
    const outcomes = await Promise.allSettled([
      doAct({ itemId: summarise, action: 'approve', reviewer: 'alice' }),
      doAct({ itemId: summarise, action: 'reject', reviewer: 'bob' }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(TriageConflictError);
    expect((lost[0]!.reason as Error).message).toMatch(/already (approved by alice|rejected by bob)/);
    const audit = (await readAuditLog(db)).filter((a) => a.itemId === summarise);
    expect(audit.map((a) => a.outcome).sort()).toEqual(['conflict', 'ok']);
    expect(audit.map((a) => a.reviewer).sort()).toEqual(['alice', 'bob']);
  });

  it('a stale revision is a conflict: the reviewer decided on something that has changed', async () => {
    await doAct({ itemId: review, action: 'note', reviewer: 'alice', note: 'looks useful' });
    await doAct({
      itemId: review,
      action: 'edit',
      reviewer: 'alice',
      template: 'Review this {{language}} code: {{code}}',
    });
    await expect(
      doAct({ itemId: review, action: 'approve', reviewer: 'alice', expectRevision: 0 }),
    ).rejects.toThrow(/changed since you loaded it \(revision 0, now 1/);
    expect(
      (await doAct({ itemId: review, action: 'approve', reviewer: 'alice', expectRevision: 1 })).item.status,
    ).toBe('approved');
  });

  it('edits are versioned, keep what the variables knew, and survive the next discovery run', async () => {
    const before = await showItem(db, review);
    const language = before.canonical!.variables.find((v) => v.examples.includes('Python'))!;
    const edited = await doAct({
      itemId: review,
      action: 'edit',
      reviewer: 'alice',
      template: `Review this {{${language.name}}} code for {{concern}}:\n{{code}}`,
    });
    expect(edited.item).toMatchObject({ status: 'in_review', claimedBy: 'alice', version: 2 });
    const after = await showItem(db, review);
    expect(after.canonical!.variables.map((v) => v.name)).toEqual([language.name, 'concern', 'code']);
    expect(after.canonical!.variables[0]!.examples).toEqual(language.examples);
    expect(after.versions.map((v) => [v.version, v.author])).toEqual([
      [1, 'heuristic'],
      [2, 'alice'],
    ]);
    await expect(
      doAct({ itemId: review, action: 'edit', reviewer: 'alice', template: 'Review {{Bad-Slot}} now' }),
    ).rejects.toThrow(/\{\{Bad-Slot\}\} is not one/);

    // A later run normalises the pattern again: the reviewer's template stays.
    const { normalizeRun } = await import('../../../src/normalize/normalize-run.js');
    await normalizeRun(db, 'r1');
    expect((await showItem(db, review)).item.template).toBe(
      `Review this {{${language.name}}} code for {{concern}}:\n{{code}}`,
    );
  });

  it('merging moves the members into the other pattern and records both sides', async () => {
    const merged = await doAct({ itemId: summarise, action: 'merge', reviewer: 'alice', into: review });
    expect(merged.item).toMatchObject({ status: 'merged', mergedInto: review, decidedBy: 'alice' });
    expect(merged.into).toMatchObject({ id: review, size: 7, occurrences: 7, revision: 1 });
    const sizes = await withDb(db, 'read', (c) =>
      queryRows(c, `SELECT pattern_id, count(*) AS n FROM candidates GROUP BY 1 ORDER BY 1`),
    );
    expect(sizes).toEqual([{ pattern_id: 'p_review', n: 7 }]);
    const audit = await readAuditLog(db);
    expect(audit.map((a) => [a.itemId, a.action])).toEqual([
      [review, 'absorb'],
      [summarise, 'merge'],
    ]);
    await expect(
      doAct({ itemId: review, action: 'merge', reviewer: 'alice', into: summarise }),
    ).rejects.toThrow(/is merged: merge into an item still in the queue/);
  });

  it('refuses a write without a reviewer', () => {
    expect(() => resolveReviewer(undefined, undefined)).toThrow(/--reviewer NAME, POG_REVIEWER/);
    expect(() => resolveReviewer('  ', undefined)).toThrow(/Say who is reviewing/);
    expect(resolveReviewer(undefined, 'carol')).toBe('carol');
    expect(resolveReviewer('dave', 'carol')).toBe('dave');
  });
});
