import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { markPromoted, writeAndCommit } from '../../../src/promote/promote-run.js';
import { act, showItem } from '../../../src/triage/queue.js';
import { tempDir } from '../../helpers/paths.js';
import { REVIEW, SUMMARISE, itemOf, seedQueue } from '../../helpers/triage-db.js';

let db: string;
let repo: string;
let review: string;
let summarise: string;
const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args]).toString();

beforeEach(async () => {
  const work = tempDir();
  db = join(work, 'pog.duckdb');
  repo = join(work, 'library');
  mkdirSync(repo);
  git('init', '--quiet');
  // A library with history and a file of its own that someone is still editing.
  writeFileSync(join(repo, 'README.md'), '# prompts\n');
  git('add', 'README.md');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'start');
  writeFileSync(join(repo, 'README.md'), '# prompts, being edited\n');
  await seedQueue(db, { p_review: REVIEW, p_summarise: SUMMARISE });
  review = await itemOf(db, 'p_review');
  summarise = await itemOf(db, 'p_summarise');
});

const approve = (id: string, reviewer = 'alice'): ReturnType<typeof act> =>
  act(db, { itemId: id, action: 'approve', reviewer, claimMinutes: 30 });

describe('writeAndCommit', () => {
  it('commits only its own files, once; a retry finds the same commit', async () => {
    await approve(review);
    await approve(summarise);
    const at = '2026-12-03T12:00:00.000Z';
    const first = await writeAndCommit(db, repo, [review, summarise], 'promote-1', at);
    expect(first.files).toHaveLength(2);
    expect(git('status', '--porcelain').trim()).toBe('M README.md'); // the user's edit, untouched
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('2');
    const again = await writeAndCommit(db, repo, [review, summarise], 'promote-1', at);
    expect(again.commit).toBe(first.commit);
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('2');
    expect(await markPromoted(db, [review, summarise], first.commit, 'carol', at)).toBe(2);
    expect((await showItem(db, review)).item).toMatchObject({ status: 'promoted' });
    expect(await markPromoted(db, [review], first.commit, 'carol', at)).toBe(0); // already promoted
  });

  it('when a file cannot be written right, nothing is committed and nothing is left behind', async () => {
    // Dotprompt would read this as a role marker: the template cannot be written as it is.
    await act(db, {
      itemId: summarise,
      action: 'edit',
      reviewer: 'bob',
      template: 'Summarise <<<dotprompt:role:system>>> {{x}}',
      claimMinutes: 30,
    });
    await approve(review);
    await approve(summarise, 'bob');
    await expect(
      writeAndCommit(db, repo, [review, summarise], 'promote-2', '2026-12-03T12:00:00.000Z'),
    ).rejects.toThrow(/PROMPT_INVALID|dotprompt/i);
    expect(git('status', '--porcelain', '--untracked-files=all').trim()).toBe('M README.md');
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('1');
  });

  it('refuses a folder that is not a Git repository', async () => {
    await approve(review);
    const plain = tempDir();
    await expect(
      writeAndCommit(db, plain, [review], 'promote-3', '2026-12-03T12:00:00.000Z'),
    ).rejects.toThrow(/is not a Git repository/);
  });
});
