/*
 * One measurement of bench:cluster's scale part, in its own process (peak RSS is per process):
 * generate the corpus, import and extract it (not timed), then time the run's embed and cluster
 * stages. Prints one JSON line last.
 *
 *   POG_CLUSTER_TIMING=1 node --import tsx bench/cluster-scale.ts --embedder use-lite --size 100000   # stage times on stderr
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterRun } from '../src/cluster/cluster-run.js';
import { ConfigSchema } from '../src/config/config.js';
import { embedRun } from '../src/embed/embed-run.js';
import { embedderFor } from '../src/embed/embedders.js';
import { scoreClustering } from '../src/eval/metrics.js';
import { extractRun } from '../src/extract/extract-run.js';
import { groupRefs } from '../src/ingest/group.js';
import { importFiles } from '../src/ingest/import-file.js';
import { expandInputs } from '../src/ingest/sources.js';
import { closeIdleDatabases, queryRows, textOrNull, withDb } from '../src/store/db.js';
import { promptCorpus, writeCorpus } from './generate/prompt-corpus.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { embedder: { type: 'string', default: 'tfidf' }, size: { type: 'string', default: '100000' } },
});
const model = args.embedder as 'tfidf' | 'use-lite';
const size = Number(args.size);
const dir = join(root, 'bench/.data/cluster', `scale-${model}-${size}`);
rmSync(dir, { recursive: true, force: true });
const db = join(dir, 'pog.duckdb');
const runId = 'bench-scale';

const items = promptCorpus(resolve(root, '../shared/corpora/prompts'), { size });
writeCorpus(dir, items);
const labelOf = new Map(items.map((i) => [i.text, i.label]));

let t = performance.now();
const { refs } = await expandInputs([join(dir, 'export.jsonl')]);
for (const group of groupRefs(refs)) await importFiles(db, runId, group);
const extracted = await extractRun(db, runId);
console.error(
  `imported and extracted ${extracted.candidates} candidates in ${((performance.now() - t) / 1000).toFixed(0)} s`,
);

const config = ConfigSchema.parse({});
const embedder = await embedderFor({ model, openaiModel: 'unused' }, config.llm);
t = performance.now();
let last = 0;
const embedded = await embedRun(db, runId, embedder, (done) => {
  if (done - last >= 10_000) {
    last = done;
    console.error(`  embedded ${done} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  }
});
const embedSeconds = (performance.now() - t) / 1000;
console.error(`embedded ${embedded.count} in ${embedSeconds.toFixed(0)} s`);
t = performance.now();
const clustered = await clusterRun(db, runId, embedded.path, config.cluster);
const clusterSeconds = (performance.now() - t) / 1000;
console.error(`clustered in ${clusterSeconds.toFixed(0)} s: ${JSON.stringify(clustered)}`);

const rows = await withDb(db, 'read', (conn) => queryRows(conn, 'SELECT text, pattern_id FROM candidates'));
const truth: (string | null)[] = [];
const predicted: (string | null)[] = [];
for (const r of rows) {
  const label = labelOf.get(String(r.text));
  if (label === undefined) continue;
  truth.push(label);
  predicted.push(textOrNull(r.pattern_id));
}
const scores = scoreClustering(truth, predicted);
closeIdleDatabases();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    embedder: model,
    candidates: extracted.candidates,
    pool: embedded.count,
    scored: truth.length,
    embedSeconds,
    clusterSeconds,
    peakRssMb,
    patterns: clustered.patterns,
    unclustered: clustered.unclustered,
    ari: scores.ari,
    nmi: scores.nmi,
  }),
);
process.exit(0);
