import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { clearSlackDirectoryCache, slackDirectory } from '../../../../src/ingest/adapters/slack-directory.js';
import { mrkdwnToText } from '../../../../src/ingest/adapters/slack-mrkdwn.js';
import { slackAdapter } from '../../../../src/ingest/adapters/slack.js';
import { expandInputs, openSource } from '../../../../src/ingest/sources.js';
import type { InputRef, MessageInput, SourceFile } from '../../../../src/ingest/types.js';
import {
  describeShared,
  expectDetectsExactly,
  fileSource,
  filesUnder,
  fixtureDir,
  ingestDir,
  ingestFixtures,
  messagesOf,
  parseEvents,
  problemsOf,
  readExpected,
  readHead,
  readSharedExpected,
  sharedExport,
  sourceHead,
  textsOf,
} from '../../../helpers/adapter-harness.js';
import { tempDir } from '../../../helpers/paths.js';
import { makeZip } from '../../../helpers/zip.js';

const dir = fixtureDir('slack');
const expected = readExpected(dir);
const exportDir = join(dir, 'export');
const COMPANIONS = [
  'users.json',
  'channels.json',
  'groups.json',
  'dms.json',
  'mpims.json',
  'integration_logs.json',
  'canvases.json',
];

const parseSource = (source: SourceFile) => parseEvents(slackAdapter, source);

/** A fixture file as a folder walk finds it: relative to the export folder the user named. */
const inExport = (rel: string): SourceFile =>
  openSource({ path: join(exportDir, rel), root: exportDir, explicit: false });

beforeEach(() => clearSlackDirectoryCache());

describe('slack adapter: fixtures', () => {
  it.each(Object.keys(expected))('%s: exactly the typed messages, and its problems', async (file) => {
    const events = await parseSource(inExport(relative('export', file)));
    expect(textsOf(events)).toEqual(expected[file]!.userMessages);
    expect(problemsOf(events)).toEqual(expected[file]!.problems);
  });

  it('resolves channels, threads, authors and times from the export', async () => {
    const messages = messagesOf(await parseSource(inExport('general/2024-03-04.json')));
    const byText = (start: string): MessageInput => messages.find((m) => m.text.startsWith(start))!;
    expect(
      messages.every((m) => m.conversationId === 'C01GENERAL' && m.conversationTitle === 'general'),
    ).toBe(true);
    expect(messages.every((m) => m.role === 'user' && m.workspace === null)).toBe(true);
    const parent = byText('How do I rotate');
    expect(parent).toMatchObject({
      sourceMessageId: '1709542800.000100',
      threadId: '1709542800.000100',
      author: 'U01BOB0000',
      authorName: 'Bob Chen',
      createdAt: '2024-03-04T09:00:00.000Z',
    });
    expect(byText('Use `vault').threadId).toBe('1709542800.000100');
    expect(byText('Thanks!').threadId).toBe('1709542800.000100'); // sent to the channel too
    expect(byText('Write a SQL').threadId).toBeNull();
    expect(byText('Draft release notes')).toMatchObject({ author: 'W01CAROL00', authorName: 'carol.d' });
    // Not in users.json: the name comes from the message's own user_profile.
    expect(byText('Is there a prompt')).toMatchObject({ author: 'U09GUEST00', authorName: 'guest-dev' });
    // Each ts once, with the export's final (edited) text.
    expect(new Set(messages.map((m) => m.sourceMessageId)).size).toBe(messages.length);
  });

  it('names DMs by their members and private channels by their name', async () => {
    const [dm] = messagesOf(await parseSource(inExport('D01ALIBOB0/2024-03-05.json')));
    expect(dm).toMatchObject({ conversationId: 'D01ALIBOB0', conversationTitle: 'alice, Bob Chen' });
    const [group] = messagesOf(await parseSource(inExport('secret-project/2024-03-05.json')));
    expect(group).toMatchObject({ conversationId: 'G01SECRET0', conversationTitle: 'secret-project' });
  });

  it('gives identical ids when the same export is imported again', async () => {
    const ids = (ms: MessageInput[]): string[] => ms.map((m) => `${m.conversationId}/${m.sourceMessageId}`);
    const first = messagesOf(await parseSource(inExport('general/2024-03-04.json')));
    clearSlackDirectoryCache();
    const again = messagesOf(await parseSource(inExport('general/2024-03-04.json')));
    expect(ids(again)).toEqual(ids(first));
  });

  it('falls back to raw ids and the folder name when the file is read on its own', async () => {
    const source = fileSource(join(exportDir, 'general/2024-03-04.json'));
    const messages = messagesOf(await parseSource(source));
    expect(messages[0]).toMatchObject({
      conversationId: 'general',
      conversationTitle: 'general',
      text: '@U01BOB0000 can you check the runbook (https://example.com/runbook?a=1&b=2) for the <service> restart steps & timings?',
    });
    // Without users.json the bot user is not known: its message is kept, the others' are still filtered.
    expect(messages.map((m) => m.text)).toContain('Rollback available for api@1.4.2');
    expect(messages.map((m) => m.text)).not.toContain('Deploy of api@1.4.2 finished');
  });

  it('reads the lookup files once per export, not once per day file', async () => {
    let siblingReads = 0;
    const counted = (rel: string): SourceFile => {
      const source = inExport(rel);
      return {
        ...source,
        sibling: (p) => {
          siblingReads++;
          return source.sibling(p);
        },
      };
    };
    await parseSource(counted('general/2024-03-04.json'));
    const once = siblingReads;
    await parseSource(counted('secret-project/2024-03-05.json'));
    await parseSource(counted('D01ALIBOB0/2024-03-05.json'));
    expect(once).toBeGreaterThan(0);
    expect(siblingReads).toBe(once);
  });

  it('reads a zipped export the same way, resolving names inside the archive', async () => {
    const root = 'acme Slack export Mar 4 2024';
    const entries = filesUnder(exportDir).map((p) => ({
      name: `${root}/${relative(exportDir, p).split('\\').join('/')}`,
      data: readFileSync(p),
    }));
    const zip = join(tempDir(), 'slack.zip');
    writeFileSync(zip, makeZip(entries));
    const { refs } = await expandInputs([zip]);
    expect(refs).toHaveLength(entries.length);
    for (const ref of refs as (InputRef & { entry: string })[]) {
      const source = openSource(ref);
      const text = await sourceHead(source, { keepBom: true });
      const name = ref.entry.slice(root.length + 1);
      if (COMPANIONS.includes(name)) {
        expect(slackAdapter.detect(text), name).toBe(false);
        expect(slackAdapter.companion!(text), name).toBeTruthy();
        continue;
      }
      expect(slackAdapter.detect(text), name).toBe(true);
      const events = await parseSource(source);
      expect(textsOf(events)).toEqual(expected[`export/${name}`]!.userMessages);
    }
    const dm = refs.find((r) => r.entry?.includes('D01ALIBOB0'))!;
    expect(messagesOf(await parseSource(openSource(dm)))[0]!.conversationTitle).toBe('alice, Bob Chen');
  });

  it('throws InputError, saying why, when nothing in the file is readable', async () => {
    const path = join(tempDir(), '2024-03-09.json');
    writeFileSync(path, '[{"type": "message", "user": "U01ALICE00", "text": "cut off here');
    const source = fileSource(path);
    expect(slackAdapter.detect(readHead(path))).toBe(true);
    await expect(parseSource(source)).rejects.toThrow(InputError);
    await expect(parseSource(source)).rejects.toThrow(/no readable Slack message.*ends early/);
  });
});

describe('slack mrkdwn', () => {
  const directory = {
    users: new Map([['U024BE7LH', { name: 'bob', names: ['bob'], isBot: false }]]),
    byFolder: new Map(),
    byId: new Map([['C024BE7LR', { id: 'C024BE7LR', title: 'general' }]]),
  };
  it.each([
    ['<@U024BE7LH> hi', '@bob hi'],
    ['<@U999999999|old-name> hi', '@old-name hi'],
    ['see <#C024BE7LR|general> and <#C024BE7LR>', 'see #general and #general'],
    ['<https://x.io/a?b=1&amp;c=2|the docs>', 'the docs (https://x.io/a?b=1&c=2)'],
    ['<https://x.io/>', 'https://x.io/'],
    ['<mailto:a@b.io|a@b.io>', 'a@b.io'],
    ['<!here> <!channel> <!everyone|@everyone>', '@here @channel @everyone'],
    ['<!date^1392734382^{date_short}|Feb 18, 2014>', 'Feb 18, 2014'],
    ['a &lt;b&gt; &amp;&amp; c &amp;lt;', 'a <b> && c &lt;'],
    ['1 < 2 and 3 > 2', '1 < 2 and 3 > 2'],
  ])('%s', (input, want) => {
    expect(mrkdwnToText(input, directory)).toBe(want);
  });
});

describe('slack detection', () => {
  const mine = new Set(Object.keys(expected).map((f) => join(dir, f)));
  const companions = new Set(COMPANIONS.map((f) => join(exportDir, f)));

  it('claims its day files and no other fixture in test/fixtures/ingest', () => {
    const files = ingestFixtures();
    expect(files.length).toBeGreaterThan(mine.size);
    expectDetectsExactly(slackAdapter, files, (file) => mine.has(file));
  });

  it('recognises every companion file of the export by content', () => {
    for (const file of companions) {
      expect(slackAdapter.companion!(readHead(file)), relative(ingestDir, file)).toBeTruthy();
    }
    for (const file of mine) expect(slackAdapter.companion!(readHead(file))).toBeUndefined();
    expect(slackAdapter.companion!('{"name": "x", "version": "1.0.0"}')).toBeUndefined();
    expect(slackAdapter.companion!('[{"id": "abc", "title": "not slack"}]')).toBeUndefined();
  });

  it('reads a head cut in the middle of a long first message', () => {
    const cut = `[\n    {\n        "type": "message",\n        "user": "U01ALICE00",\n        "text": "${'x'.repeat(70_000)}`;
    expect(slackAdapter.detect(cut.slice(0, 64 * 1024))).toBe(true);
  });
});

describeShared('slack adapter on the real export (../shared)', () => {
  it('testarchive.zip: every entry is a day file or a companion, with the hand-counted prompts', async () => {
    const counts = readSharedExpected('platforms');
    const { refs } = await expandInputs([sharedExport('slack/testarchive.zip')]);
    let prompts = 0;
    const problems: string[] = [];
    for (const ref of refs) {
      const source = openSource(ref);
      const text = await sourceHead(source, { keepBom: true });
      if (!slackAdapter.detect(text)) {
        expect(slackAdapter.companion!(text), ref.entry).toBeTruthy();
        continue;
      }
      const events = await parseSource(source);
      prompts += messagesOf(events).length;
      problems.push(...problemsOf(events));
    }
    expect(problems).toEqual([]);
    expect(prompts).toBe(counts['slack/testarchive.zip']!.userPrompts);
  });

  it('claims no other real export', () => {
    const others = filesUnder(sharedExport()).filter((f) => !f.endsWith('.zip'));
    for (const file of others) expect(slackAdapter.detect(readHead(file)), file).toBe(false);
  });
});

describe('slack directory', () => {
  it('is empty, not an error, for a file outside any export folder', async () => {
    const source = fileSource(join(exportDir, 'users.json'));
    const d = await slackDirectory(source);
    expect(d.users.size).toBe(0);
  });
});
