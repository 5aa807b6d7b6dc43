/*
 * npm run bench:pipeline — the whole discovery pipeline on a generated corpus (default 100 k user
 * messages of OpenAI chat JSONL), each way in its own process:
 *   - as plain function calls (the stages the activities wrap, in order);
 *   - through Temporal in `pog discover`'s embedded mode (dev server, in-process worker, workflow);
 *   - the same exports again (the rerun of an unchanged nightly export).
 * Writes end-to-end times, peak RSS, the Temporal overhead and the rerun's share to BENCHMARKS.md.
 *   npm run bench:pipeline -- [--messages 100000] [--embedder tfidf|use-lite]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/helpers/net.js';
import { writeOpenaiJsonl } from './generate/openai-jsonl.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    embedder: { type: 'string', default: 'use-lite' },
  },
});
const messages = Number(args.messages);
const data = join(root, 'bench/.data/pipeline');
const input = join(data, `corpus-${messages}`);
if (!existsSync(join(input, 'chats.jsonl'))) {
  mkdirSync(input, { recursive: true });
  await writeOpenaiJsonl(join(input, 'chats.jsonl'), messages);
}

function child<T>(...argv: string[]): T {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/pipeline-one.ts'), ...argv],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.toString().trim().split('\n').pop()!) as T;
}

const plain = child<{ seconds: number; peakRssMb: number }>(
  'plain',
  input,
  join(data, 'plain'),
  '0',
  args.embedder,
);
process.stderr.write(`plain: ${JSON.stringify(plain)}\n`);
const wf = child<{
  seconds: number;
  withServer: number;
  againSeconds: number;
  againUnchanged: boolean;
  peakRssMb: number;
}>('workflow', input, join(data, 'workflow'), String(await freePort()), args.embedder);
process.stderr.write(`workflow: ${JSON.stringify(wf)}\n`);

const overhead = wf.seconds / plain.seconds - 1;
const rerun = wf.againSeconds / wf.seconds;
const body = `## Pipeline end to end (\`npm run bench:pipeline\`)

${new Date().toISOString().slice(0, 10)} on ${machine()}. ${messages.toLocaleString('en')} user messages of generated OpenAI chat JSONL
(bench/generate/openai-jsonl.ts), embedder \`${args.embedder}\`, each way in its own process on a fresh database.
"Workflow" is \`pog discover\`'s embedded mode: a dev server started by the process (its start not in the
run's time, but in the last column), an in-process worker, the discoverRun workflow. The rerun is the same
exports again (a nightly schedule over an unchanged folder). Targets: Temporal overhead under 20%, rerun
under 5% of the first run.

| way | end to end | peak RSS | vs. plain |
|---|---|---|---|
| plain function calls | ${plain.seconds.toFixed(1)} s | ${plain.peakRssMb.toFixed(0)} MB | — |
| through the workflow (embedded mode) | ${wf.seconds.toFixed(1)} s | ${wf.peakRssMb.toFixed(0)} MB | ${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(1)}% |
| rerun over the same exports | ${wf.againSeconds.toFixed(1)} s (${wf.againUnchanged ? 'unchanged: nothing read or mined' : 'mined again'}) | | ${(rerun * 100).toFixed(1)}% of the first run |
| dev server start + first run | ${wf.withServer.toFixed(1)} s | | |
`;
process.stderr.write(body);
writeSection(join(root, 'BENCHMARKS.md'), `bench:pipeline:${args.embedder}`, body);
