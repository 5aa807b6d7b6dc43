/*
 * npm run bench:ingest — import throughput and memory on large generated exports.
 * Generates (once, cached under bench/.data) a 1 GB single-line ChatGPT conversations.json, a 256 MB one
 * for the JSON.parse baseline (V8 cannot hold a 1 GB string, so JSON.parse cannot read the big file at
 * all), and large exports of the other formats; imports each in its own process into a fresh DuckDB
 * file; writes messages/s, peak RSS and the ratio to plain JSON.parse to BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeChatgptExport } from './generate/chatgpt.js';
import { writeOpenaiJsonl } from './generate/openai-jsonl.js';
import { writeClaudeAiExport } from './generate/claude-ai.js';
import { writeSlackExport } from './generate/slack.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const GB = 1024 ** 3;
const MB = 1024 ** 2;
/** BENCH_SCALE=0.1 for a quick look; BENCHMARKS.md is written only at full scale. */
const scale = Number(process.env.BENCH_SCALE ?? '1');
const dataDir = join(root, 'bench/.data', `scale-${scale}`);

interface Input {
  label: string;
  format: string;
  path: string;
  baseline: 'whole' | 'lines' | 'files' | 'none';
  generate: (path: string) => Promise<unknown>;
}

const inputs: Input[] = [
  {
    label: 'ChatGPT conversations.json, 256 MB',
    format: 'chatgpt',
    path: join(dataDir, 'chatgpt-256m/conversations.json'),
    baseline: 'whole',
    generate: (p) => writeChatgptExport(p, Math.round(256 * MB * scale)),
  },
  {
    label: 'ChatGPT conversations.json, 1 GB, one line',
    format: 'chatgpt',
    path: join(dataDir, 'chatgpt-1g/conversations.json'),
    baseline: 'none',
    generate: (p) => writeChatgptExport(p, Math.round(1 * GB * scale)),
  },
  {
    label: 'OpenAI chat JSONL, 400 k user messages',
    format: 'openai-jsonl',
    path: join(dataDir, 'openai/chats.jsonl'),
    baseline: 'lines',
    generate: (p) => writeOpenaiJsonl(p, Math.round(400_000 * scale)),
  },
  {
    label: 'Claude.ai conversations.json, 150 k user messages',
    format: 'claude-ai',
    path: join(dataDir, 'claude-ai/conversations.json'),
    baseline: 'whole',
    generate: (p) => writeClaudeAiExport(p, Math.round(150_000 * scale)),
  },
  {
    label: 'Slack export folder, 100 k messages in daily files',
    format: 'slack',
    path: join(dataDir, 'slack'),
    baseline: 'files',
    generate: (p) => Promise.resolve(writeSlackExport(p, Math.round(100_000 * scale))),
  },
];

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, name) => n + sizeOf(join(path, name)), 0);
}

function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', script), ...args], {
    cwd: root,
    maxBuffer: 16 * MB,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.toString().trim().split('\n').pop()!) as T;
}

/** Each measurement is taken this many times, the tools taking turns; the best time is kept. */
const rounds = Number(process.env.BENCH_ROUNDS ?? '3');

interface Timed {
  best: number;
  all: number[];
}
const timed = (all: number[]): Timed => ({ best: Math.min(...all), all });
/** The runs' spread, `4.6–5.7 s`, or '' for a single run. */
const spread = (t: Timed): string =>
  t.all.length > 1 ? `${t.best.toFixed(1)}–${Math.max(...t.all).toFixed(1)} s` : '';

const rows: string[] = [];
let total = 0;
let parseMbPerSec: number | undefined;
for (const input of inputs) {
  if (!existsSync(input.path)) {
    mkdirSync(join(input.path, '..'), { recursive: true });
    process.stderr.write(`generating ${input.label}…\n`);
    await input.generate(input.path);
  }
  const bytes = sizeOf(input.path);
  const db = join(dataDir, `bench-${input.format}.duckdb`);
  const fresh = (): void => {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  };
  process.stderr.write(`importing ${input.label} (${(bytes / MB).toFixed(0)} MB), ${rounds} rounds…\n`);
  const imports: number[] = [];
  const parses: number[] = [];
  const stores: number[] = [];
  const baselines: number[] = [];
  let r = { messages: 0, problems: 0, maxRssKb: 0 };
  for (let round = 0; round < rounds; round++) {
    fresh();
    const run = child<{ messages: number; problems: number; seconds: number; maxRssKb: number }>(
      'ingest-one.ts',
      [input.path, db],
    );
    imports.push(run.seconds);
    r = { messages: run.messages, problems: run.problems, maxRssKb: Math.max(r.maxRssKb, run.maxRssKb) };
    parses.push(child<{ seconds: number }>('parse-one.ts', [input.path]).seconds);
    fresh();
    stores.push(child<{ seconds: number }>('store-one.ts', [input.path, db]).seconds);
    if (input.baseline !== 'none') {
      baselines.push(
        child<{ seconds: number }>('json-parse-baseline.ts', [input.path, input.baseline]).seconds,
      );
    }
  }
  fresh();
  total += r.messages;
  const imported = timed(imports);
  const mbps = bytes / MB / imported.best;
  const parseMbps = bytes / MB / timed(parses).best;
  const storeSeconds = timed(stores).best;
  let ratio = '—';
  let parseRatio = '—';
  let storeShare = '—';
  let baseSeconds: number | undefined;
  if (baselines.length > 0) {
    const b = timed(baselines);
    baseSeconds = b.best;
    const baseMbps = bytes / MB / b.best;
    if (input.format === 'chatgpt') parseMbPerSec = baseMbps;
    ratio = `${(mbps / baseMbps).toFixed(2)}× (JSON.parse ${baseMbps.toFixed(0)} MB/s, ${b.best.toFixed(1)} s${spread(b) && `; ${spread(b)}`})`;
    parseRatio = `${(parseMbps / baseMbps).toFixed(2)}×`;
  } else if (parseMbPerSec !== undefined) {
    baseSeconds = bytes / MB / parseMbPerSec;
    ratio = `${(mbps / parseMbPerSec).toFixed(2)}× (JSON.parse ${parseMbPerSec.toFixed(0)} MB/s on the 256 MB file: a 1 GB string is beyond V8)`;
    parseRatio = `${(parseMbps / parseMbPerSec).toFixed(2)}×`;
  }
  // The store by itself against the whole time the target allows (twice JSON.parse's).
  if (baseSeconds !== undefined) storeShare = `${((storeSeconds / (2 * baseSeconds)) * 100).toFixed(0)}%`;
  rows.push(
    `| ${input.label} | ${input.format} | ${(bytes / MB).toFixed(0)} MB | ${r.messages.toLocaleString('en')} | ${r.problems} | ${imported.best.toFixed(1)} s${spread(imported) && ` (${spread(imported)})`} | ${Math.round(r.messages / imported.best).toLocaleString('en')} | ${mbps.toFixed(1)} MB/s | ${(r.maxRssKb / 1024).toFixed(0)} MB | ${ratio} | ${parseMbps.toFixed(0)} MB/s, ${parseRatio} | ${storeSeconds.toFixed(1)} s, ${storeShare} |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}
const body = `## Ingest (\`npm run bench:ingest\`)

${new Date().toISOString().slice(0, 10)} on ${machine()}. Each export is imported as a run's import
stage does (\`importFiles\`: streaming parse, validation, redaction, Parquet parts, DuckDB inserts that follow
the parse) in its own process into a fresh DuckDB file; peak RSS is the highest of that process's. "Import"
is the whole import stage, database writes included; "parse stage alone" is the same reading, splitting,
parsing, validation, id hashing and redaction without the database; "store stage alone" is storing the
export's finished Parquet parts into a DuckDB file created beforehand, and its share of twice
\`JSON.parse\`'s time (the whole import's time at the 0.5× target). The baseline is plain \`JSON.parse\` of
the same bytes (whole file, each line, or each file of a folder), reading them included. Each is
measured ${rounds} times, taking turns (this VM's speed drifts from minute to minute), and the best time is kept;
import and baseline show their range. Targets: peak RSS under 600 MB on the 1 GB file; throughput at
least 0.5× \`JSON.parse\`.
${total.toLocaleString('en')} user messages in all.

| input | format | size | user messages | problems | import time | messages/s | import throughput | peak RSS | import vs JSON.parse | parse stage alone, vs JSON.parse | store stage alone, share of the target's time |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
if (scale === 1) {
  writeSection(join(root, 'BENCHMARKS.md'), 'bench:ingest', body);
  process.stderr.write('BENCHMARKS.md updated\n');
} else process.stdout.write(body);
