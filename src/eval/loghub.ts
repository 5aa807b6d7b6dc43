import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { collapseWildcards, mineLineTemplates } from '../normalize/line-templates.js';

/*
 * Scoring of line-template mining against loghub-2k (the 2022 corrected labels), with the metrics of
 * the logpai evaluators:
 *
 *   GA (grouping accuracy): the share of lines whose predicted group holds exactly the lines of their
 *       ground-truth group, and nothing else (logparser's `get_accuracy`). Ground-truth groups are the
 *       lines with the same normalised EventTemplate (as loghub-2.0 groups them); predicted groups are
 *       the miner's own group ids, so two predicted groups that print the same template stay two.
 *   PA (parsing accuracy): the share of lines whose normalised predicted template equals their
 *       normalised ground-truth template (loghub-2.0's `calculate_parsing_accuracy`).
 *
 * Normalisation, applied in the same way to both sides (loghub-2.0's `evaluator_main.py` applies the
 * first step to both and the rest to the labels; applying it to both makes the comparison symmetric):
 *   1. `align_with_null_values`: a `<*>` that matches the empty string in the line's Content (lazy,
 *      left-to-right match of the template against the Content) is removed;
 *   2. whitespace runs become one space and the ends are trimmed (the DS rule of the 2022 guidelines);
 *   3. `<*>.<*>` becomes `<*>` until nothing changes (DV);
 *   4. `<*><*>`, `<*>:<*>` and `<*> <*>` become `<*>` until nothing changes (CV and
 *      `correct_template_general`).
 */

export const WILDCARD = '<*>';

export interface LabelledLine {
  content: string;
  /** The ground-truth template, wildcards written `<*>`. */
  template: string;
}

export interface PredictedLine {
  /** Lines with the same group are one predicted template group. */
  group: number | string;
  template: string;
}

export interface TemplateScores {
  GA: number;
  PA: number;
}

/** Steps 2–4 above. */
export function normalizeTemplate(template: string): string {
  const t = collapseWildcards(template.replace(/\s+/g, ' ').trim(), ['<*>.<*>']);
  return collapseWildcards(t, ['<*><*>', '<*>:<*>', '<*> <*>']);
}

/**
 * Step 1: drops each `<*>` that takes the empty string when the template is matched against the
 * content as Python's `re.search('^' + '(.*?)'.join(parts) + '$')` does; the template is returned
 * unchanged when it does not match. Dynamic programming instead of that regex, which backtracks
 * polynomially (degree = wildcard count) on long lines that do not match; same result.
 */
export function alignWithContent(template: string, content: string): string {
  const parts = template.split(WILDCARD);
  const last = parts.length - 1;
  if (last === 0) return template;
  const n = content.length;
  // starts[k][p]: parts k.. match content[p..] with part k at p. from[k][p]: starts[k][r] for some r ≥ p.
  // Filled from the last part backwards: O(parts × length), where the regex can take far longer.
  const starts: Uint8Array[] = [];
  const from: Uint8Array[] = [];
  for (let k = last; k >= 0; k--) {
    const s = new Uint8Array(n + 1);
    const f = new Uint8Array(n + 2);
    const part = parts[k]!;
    for (let p = n; p >= 0; p--) {
      const q = p + part.length;
      s[p] = content.startsWith(part, p) && (k === last ? q === n : from[k + 1]![q] === 1) ? 1 : 0;
      f[p] = s[p] || f[p + 1] ? 1 : 0;
    }
    starts[k] = s;
    from[k] = f;
  }
  if (!starts[0]![0]) return template;
  let out = parts[0]!;
  let p = parts[0]!.length;
  for (let k = 1; k <= last; k++) {
    // The lazy choice: the shortest value for this wildcard that lets the rest match.
    let r = p;
    while (!starts[k]![r]) r++;
    if (r > p) out += WILDCARD;
    out += parts[k]!;
    p = r + parts[k]!.length;
  }
  return out;
}

/** Both sides' template for one line, as the metrics compare them. */
export function comparableTemplate(template: string, content: string): string {
  return normalizeTemplate(alignWithContent(template, content));
}

export function scoreTemplates(
  truth: readonly LabelledLine[],
  predicted: readonly PredictedLine[],
): TemplateScores {
  if (truth.length !== predicted.length) throw new Error('truth and predicted differ in length');
  const n = truth.length;
  if (n === 0) return { GA: 1, PA: 1 };
  const truthKey = truth.map((l) => comparableTemplate(l.template, l.content));
  let parsed = 0;
  for (let i = 0; i < n; i++) {
    if (comparableTemplate(predicted[i]!.template, truth[i]!.content) === truthKey[i]) parsed++;
  }

  const truthSize = new Map<string, number>();
  for (const k of truthKey) truthSize.set(k, (truthSize.get(k) ?? 0) + 1);
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const g = `${typeof predicted[i]!.group}:${predicted[i]!.group}`;
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  }
  let grouped = 0;
  for (const list of members.values()) {
    const k = truthKey[list[0]!]!;
    if (truthSize.get(k) === list.length && list.every((i) => truthKey[i] === k)) grouped += list.length;
  }
  return { GA: grouped / n, PA: parsed / n };
}

export interface LoghubSystem {
  name: string;
  lines: LabelledLine[];
}

/** The `<System>.csv` files of a loghub-2k folder (columns …, Content, …, EventTemplate), by name. */
export function readLoghub(dir: string): LoghubSystem[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return files.map((f) => {
    const rows = parse<Record<string, string>>(readFileSync(join(dir, f), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      relax_quotes: true,
    });
    return {
      name: basename(f, '.csv'),
      lines: rows.map((r) => ({ content: r.Content ?? '', template: r.EventTemplate ?? '' })),
    };
  });
}

export interface SystemScores extends TemplateScores {
  name: string;
  lines: number;
  /** Groups the miner found. */
  groups: number;
  /** Wall time of the mining alone (not reading or scoring). */
  seconds: number;
}

/** A miner's answer for one system: the group and template of each line, in input order. */
export type LineMiner = (lines: readonly string[]) => PredictedLine[];

/** pog's line-template miner in the shape the scorer takes. */
export const pogMiner: LineMiner = (lines) => {
  const { groups, templates } = mineLineTemplates(lines);
  return groups.map((g) => ({ group: g, template: templates[g]! }));
};

/** Mines and scores every system of a loghub-2k folder with one configuration. */
export function evaluateLoghub(systems: readonly LoghubSystem[], mine: LineMiner = pogMiner): SystemScores[] {
  return systems.map((s) => {
    const contents = s.lines.map((l) => l.content);
    const started = performance.now();
    const predicted = mine(contents);
    const seconds = (performance.now() - started) / 1000;
    return {
      name: s.name,
      ...scoreTemplates(s.lines, predicted),
      lines: s.lines.length,
      groups: new Set(predicted.map((p) => p.group)).size,
      seconds,
    };
  });
}

export function averageScores(scores: readonly TemplateScores[]): TemplateScores {
  const n = scores.length || 1;
  return {
    GA: scores.reduce((sum, s) => sum + s.GA, 0) / n,
    PA: scores.reduce((sum, s) => sum + s.PA, 0) / n,
  };
}
