import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averageScores, evaluateLoghub, readLoghub } from '../../../src/eval/loghub.js';
import { sharedCorpora } from '../../helpers/paths.js';

const loghub = join(sharedCorpora, 'loghub-2k');
const present = existsSync(loghub);
if (!present) console.warn(`[skip] ${loghub} is absent: the loghub-2k template-mining test is skipped.`);

// The acceptance bar of line-template mining: one configuration for all 16 systems.
describe.skipIf(!present)('line templates on loghub-2k', () => {
  it('reaches average GA ≥ 0.90 and PA ≥ 0.50 with one configuration, fast', () => {
    const systems = readLoghub(loghub);
    expect(systems.map((s) => s.lines.length)).toEqual(new Array<number>(16).fill(2000));
    const scores = evaluateLoghub(systems);
    const average = averageScores(scores);
    const report = scores.map((s) => `${s.name} GA ${s.GA.toFixed(3)} PA ${s.PA.toFixed(3)}`).join('; ');
    expect(average.GA, report).toBeGreaterThanOrEqual(0.9);
    expect(average.PA, report).toBeGreaterThanOrEqual(0.5);
    // Every system well above chance, so one good system cannot carry a broken one.
    for (const s of scores) expect(s.GA, s.name).toBeGreaterThan(0.8);
  });
});
