import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where a run's intermediate files live: beside the database, a folder a run. Every worker of a run
 * derives it from the database's path, so compute workers on other machines need that path to be the
 * same shared folder (a volume mounted at the same place; see the README's scale-out section).
 */
export function runArtifactDir(db: string, runId: string): string {
  return join(db.replace(/\.duckdb$/, '') + '.runs', runId.replace(/[^\w.@:-]+/g, '_'));
}

/** The handoff file of a stage's input (`in`, written where the database is) or output (`out`). */
export function stageFile(db: string, runId: string, stage: string, end: 'in' | 'out'): string {
  return join(runArtifactDir(db, runId), `${stage}.${end}.ndjson`);
}

/** A finished run's intermediate files are of no further use. */
export async function removeRunDir(db: string, runId: string): Promise<void> {
  await rm(runArtifactDir(db, runId), { recursive: true, force: true });
}
