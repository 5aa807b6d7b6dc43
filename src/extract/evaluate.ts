import { groupRefs } from '../ingest/group.js';
import { importFiles } from '../ingest/import-file.js';
import { expandInputs } from '../ingest/sources.js';
import { queryRows, withDb } from '../store/db.js';
export { sha256Hex as sha256 } from '../util/hash.js';
import { extractRun } from './extract-run.js';

/** Precision and recall of the keep/drop filter against a set labelled by hand. */

export interface Labelled {
  text: string;
  keep: boolean;
  kind: string;
}

export interface FilterScore {
  total: number;
  precision: number;
  recall: number;
  f1: number;
  /** Messages the filter got wrong, with their label's kind and the filter's reason. */
  mistakes: { text: string; kind: string; expected: boolean; reason: string }[];
}

export function scoreFilter(
  labels: readonly Labelled[],
  decide: (text: string) => { kept: boolean; reason: string } | undefined,
): FilterScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const mistakes: FilterScore['mistakes'] = [];
  for (const label of labels) {
    const decision = decide(label.text);
    if (!decision) throw new Error(`no decision for a labelled message: ${label.text.slice(0, 60)}`);
    if (decision.kept && label.keep) tp++;
    else if (decision.kept) fp++;
    else if (label.keep) fn++;
    if (decision.kept !== label.keep)
      mistakes.push({ text: label.text, kind: label.kind, expected: label.keep, reason: decision.reason });
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return {
    total: labels.length,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall || 1),
    mistakes,
  };
}

/** One labelled message, known by the hash of its stored text (the texts of ../shared stay there). */
export interface HashedLabel {
  format: string;
  sha256: string;
  keep: boolean;
}

/**
 * Imports `paths` into `db` as a run does, extracts candidates, and returns the filter's decision for
 * each stored user message by its text: what the pipeline decided, adapters included.
 */
export async function pipelineDecisions(
  db: string,
  paths: readonly string[],
): Promise<Map<string, { kept: boolean; reason: string; format: string }>> {
  const runId = 'evaluate';
  const { refs } = await expandInputs(paths);
  for (const group of groupRefs(refs)) await importFiles(db, runId, group);
  await extractRun(db, runId);
  const rows = await withDb(db, 'read', (conn) =>
    queryRows(
      conn,
      `SELECT m.text, m.source_format AS format, e.kept, e.reason FROM messages m JOIN extractions e ON e.message_id = m.id`,
    ),
  );
  return new Map(
    rows.map((r) => [
      String(r.text),
      { kept: r.kept === true, reason: String(r.reason), format: String(r.format) },
    ]),
  );
}
