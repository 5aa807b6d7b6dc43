import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alignWithContent,
  averageScores,
  normalizeTemplate,
  readLoghub,
  scoreTemplates,
  type LabelledLine,
} from '../../../src/eval/loghub.js';
import { tempDir } from '../../helpers/paths.js';

const line = (content: string, template: string): LabelledLine => ({ content, template });

describe('normalizeTemplate (loghub-2.0)', () => {
  it('collapses whitespace and adjacent wildcards', () => {
    expect(normalizeTemplate('  a   <*> <*>  b ')).toBe('a <*> b');
    expect(normalizeTemplate('<*>.<*>.<*>:<*> x <*><*>')).toBe('<*> x <*>');
    expect(normalizeTemplate('lifetime <*>:<*>')).toBe('lifetime <*>');
  });

  it('leaves other punctuation between wildcards alone', () => {
    expect(normalizeTemplate('<*>/<*> and <*>,<*>')).toBe('<*>/<*> and <*>,<*>');
  });
});

describe('alignWithContent (loghub-2.0 align_with_null_values)', () => {
  it('drops a wildcard that matches nothing in the line', () => {
    expect(alignWithContent('connection from <*> (<*>) at <*>', 'connection from 1.2.3.4 () at Sun')).toBe(
      'connection from <*> () at <*>',
    );
    expect(alignWithContent('error = <*>', 'error = ')).toBe('error = ');
  });

  it('takes the shortest value for each wildcard, left to right', () => {
    // The first wildcard takes "a" (lazy), the second "b c".
    expect(alignWithContent('<*> <*>', 'a b c')).toBe('<*> <*>');
    expect(alignWithContent('x<*>y<*>', 'xyy')).toBe('xy<*>');
  });

  it('returns a template that does not match unchanged, quickly', () => {
    expect(alignWithContent('a <*> b', 'c d e')).toBe('a <*> b');
    const long = 'x '.repeat(2000);
    const started = performance.now();
    expect(alignWithContent('<*> <*> <*> <*> <*> <*> <*> <*> z', long)).toBe(
      '<*> <*> <*> <*> <*> <*> <*> <*> z',
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('scoreTemplates', () => {
  const truth = [
    line('open a', 'open <*>'),
    line('open b', 'open <*>'),
    line('close a', 'close <*>'),
    line('close b', 'close <*>'),
  ];

  it('is 1 for the labelled groups and templates, whatever the group names', () => {
    const predicted = [
      { group: 'x', template: 'open <*>' },
      { group: 'x', template: 'open <*>' },
      { group: 7, template: 'close <*>' },
      { group: 7, template: 'close <*>' },
    ];
    expect(scoreTemplates(truth, predicted)).toEqual({ GA: 1, PA: 1 });
  });

  it('counts a line grouped right only when its group is exactly its labelled group', () => {
    // Two labelled groups merged into one: no line is grouped right.
    const merged = truth.map(() => ({ group: 0, template: '<*> <*>' }));
    expect(scoreTemplates(truth, merged)).toEqual({ GA: 0, PA: 0 });
    // One labelled group split in two: its two lines are wrong, the other group's right.
    const split = [
      { group: 0, template: 'open a' },
      { group: 1, template: 'open <*>' },
      { group: 2, template: 'close <*>' },
      { group: 2, template: 'close <*>' },
    ];
    expect(scoreTemplates(truth, split)).toEqual({ GA: 0.5, PA: 0.75 });
  });

  it('compares templates after loghub-2.0 normalisation, on both sides', () => {
    const t = [line('took 10 ms to 1.2.3.4:80', 'took <*> ms to <*>')];
    expect(scoreTemplates(t, [{ group: 0, template: 'took <*> ms  to <*>.<*>:<*>' }]).PA).toBe(1);
    expect(scoreTemplates(t, [{ group: 0, template: 'took <*> to <*>' }]).PA).toBe(0);
    // A labelled wildcard that the line leaves empty is dropped before comparing.
    const empty = [line('ruser= rhost=x', 'ruser=<*> rhost=<*>')];
    expect(scoreTemplates(empty, [{ group: 0, template: 'ruser= rhost=<*>' }]).PA).toBe(1);
  });

  it('averages systems with equal weight', () => {
    expect(
      averageScores([
        { GA: 1, PA: 0.5 },
        { GA: 0.5, PA: 0 },
      ]),
    ).toEqual({ GA: 0.75, PA: 0.25 });
  });
});

describe('readLoghub', () => {
  it('reads Content and EventTemplate from each CSV, by system name', () => {
    const dir = join(tempDir(), 'loghub');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'Tiny.csv'),
      'LineId,Content,EventId,EventTemplate\n1,"a, ""quoted"" b",E1,"a, ""quoted"" <*>"\n2,plain,E2,plain\n',
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a system');
    expect(readLoghub(dir)).toEqual([
      {
        name: 'Tiny',
        lines: [
          { content: 'a, "quoted" b', template: 'a, "quoted" <*>' },
          { content: 'plain', template: 'plain' },
        ],
      },
    ]);
    expect(readLoghub(join(dir, 'missing'))).toEqual([]);
  });
});
