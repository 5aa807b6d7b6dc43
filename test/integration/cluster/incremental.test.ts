import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterRun } from '../../../src/cluster/cluster-run.js';
import { embedRun } from '../../../src/embed/embed-run.js';
import { extractRun } from '../../../src/extract/extract-run.js';
import { groupRefs } from '../../../src/ingest/group.js';
import { importFiles } from '../../../src/ingest/import-file.js';
import { expandInputs } from '../../../src/ingest/sources.js';
import { queryRows, withDb, withTransaction } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/paths.js';

/** An OpenAI-style JSONL export, one conversation a prompt, by one of two authors. */
function exportOf(dir: string, name: string, prompts: readonly string[]): string {
  const path = join(dir, `${name}.jsonl`);
  const lines = prompts.map((content, i) =>
    JSON.stringify({
      id: `${name}-${i}`,
      messages: [
        { role: 'user', content, name: i % 2 === 0 ? 'ana' : 'bo' },
        { role: 'assistant', content: 'Sure.' },
      ],
    }),
  );
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function run(db: string, runId: string, path: string): Promise<Awaited<ReturnType<typeof clusterRun>>> {
  const { refs } = await expandInputs([path]);
  for (const group of groupRefs(refs)) await importFiles(db, runId, group);
  await extractRun(db, runId);
  const embedded = await embedRun(db, runId);
  return clusterRun(db, runId, embedded.path, { minPatternSize: 2, seed: 42 });
}

const reviews = (langs: readonly string[]): string[] =>
  langs.map(
    (l) => `Review this ${l} function for error handling and suggest clearer names for its variables`,
  );

describe('incremental mining', () => {
  it('assigns a later run’s prompts to the patterns found before, counts that reuse, and keeps the ids', async () => {
    const dir = tempDir();
    const db = join(dir, 'pog.duckdb');
    const first = await run(
      db,
      'run-1',
      exportOf(dir, 'week1', [
        ...reviews(['Python', 'Go', 'Rust']),
        'Write a haiku about the first snow of the winter in the mountains',
      ]),
    );
    expect(first).toMatchObject({ patterns: 1, newPatterns: 1, reused: 0 });
    const before = await withDb(db, 'read', (c) => queryRows(c, 'SELECT id, first_run_id FROM patterns'));
    expect(before).toHaveLength(1);

    // Reviewers promote it; the next week brings two more reviews, a new pattern, and a one-off that
    // now pairs with last week's haiku.
    await withTransaction(db, (c) =>
      c.run(
        `INSERT INTO triage_items (id, pattern_id, status, run_id, created_at, updated_at) VALUES ('t1', $1, 'promoted', 'run-1', now(), now())`,
        [String(before[0]!.id)],
      ),
    );
    const second = await run(
      db,
      'run-2',
      exportOf(dir, 'week2', [
        ...reviews(['Kotlin', 'Swift']),
        'Summarize this incident report for the executive team in three bullet points',
        'Summarize this incident report for the support engineers in five bullet points',
        'Write a haiku about the first snow of the winter in the city',
      ]),
    );
    expect(second).toMatchObject({ patterns: 3, newPatterns: 2, reused: 2, reusedPromoted: 2 });

    const patterns = await withDb(db, 'read', (c) =>
      queryRows(
        c,
        `SELECT p.id, p.first_run_id, p.size, list(c.pattern_run_id ORDER BY c.pattern_run_id) AS runs
         FROM patterns p JOIN candidates c ON c.pattern_id = p.id GROUP BY ALL ORDER BY p.size DESC, p.id`,
      ),
    );
    // The review pattern kept its id and grew; its new members are marked as joining in run 2.
    expect(patterns[0]).toEqual({
      id: before[0]!.id,
      first_run_id: 'run-1',
      size: 5,
      runs: ['run-1', 'run-1', 'run-1', 'run-2', 'run-2'],
    });
    expect(patterns.slice(1).map((p) => p.size)).toEqual([2, 2]);
    const reuse = await withDb(db, 'read', (c) =>
      queryRows(c, 'SELECT pattern_id, run_id, joined FROM pattern_reuse'),
    );
    expect(reuse).toEqual([{ pattern_id: before[0]!.id, run_id: 'run-2', joined: 2 }]);

    // Nothing new: a third run over the same files changes nothing.
    const third = await run(db, 'run-3', join(dir, 'week2.jsonl'));
    expect(third).toMatchObject({ patterns: 0, newPatterns: 0, reused: 0 });
  });
});
