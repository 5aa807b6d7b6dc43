/*
 * npm run bench:cluster — how well and how fast pog finds patterns.
 *
 *   quality: the labelled sets of `pog eval clusters` (the templated set and arena-hard-v0.1), each
 *            clustered by pog with TF-IDF and with use-lite, and — on the very same vectors — by
 *            scikit-learn KMeans (told the true number of classes) and BERTopic (UMAP + HDBSCAN), in one
 *            run (bench/peers/cluster_peers.py; install its requirements first, see below);
 *   scale:   100,000 generated chat prompts (bench/generate/prompt-corpus.ts) imported and extracted,
 *            then embedded and clustered by the run's own stages, time and peak RSS per embedder, each
 *            in a fresh process so that its memory is its own.
 *
 *   npm run bench:cluster                      # both parts, written to BENCHMARKS.md
 *   npm run bench:cluster -- --quality         # one part
 *   npm run bench:cluster -- --scale --size 20000 --embedders tfidf
 *
 * Peers: python3 -m pip install -r bench/peers/requirements-cluster.txt
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { VectorSet } from '../src/cluster/vector-set.js';
import { ConfigSchema } from '../src/config/config.js';
import { embedderFor } from '../src/embed/embedders.js';
import { writeVectorFile } from '../src/embed/vector-file.js';
import { evaluateClusters, type ClusterEvaluation } from '../src/eval/clusters.js';
import { arenaHardSet, templatedSet, type LabelledItem } from '../src/eval/labelled-sets.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const promptsDir = resolve(root, '../shared/corpora/prompts');
const workDir = join(root, 'bench/.data/cluster');
const { values: args } = parseArgs({
  options: {
    quality: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    size: { type: 'string', default: '100000' },
    embedders: { type: 'string', default: 'tfidf,use-lite' },
  },
});
const both = !args.quality && !args.scale;
const embedders = args.embedders.split(',') as ('tfidf' | 'use-lite')[];

interface Row {
  method: string;
  ari: number;
  nmi: number;
  vMeasure: number;
  unclustered: number;
  patterns: number;
  seconds: number;
}

const f3 = (x: number): string => x.toFixed(3);
const table = (rows: Row[]): string =>
  [
    '| method | ARI | NMI | V-measure | unclustered | patterns | seconds |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.method} | ${f3(r.ari)} | ${f3(r.nmi)} | ${f3(r.vMeasure)} | ${(100 * r.unclustered).toFixed(1)}% | ${r.patterns} | ${r.seconds.toFixed(1)} |`,
    ),
  ].join('\n');

/** Runs the peers on the vectors pog clustered; null (with the reason printed) when they cannot run. */
function peers(name: string, items: readonly LabelledItem[], vectorsPath: string): Row[] | null {
  const itemsPath = join(workDir, `${name}.items.json`);
  writeFileSync(itemsPath, JSON.stringify(items));
  const r = spawnSync(
    'python3',
    [join(root, 'bench/peers/cluster_peers.py'), '--vectors', vectorsPath, '--items', itemsPath, '--json'],
    { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) {
    console.error(
      `peers on ${name}: exit ${r.status}; install them: python3 -m pip install -r bench/peers/requirements-cluster.txt`,
    );
    return null;
  }
  const doc = JSON.parse(r.stdout) as { peers: (Omit<Row, 'method'> & { name: string })[] };
  return doc.peers.map((p) => ({ ...p, method: p.name }));
}

async function quality(): Promise<string> {
  if (!existsSync(join(promptsDir, 'awesome-chatgpt-prompts.csv'))) {
    return `Skipped: no labelled prompt sets in ${promptsDir}.`;
  }
  mkdirSync(workDir, { recursive: true });
  const sets = [
    {
      key: 'templated',
      title: 'Templated set (444 templates × 4 fills + 300 unrelated Arena prompts)',
      items: templatedSet(promptsDir),
    },
    {
      key: 'arena',
      title: 'arena-hard-v0.1 (250 topic clusters × 2 prompts)',
      items: arenaHardSet(promptsDir),
    },
  ];
  const out: string[] = [];
  for (const set of sets) {
    const rows: Row[] = [];
    for (const model of embedders) {
      const embedder = await embedderFor({ model, openaiModel: 'unused' }, ConfigSchema.parse({}).llm);
      let space: VectorSet | undefined;
      const e: ClusterEvaluation = await evaluateClusters(set.items, embedder, {
        minPatternSize: 2,
        seed: 42,
        onSpace: (v) => (space = v),
      });
      const label = model === 'tfidf' ? 'TF-IDF' : 'use-lite + TF-IDF';
      rows.push({
        method: `**pog**, ${label} (threshold ${e.similarity}, noise in patterns: ${set.key === 'templated' ? e.noiseInPatterns : 'n/a'})`,
        ari: e.ari,
        nmi: e.nmi,
        vMeasure: e.vMeasure,
        unclustered: e.unclustered,
        patterns: e.patterns,
        seconds: e.embedSeconds + e.clusterSeconds,
      });
      console.log(set.key, model, JSON.stringify(rows.at(-1)));
      const vectorsPath = join(workDir, `${set.key}.${model}.bin`);
      await writeVectorFile(vectorsPath, {
        model,
        ids: set.items.map((_, i) => String(i)),
        // As pog clustered them; the peers' script reads both layouts (sparse goes to KMeans as a sparse matrix).
        vectors: space!,
      });
      const theirs = peers(`${set.key}.${model}`, set.items, vectorsPath);
      for (const p of theirs ?? []) {
        rows.push({ ...p, method: `${p.method}, on pog's ${label} vectors` });
        console.log(set.key, model, JSON.stringify(rows.at(-1)));
      }
    }
    out.push(`**${set.title}**\n\n${table(rows)}`);
  }
  return out.join('\n\n');
}

function scale(): string {
  const rows: string[] = [];
  for (const model of embedders) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/cluster-scale.ts'), '--embedder', model, '--size', args.size],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
    );
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      rows.push(`| ${model} | failed (exit ${r.status}) | | | | | | |`);
      continue;
    }
    const m = JSON.parse(last) as Record<string, number | string>;
    rows.push(
      `| ${model} | ${m.candidates} | ${m.pool} | ${Number(m.embedSeconds).toFixed(0)} s | ${Number(m.clusterSeconds).toFixed(0)} s | **${((Number(m.embedSeconds) + Number(m.clusterSeconds)) / 60).toFixed(1)} min** | ${(Number(m.peakRssMb) / 1024).toFixed(2)} GB | ${m.patterns} | ${f3(Number(m.ari))} / ${f3(Number(m.nmi))} |`,
    );
  }
  return [
    `${args.size} generated prompts (bench/generate/prompt-corpus.ts), imported and extracted first (not timed), then the run's embed and cluster stages (src/embed/embed-run.ts, src/cluster/cluster-run.ts) on a fresh database, with an empty embedding cache.`,
    '',
    '| embedder | candidates | clustered (distinct) | embed | cluster | embed + cluster | peak RSS | patterns | ARI / NMI vs. labels |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const parts: string[] = [`Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.`];
if (both || args.quality) parts.push(await quality());
if (both || args.scale) parts.push(scale());
const body = `## Clustering (\`npm run bench:cluster\`)\n\n${parts.join('\n\n')}`;
console.log(body);
if (both) writeSection(join(root, 'BENCHMARKS.md'), 'bench:cluster', body);
else writeSection(join(root, 'BENCHMARKS.md'), `bench:cluster:${args.quality ? 'quality' : 'scale'}`, body);
rmSync(join(workDir, 'tmp'), { recursive: true, force: true });
