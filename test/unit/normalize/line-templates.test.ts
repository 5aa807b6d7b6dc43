import { describe, expect, it } from 'vitest';
import {
  canonicalTemplate,
  LINE_MASKS,
  maskLine,
  maskToken,
  mineLineTemplates,
  TokenCache,
} from '../../../src/normalize/line-templates.js';
import { seededRandom } from '../../../src/util/random.js';

/** Each line's template: what stays the same whatever names the groups get. */
function templatesPerLine(lines: string[]): string[] {
  const { groups, templates } = mineLineTemplates(lines);
  return groups.map((g) => templates[g]!);
}

describe('maskLine', () => {
  it('masks typed values, also inside tokens', () => {
    expect(maskLine('Received block blk_-1608999687919862906 of size 67108864 from /10.250.19.102')).toEqual([
      'Received',
      'block',
      '<*>',
      'of',
      'size',
      '<*>',
      'from',
      '<*>',
    ]);
    expect(maskLine('session opened for user cyrus by (uid=0)')).toEqual([
      'session',
      'opened',
      'for',
      'user',
      'cyrus',
      'by',
      '(uid=<*>)',
    ]);
    expect(maskLine('generating core.2275')).toEqual(['generating', 'core.<*>']);
    expect(maskLine('Task attempt_1445144423722_0020_m_000000_0 done, took 2.5s')).toEqual([
      'Task',
      '<*>',
      'done,',
      'took',
      '<*>',
    ]);
  });

  it('masks dates and quoted values that span spaces as one value', () => {
    expect(maskLine('connection from 82.252.162.81 (x.adsl.proxad.net) at Sun Jul 10 03:55:15 2005')).toEqual(
      ['connection', 'from', '<*>', '(<*>)', 'at', '<*>'],
    );
    expect(maskLine('acquire lock=233570404, flags=0x1, tag="View Lock", ws=null')).toEqual([
      'acquire',
      'lock=<*>,',
      'flags=<*>,',
      'tag="<*>",',
      'ws=<*>',
    ]);
  });

  it('masks a path between delimiters, and nothing that only looks like one', () => {
    const cases: [string, string][] = [
      ['path:/usr/lib/x.so,', 'path:<*>,'],
      ['(/var/log/)', '(<*>)'],
      ['dir=/tmp/a"b', 'dir=<*>"b'],
      ['/a/b/', '<*>'],
      ['/a//b', '/a//b'],
      ['//', '//'],
      ['/', '/'],
      ['a/b', 'a/b'],
    ];
    for (const [token, masked] of cases) expect(maskToken(token), token).toBe(masked);
  });

  it('leaves words alone, digits and all', () => {
    for (const word of ['ssh2', 't761', 'eth0', 'SOCKS5', 'HTTPS', 'workerEnv.init()', 'load/store'])
      expect(maskToken(word)).toBe(word);
    for (const value of [
      'ffffffff',
      '9f4ef63',
      'v6.1.7601.23505',
      '64172MB',
      '-1',
      '0.25',
      'true',
      'ns.example.com',
    ])
      expect(maskToken(value)).toBe('<*>');
    expect(maskToken('/etc/httpd/conf/workers2.properties')).toBe('<*>');
    expect(maskToken('C:\\Windows\\winsxs\\x.dll')).toBe('<*>');
    expect(maskToken('http://example.com/a?b=1')).toBe('<*>');
  });

  it('splits on any whitespace and keeps no empty token', () => {
    expect(maskLine('  a  b\tc ')).toEqual(['a', 'b', 'c']);
    expect(maskLine('   ')).toEqual([]);
  });
});

describe('canonicalTemplate', () => {
  it('follows the corrected loghub labels: glued and adjacent variables are one', () => {
    expect(canonicalTemplate('blk_<*> t<*> core.<*> <*>.<*>.<*> <*>:<*> #<*># <*><*>')).toBe(
      '<*> <*> core.<*> <*> <*> <*> <*>',
    );
    // A wildcard inside a path keeps its slashes.
    expect(canonicalTemplate('/<*>/<*>')).toBe('/<*>/<*>');
  });
});

describe('mineLineTemplates', () => {
  it('groups the lines of one format string and marks what varies', () => {
    const lines = [
      'PacketResponder 1 for block blk_38865049064139660 terminating',
      'Received block blk_-1608999687919862906 of size 67108864 from /10.250.19.102',
      'PacketResponder 0 for block blk_-6952295868487656571 terminating',
      'Received block blk_3587508140051953248 of size 3 from /10.251.42.84',
    ];
    expect(templatesPerLine(lines)).toEqual([
      'PacketResponder <*> for block <*> terminating',
      'Received block <*> of size <*> from <*>',
      'PacketResponder <*> for block <*> terminating',
      'Received block <*> of size <*> from <*>',
    ]);
  });

  it('keeps a few words in one place as kinds of message, many as values', () => {
    const states = ['Started', 'Paused', 'Started', 'Paused', 'Resumed'].map(
      (s) => `[instance: 6d4e7fb9-0d0f-4c59-a3f3-3e0e7f5e2c1a] VM ${s} (Lifecycle Event)`,
    );
    expect(new Set(templatesPerLine(states))).toEqual(
      new Set([
        '[instance: <*>] VM Started (Lifecycle Event)',
        '[instance: <*>] VM Paused (Lifecycle Event)',
        '[instance: <*>] VM Resumed (Lifecycle Event)',
      ]),
    );
    const users = ['webmaster', 'admin', 'test', 'oracle', 'guest', 'pi'].map(
      (u, k) => `Invalid user ${u} from 1.2.3.${k}`,
    );
    expect(new Set(templatesPerLine(users))).toEqual(new Set(['Invalid user <*> from <*>']));
  });

  it('takes the values of one key as values, however few', () => {
    const lines = ['auth failure rhost=1.2.3.4 user=root', 'auth failure rhost=1.2.3.5 user=guest'];
    expect(new Set(templatesPerLine(lines))).toEqual(new Set(['auth failure rhost=<*> user=<*>']));
  });

  it('keeps an empty value apart, as loghub scores it', () => {
    const lines = [
      'connection from 1.2.3.4 () at Sun Jul 10 03:55:15 2005',
      'connection from 1.2.3.5 (a.example.com) at Sun Jul 10 03:55:16 2005',
      'connection from 1.2.3.7 () at Sun Jul 10 03:55:18 2005',
    ];
    expect(templatesPerLine(lines)).toEqual([
      'connection from <*> () at <*>',
      'connection from <*> (<*>) at <*>',
      'connection from <*> () at <*>',
    ]);
  });

  it('joins lines whose value spans more tokens in some of them', () => {
    const lines = [
      'p.example.com:5070 close, 0 bytes sent, 403 bytes received, lifetime 00:01',
      'q.example.com:80 close, 1190 bytes (1.16 KB) sent, 6057 bytes (5.91 KB) received, lifetime 00:04',
      'r.example.com:443 close, 0 bytes sent, 0 bytes received, lifetime <1 sec',
    ];
    expect(new Set(mineLineTemplates(lines).groups).size).toBe(1);
  });

  it('does not join a line that adds a field of its own', () => {
    const lines = [
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4',
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.5',
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 user=root',
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.6 user=admin',
    ];
    expect(new Set(mineLineTemplates(lines).groups).size).toBe(2);
  });

  it('gives the same groups and templates for the same lines in any order', () => {
    const lines = [
      ...['Started', 'Paused', 'Resumed', 'Stopped'].flatMap((s) =>
        [1, 2, 3].map((k) => `VM ${s} instance ${k}f3e9a${k}c0 (Lifecycle Event)`),
      ),
      ...['root', 'cyrus', 'news', 'test', 'guest', 'admin'].flatMap((u) => [
        `session opened for user ${u} by (uid=0)`,
        `session closed for user ${u}`,
      ]),
      ...[0, 1, 2, 3].map(
        (k) => `Receiving block blk_${k}1${k} src: /10.0.0.${k}:5001${k} dest: /10.0.0.9:50010`,
      ),
      'connection from 1.2.3.4 () at Sun Jul 10 03:55:15 2005',
      'connection from 1.2.3.5 (a.example.com) at Sun Jul 10 03:55:16 2005',
    ];
    const expected = templatesPerLine(lines);
    const byLine = new Map(lines.map((l, i) => [l, expected[i]]));
    const rand = seededRandom(7);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...lines];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const got = templatesPerLine(shuffled);
      shuffled.forEach((l, i) => expect(got[i]).toBe(byLine.get(l)));
      // And the partition, not only the template strings.
      const { groups } = mineLineTemplates(shuffled);
      const partition = (ls: string[], gs: number[]) =>
        new Set(
          [...new Set(gs)].map((g) =>
            ls
              .filter((_, i) => gs[i] === g)
              .sort()
              .join('\n'),
          ),
        );
      expect(partition(shuffled, groups)).toEqual(partition(lines, mineLineTemplates(lines).groups));
    }
  });

  it('handles no lines and empty lines', () => {
    expect(mineLineTemplates([])).toEqual({ groups: [], templates: [] });
    expect(templatesPerLine(['', '  '])).toEqual(['', '']);
  });
});

/**
 * The scan skips what cannot hold a value, reads tokens by their shape (digits as 1) and takes the
 * LINE_MASKS regexes only where a narrow trigger fires; each of these must give what the plain
 * definition gives: every line through the LINE_MASKS whose test passes, then every token through
 * maskToken.
 */
function maskLineByDefinition(line: string): string[] {
  let t = line;
  for (const [test, mask] of LINE_MASKS)
    if (test.test(t)) t = t.replace(mask, (m) => (m.startsWith('="') ? '="<*>"' : '<*>'));
  return t
    .split(/\s+/)
    .filter((token) => token !== '')
    .map(maskToken);
}

const PIECES = [
  'blk_',
  '-',
  '_',
  '.',
  ':',
  '/',
  '\\',
  '=',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '@',
  '#',
  '~',
  'x',
  'X',
  '0x',
  'v',
  'KB',
  'ms',
  's',
  'true',
  'False',
  'null',
  'ffff',
  'deadbeef',
  'abc',
  'Jun',
  'Mon',
  'com',
  'net',
  'local',
  'http://',
  'C:',
  '<*>',
  'é',
  '好',
  'u',
  'l',
];

/** A token of digits, separators and words, the kinds of thing the masks tell apart. */
function randomToken(random: () => number): string {
  let t = '';
  const parts = 1 + Math.floor(random() * 6);
  for (let k = 0; k < parts; k++) {
    if (random() < 0.45) {
      const digits = 1 + Math.floor(random() * (random() < 0.2 ? 20 : 5));
      for (let d = 0; d < digits; d++) t += String(Math.floor(random() * 10));
    } else t += PIECES[Math.floor(random() * PIECES.length)]!;
  }
  return t;
}

function randomLine(random: () => number): string {
  const words = [
    'Received',
    'block',
    'of',
    'size',
    'from',
    'at',
    'Jun',
    '20',
    'Mon',
    'user',
    'tag="a b"',
    'x=1',
  ];
  const tokens: string[] = [];
  const n = Math.floor(random() * 12);
  for (let k = 0; k < n; k++)
    tokens.push(random() < 0.4 ? words[Math.floor(random() * words.length)]! : randomToken(random));
  if (random() < 0.1) tokens.push('2015-10-17 15:37:56,547');
  if (random() < 0.1) tokens.push('Mon Jun 20 04:02:54 2005');
  const spaces = [' ', ' ', ' ', '  ', '\t'];
  return tokens.reduce(
    (line, t) => line + spaces[Math.floor(random() * spaces.length)]! + t,
    random() < 0.1 ? ' ' : '',
  );
}

describe('maskLine against its definition', () => {
  it('masks generated lines as LINE_MASKS then maskToken on every token would, with one cache for all', () => {
    const random = seededRandom(7);
    const cache = new TokenCache();
    for (let k = 0; k < 20_000; k++) {
      const line = randomLine(random);
      expect(maskLine(line, cache), line).toEqual(maskLineByDefinition(line));
    }
  });

  it('masks a token like its shape (digits read as 1 but the 0 of 0x) wherever the shape lost every digit', () => {
    const random = seededRandom(11);
    let checked = 0;
    for (let k = 0; k < 50_000; k++) {
      const token = randomToken(random);
      const shape = token.replace(/[0-9]/g, (d, at: number) =>
        d === '0' && /[xX]/.test(token[at + 1] ?? '') ? '0' : '1',
      );
      const masked = maskToken(shape);
      if (masked.includes('1') && masked !== shape) continue;
      expect(maskToken(token), token).toBe(masked === shape ? token : masked);
      checked++;
    }
    expect(checked).toBeGreaterThan(20_000);
  });
});
