import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TriageListDocumentSchema } from '../../../src/cli/commands/triage.js';
import { ErrorDocumentSchema } from '../../../src/cli/output.js';
import { closeIdleDatabases } from '../../../src/store/db.js';
import { readAuditLog } from '../../../src/triage/queue.js';
import { cleanEnv, pog } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/paths.js';
import { REVIEW, SUMMARISE, seedQueue } from '../../helpers/triage-db.js';

let db: string;
beforeAll(async () => {
  db = join(tempDir(), 'pog.duckdb');
  await seedQueue(db, { p_review: REVIEW, p_summarise: SUMMARISE });
  closeIdleDatabases(); // the CLI processes need the file
});

describe('pog triage', () => {
  it('lists the queue as JSON, and refuses a write without a reviewer', async () => {
    const env = cleanEnv();
    const list = await pog(['triage', 'list', '--db', db, '--json'], env);
    expect(list.code).toBe(0);
    const { items } = TriageListDocumentSchema.parse(JSON.parse(list.stdout));
    expect(items.map((i) => [i.patternId, i.status])).toEqual([
      ['p_review', 'new'],
      ['p_summarise', 'new'],
    ]);
    const refused = await pog(['triage', 'approve', items[0]!.id, '--db', db, '--json'], env);
    expect(refused.code).toBe(1);
    expect(ErrorDocumentSchema.parse(JSON.parse(refused.stdout)).error.code).toBe('NO_REVIEWER');
  });

  it('two reviewers in two processes deciding the same item at once: one wins, one gets a conflict', async () => {
    const env = cleanEnv();
    const { items } = TriageListDocumentSchema.parse(
      JSON.parse((await pog(['triage', 'list', '--db', db, '--json'], env)).stdout),
    );
    const id = items.find((i) => i.patternId === 'p_summarise')!.id;
    const [alice, bob] = await Promise.all([
      pog(['triage', 'approve', id, '--db', db, '--reviewer', 'alice'], env),
      pog(['triage', 'reject', id, '--db', db, '--json'], cleanEnv({ POG_REVIEWER: 'bob' })),
    ]);
    expect([alice.code, bob.code].sort()).toEqual([0, 1]);
    const loser = alice.code === 1 ? alice.stderr : bob.stderr;
    expect(loser).toMatch(/already (approved by alice|rejected by bob) at .*; nothing changed/);
    const audit = (await readAuditLog(db)).filter((a) => a.itemId === id);
    expect(audit.map((a) => `${a.reviewer}:${a.outcome}`).sort()).toEqual(
      alice.code === 0 ? ['alice:ok', 'bob:conflict'] : ['alice:conflict', 'bob:ok'],
    );
    closeIdleDatabases();
  });
});
