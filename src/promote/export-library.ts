import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { queryRows, withDb } from '../store/db.js';
import { toLangfuseImport } from './langfuse.js';
import { toPoml } from './poml.js';
import { promotionRecords } from './promote-run.js';
import type { PromotionRecord } from './record.js';

/** The library as it stands: every approved or promoted template with its review. */
async function libraryRecords(db: string): Promise<PromotionRecord[]> {
  const ids = await withDb(db, 'read', (c) =>
    queryRows(c, `SELECT id FROM triage_items WHERE status IN ('approved', 'promoted') ORDER BY id`),
  );
  return promotionRecords(
    db,
    ids.map((r) => String(r.id)),
    new Date().toISOString(),
    ['approved', 'promoted'],
  );
}

/** Microsoft's POML, one file a template: `<dir>/<phase>/<slug>.poml`. */
export async function exportPoml(db: string, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const r of await libraryRecords(db)) {
    const file = join(resolve(dir), r.template.phase, `${r.template.id}.poml`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, toPoml(r));
    files.push(file);
  }
  return files;
}

/** Langfuse's prompt import: one JSON file of text prompts. */
export async function exportLangfuse(db: string, file: string): Promise<{ file: string; prompts: number }> {
  const prompts = toLangfuseImport(await libraryRecords(db));
  const out = resolve(file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(prompts, null, 2) + '\n');
  return { file: out, prompts: prompts.length };
}
