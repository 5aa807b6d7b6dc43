// Child process of bench/ingest.ts: the store stage alone. The export is parsed into Parquet parts and
// a fresh DuckDB file is created with its schema (both untimed), then the parts are stored as the store
// worker stores them: what DuckDB's side of an import costs by itself.
import { rmSync } from 'node:fs';
import { groupRefs } from '../src/ingest/group.js';
import { groupDir, parseGroup } from '../src/ingest/import-file.js';
import { storeParts } from '../src/ingest/parsed-parts.js';
import { expandInputs } from '../src/ingest/sources.js';
import { closeIdleDatabases, withDb } from '../src/store/db.js';

const [path, db] = process.argv.slice(2);
if (!path || !db) throw new Error('usage: store-one <file|folder> <db>');
const { refs } = await expandInputs([path]);
const dirs: string[] = [];
for (const group of groupRefs(refs)) {
  const dir = groupDir(db, 'bench-store', group);
  await parseGroup(dir, group);
  dirs.push(dir);
}
await withDb(db, 'write', () => Promise.resolve()); // created and migrated; kept open a moment for the store
const started = process.hrtime.bigint();
let inserted = 0;
for (const dir of dirs) inserted += await storeParts(db, 'bench-store', dir);
// Timed as ingest-one times the import: up to the last part's commit, the final checkpoint left out.
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
closeIdleDatabases();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ inserted, seconds }) + '\n');
