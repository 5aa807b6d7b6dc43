/*
 * npm run bench:extract — precision and recall of the keep/drop filter through the import and
 * extract path, on the project's hand-labelled set and on the real exports of ../shared (labelled by
 * hand, by hash), with the mistakes listed so that a reader can judge them.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  pipelineDecisions,
  scoreFilter,
  sha256,
  type FilterScore,
  type HashedLabel,
  type Labelled,
} from '../src/extract/evaluate.js';
import { closeIdleDatabases } from '../src/store/db.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, 'bench/.data');

async function decisionsFor(name: string, paths: string[]): ReturnType<typeof pipelineDecisions> {
  const db = join(dataDir, `extract-${name}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const decisions = await pipelineDecisions(db, paths);
  closeIdleDatabases();
  rmSync(db, { force: true });
  return decisions;
}

const line = (name: string, s: FilterScore, formats: number): string =>
  `| ${name} | ${s.total} | ${formats} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} |`;

// The project's labelled set.
const labelledDir = join(root, 'test/fixtures/extract/labelled');
const labels = readFileSync(join(labelledDir, 'labels.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Labelled);
const own = await decisionsFor('labelled', [join(labelledDir, 'exports')]);
const ownScore = scoreFilter(labels, (text) => own.get(text));
const rows = [
  line(
    'project set (test/fixtures/extract/labelled)',
    ownScore,
    new Set([...own.values()].map((d) => d.format)).size,
  ),
];
const mistakes = ownScore.mistakes.map(
  (m) =>
    `  - ${m.expected ? 'dropped' : 'kept'} as \`${m.reason}\`, labelled ${m.kind}: ${JSON.stringify(m.text.length > 90 ? `${m.text.slice(0, 90)}…` : m.text)}`,
);

// The real exports of ../shared, labelled by hash.
const shared = resolve(root, '../shared/corpora/exports');
let sharedNote = '';
try {
  const { labels: hashed } = JSON.parse(
    readFileSync(join(root, 'test/fixtures/extract/shared-labels.json'), 'utf8'),
  ) as { labels: HashedLabel[] };
  const real = await decisionsFor('shared', [shared]);
  const byHash = new Map([...real].map(([text, d]) => [`${d.format}:${sha256(text)}`, d]));
  const score = scoreFilter(
    hashed.map((l) => ({ text: `${l.format}:${l.sha256}`, keep: l.keep, kind: l.format })),
    (key) => byHash.get(key),
  );
  rows.push(
    line(
      'real exports (../shared/corpora/exports, distinct texts)',
      score,
      new Set(hashed.map((l) => l.format)).size,
    ),
  );
  sharedNote = `On the real exports it got ${score.mistakes.length} wrong: ${score.mistakes.map((m) => `${m.expected ? 'dropped' : 'kept'} a ${m.kind} message as \`${m.reason}\``).join('; ')}.`;
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  sharedNote = 'The real exports were not measured: ../shared is absent.';
}

const body = `## Extraction (\`npm run bench:extract\`)

${new Date().toISOString().slice(0, 10)} on ${machine()}. Each set's exports are imported and extracted as a run does (adapters,
redaction, the keep/drop filter); each labelled message is then looked up by its stored text. "Keep" is
the positive class: precision is the share of kept messages that are prompts, recall the share of
prompts that are kept. Target: both at least 0.9.

| set | messages | formats | precision | recall | F1 |
|---|---|---|---|---|---|
${rows.join('\n')}

Mistakes on the project set:
${mistakes.join('\n')}

${sharedNote}
`;
writeSection(join(root, 'BENCHMARKS.md'), 'bench:extract', body);
process.stdout.write(body);
