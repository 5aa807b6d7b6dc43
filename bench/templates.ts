/*
 * npm run bench:templates — line-template mining on loghub-2k, pog beside Drain3.
 *
 * Both mine the Content column of every `<System>.csv` of ../shared/corpora/loghub-2k (16 systems,
 * 2,000 lines each, the 2022 corrected labels) with one configuration for all systems, in the same
 * run, and both are scored by the same TypeScript scorer (src/eval/loghub.ts: GA and PA as the
 * loghub-2.0 evaluator defines them).
 *
 *   pog:    mineLineTemplates (src/normalize/line-templates.ts), its one default configuration;
 *   Drain3: PyPI drain3, TemplateMiner(config=TemplateMinerConfig()) — the defaults, no masking —
 *           with add_log_message on each line (bench/peers/drain3_peer.py).
 *
 * Timed, the same way for both: the wall time of mining one system's 2,000 lines inside an already
 * running process, after its CSV is read: every line fed to the miner and each line's group and final
 * template read back (pog: the mineLineTemplates call and the per-line template array; Drain3: the
 * add_log_message loop and each line's final cluster template). Not timed: interpreter start-up,
 * imports, reading the CSV, scoring, and warm-up passes over all 16 systems before the timed runs
 * (pog: three, Drain3: one per round; they matter for Node, whose JIT compiler is still optimising
 * the code during the first passes, and not for CPython). Each system is then mined --repeat times
 * (default 21) and the median kept; the tools take turns for --rounds rounds (default 5) and each
 * system keeps its fastest round, so that a shared machine slowing down for a while slows both
 * tools alike; the table sums the 16 systems. pog's first (cold) pass is timed too and reported.
 *
 *   npm run bench:templates [-- --repeat 21 --rounds 5 --loghub DIR]
 *
 * Peer: python3 -m pip install -r bench/peers/requirements-templates.txt
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { averageScores, readLoghub, scoreTemplates, type TemplateScores } from '../src/eval/loghub.js';
import { mineLineTemplates } from '../src/normalize/line-templates.js';
import { machine, writeSection } from './report.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    loghub: { type: 'string', default: resolve(root, '../shared/corpora/loghub-2k') },
    repeat: { type: 'string', default: '21' },
    rounds: { type: 'string', default: '5' },
  },
});
const dir = resolve(args.loghub);
const repeat = Math.max(1, Number(args.repeat));
const rounds = Math.max(1, Number(args.rounds));

interface Run extends TemplateScores {
  groups: number;
  seconds: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface PeerDocument {
  drain3: string;
  python: string;
  systems: { name: string; seconds: number; groups: (number | string)[]; templates: string[] }[];
}

function drain3(): PeerDocument | string {
  const r = spawnSync(
    'python3',
    [join(root, 'bench/peers/drain3_peer.py'), '--loghub', dir, '--repeat', String(repeat)],
    { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) {
    return `Drain3 did not run (exit ${r.status}); install it: python3 -m pip install -r bench/peers/requirements-templates.txt`;
  }
  return JSON.parse(r.stdout) as PeerDocument;
}

const systems = readLoghub(dir);
if (systems.length === 0) {
  console.error(
    `Skipped: no loghub-2k CSV files in ${dir} (see ../shared/README.md); BENCHMARKS.md is unchanged.`,
  );
  process.exit(0);
}

// Warm-up: three passes over the 16 systems, untimed but for the first, which is what a fresh process
// spends on its first 32,000 lines.
const coldStarted = performance.now();
for (const s of systems) mineLineTemplates(s.lines.map((l) => l.content));
const coldSeconds = (performance.now() - coldStarted) / 1000;
for (let w = 0; w < 2; w++) for (const s of systems) mineLineTemplates(s.lines.map((l) => l.content));

/** One round of pog: per system, the median of `repeat` runs, and the last run's output. */
function pogRound(): { seconds: number; groups: number[]; perLine: string[]; count: number }[] {
  return systems.map((s) => {
    const contents = s.lines.map((l) => l.content);
    const times: number[] = [];
    let result: { groups: number[]; perLine: string[]; count: number } | undefined;
    for (let k = 0; k < repeat; k++) {
      const started = performance.now();
      const { groups, templates } = mineLineTemplates(contents);
      const perLine = groups.map((g) => templates[g]!);
      times.push((performance.now() - started) / 1000);
      result = { groups, perLine, count: templates.length };
    }
    return { ...result!, seconds: median(times) };
  });
}

// The tools take turns, round after round, and each system keeps its fastest round's median: a
// machine that slows down for a while (a shared VM does) slows both, not whichever ran then.
const pogRounds: ReturnType<typeof pogRound>[] = [];
const peerRounds: PeerDocument[] = [];
let peerError: string | null = null;
for (let r = 0; r < rounds; r++) {
  pogRounds.push(pogRound());
  const peer = drain3();
  if (typeof peer === 'string') peerError = peer;
  else peerRounds.push(peer);
}
const pogLast = pogRounds[pogRounds.length - 1]!;
const pog: Run[] = systems.map((s, k) => {
  const out = pogLast[k]!;
  const scores = scoreTemplates(
    s.lines,
    out.groups.map((g, i) => ({ group: g, template: out.perLine[i]! })),
  );
  const run = {
    ...scores,
    groups: out.count,
    seconds: Math.min(...pogRounds.map((round) => round[k]!.seconds)),
  };
  console.error(
    `pog ${s.name}: GA ${run.GA.toFixed(3)} PA ${run.PA.toFixed(3)} ${(1000 * run.seconds).toFixed(1)} ms`,
  );
  return run;
});

const peer: PeerDocument | string = peerError ?? peerRounds[peerRounds.length - 1]!;
const theirs: (Run | null)[] = systems.map((s) => {
  if (typeof peer === 'string') return null;
  const p = peer.systems.find((x) => x.name === s.name);
  if (!p) return null;
  const scores = scoreTemplates(
    s.lines,
    p.groups.map((g, i) => ({ group: g, template: p.templates[i]! })),
  );
  const seconds = Math.min(
    ...peerRounds.map((round) => round.systems.find((x) => x.name === s.name)!.seconds),
  );
  return { ...scores, groups: new Set(p.groups).size, seconds };
});

const f3 = (x: number): string => x.toFixed(3);
const roundTotals = (xs: number[]): string =>
  `${(1000 * Math.min(...xs)).toFixed(1)}–${(1000 * Math.max(...xs)).toFixed(1)} ms`;
// How much the machine moved during the run: each round's sum of the 16 medians, for each tool.
const roundsNote =
  peerRounds.length === rounds
    ? `Round by round, pog's sum was ${roundTotals(pogRounds.map((round) => round.reduce((sum, x) => sum + x.seconds, 0)))} and Drain3's ${roundTotals(peerRounds.map((round) => round.systems.reduce((sum, x) => sum + x.seconds, 0)))}, on a shared machine whose speed changes from one minute to the next.`
    : '';
const ms = (s: number): string => (1000 * s).toFixed(1);
const total = (runs: readonly Run[]): number => runs.reduce((sum, r) => sum + r.seconds, 0);
const truthTemplates = (s: (typeof systems)[number]): number => new Set(s.lines.map((l) => l.template)).size;
const drainRuns = theirs.filter((r): r is Run => r !== null);
const complete = drainRuns.length === systems.length;

const rows = systems.map((s, k) => {
  const a = pog[k]!;
  const b = theirs[k];
  const peerCells = b
    ? `${f3(b.GA)} | ${f3(b.PA)} | ${b.groups} | ${ms(b.seconds)}`
    : 'n/a | n/a | n/a | n/a';
  return `| ${s.name} | ${truthTemplates(s)} | **${f3(a.GA)}** | **${f3(a.PA)}** | ${a.groups} | ${ms(a.seconds)} | ${peerCells} |`;
});
const ours = averageScores(pog);
const drainAvg = complete ? averageScores(drainRuns) : null;
const speedup = complete ? total(drainRuns) / total(pog) : null;
rows.push(
  `| **average / total** | ${systems.reduce((n, s) => n + truthTemplates(s), 0)} | **${f3(ours.GA)}** | **${f3(ours.PA)}** | ${pog.reduce((n, r) => n + r.groups, 0)} | ${ms(total(pog))} | ` +
    (drainAvg
      ? `${f3(drainAvg.GA)} | ${f3(drainAvg.PA)} | ${drainRuns.reduce((n, r) => n + r.groups, 0)} | ${ms(total(drainRuns))} |`
      : 'n/a | n/a | n/a | n/a |'),
);

const meaning = drainAvg
  ? `**What it means.** With one configuration for all 16 systems, pog groups ${(100 * ours.GA).toFixed(1)}% of the lines exactly as the labels do (GA) and writes the labelled template for ${(100 * ours.PA).toFixed(1)}% of them (PA); Drain3 with its defaults reaches GA ${f3(drainAvg.GA)} and PA ${f3(drainAvg.PA)} on the same lines with the same scorer. ` +
    `Drain3 masks nothing by default, so ids, IPs and host names split its groups and stay in its templates; the published Drain figures (GA ≈ 0.87) need per-system regexes and thresholds. ` +
    `pog's remaining misses are mostly where the labels disagree with themselves from one system to the next: a few words in one place are kinds of message in some systems (\`VM Started\`/\`VM Paused\`, \`boot\`/\`wait\` commands) and values in others (the user names \`cyrus\`/\`news\`/\`test\` in Linux), units are part of the value in some systems (Proxifier, Spark: \`<*> B\` vs \`<*> KB\`) and not in others; PA also counts every line of a template wrong whenever the labels follow a convention pog does not (\`"GET <*>"\` for a whole HTTP request line, \`org.apache.hadoop.mapreduce.<*>\` for class names). ` +
    `Speed: pog mines the 32,000 lines in ${ms(total(pog))} ms against Drain3's ${ms(total(drainRuns))} ms, ${speedup!.toFixed(1)}× faster (${((1000 * total(pog)) / 32).toFixed(2)} µs a line against ${((1000 * total(drainRuns)) / 32).toFixed(2)}). It masks each distinct line once (half the lines of these files are repeats) in one pass over its characters, without building the masked line; it masks each distinct token *shape* once (the token with its digits read as 1: \`blk_-1608999687919862906\` and \`/10.250.19.102:50010\` are shapes shared by thousands of tokens), and groups the distinct masked forms. About a tenth of its time is the masking of new shapes (about fifteen kinds of typed value), which Drain3 does not do. ` +
    (speedup! >= 5
      ? `That meets the 5× the issue asks for. ${roundsNote}`
      : `That is short of the 5× the issue asks for, which would leave pog ${((1000 * total(drainRuns)) / 32 / 5).toFixed(2)} µs a line. ${roundsNote}`)
  : `**What it means.** pog: GA ${f3(ours.GA)}, PA ${f3(ours.PA)} with one configuration for all 16 systems. ${typeof peer === 'string' ? peer : 'Drain3 did not report every system.'}`;

const scoring =
  "GA: share of lines whose predicted group is exactly their labelled group; PA: share of lines whose template equals the label. Before comparing, both templates are normalised as loghub-2.0 does: a `<*>` that matches nothing in the line is dropped, whitespace runs become one space, and `<*>.<*>`, `<*><*>`, `<*>:<*>`, `<*> <*>` become `<*>` (src/eval/loghub.ts). Groups are the labels' normalised templates and each tool's own group ids.";
const timing = `Time: per system, the median of ${repeat} runs of the mining alone inside a running process (pog: \`mineLineTemplates\` plus each line's template; Drain3: the \`add_log_message\` loop plus each line's final cluster template); the two tools take turns for ${rounds} rounds and each system keeps its fastest round, so that a shared machine slowing down for a while slows both alike. Not timed: interpreter start-up, imports, CSV reading, scoring, and warm-up passes over the 16 systems (pog: three before the first round, Drain3: one in each round). The warm-up matters for Node only: its JIT compiler is still compiling pog's code during the first passes, and pog's first pass in a fresh process took ${ms(coldSeconds)} ms for the 32,000 lines; CPython compiles nothing. The last row sums the 16 systems.`;

const body = [
  '## Line templates on loghub-2k (`npm run bench:templates`)',
  '',
  `Machine: ${machine()}${typeof peer === 'string' ? '' : `, Python ${peer.python}, drain3 ${peer.drain3}`}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  '',
  `16 systems × 2,000 lines (\`../shared/corpora/loghub-2k\`, the 2022 corrected labels), one configuration for all: pog's default \`mineLineTemplates\` and Drain3's default \`TemplateMiner()\`. ${scoring}`,
  '',
  '| system | labelled templates | pog GA | pog PA | pog groups | pog ms | Drain3 GA | Drain3 PA | Drain3 groups | Drain3 ms |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  timing,
  '',
  meaning,
].join('\n');

console.log(body);
writeSection(join(root, 'BENCHMARKS.md'), 'bench:templates', body);
if (drainAvg && speedup !== null) {
  const met =
    ours.GA >= 0.9 && ours.PA >= 0.5 && ours.GA > drainAvg.GA && ours.PA > drainAvg.PA && speedup >= 5;
  console.error(
    `targets (GA ≥ 0.90, PA ≥ 0.50, more accurate than Drain3, ≥ 5× faster): ${met ? 'met' : 'NOT met'} (speed-up ${speedup.toFixed(1)}×)`,
  );
}
