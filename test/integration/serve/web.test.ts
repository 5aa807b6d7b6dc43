import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/serve/server.js';
import { act, showItem } from '../../../src/triage/queue.js';
import { tempDir } from '../../helpers/paths.js';
import { REVIEW, SUMMARISE, itemOf, seedQueue } from '../../helpers/triage-db.js';

/*
 * The reviewers' page in a real headless Chromium (Debian's, driven by playwright-core). CI installs
 * it (.ci/run); without it the suite says so and skips.
 */
const CHROMIUM = process.env.POG_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `[skip] no Chromium at ${CHROMIUM}: the browser tests are skipped (apt-get install -y chromium).`,
  );

const HOSTILE = [
  'Explain this snippet <script>window.__pwned = 1</script> in simple words',
  'Explain this snippet <img src=x onerror="window.__pwned = 2"> in simple words',
  'Explain this snippet <iframe src="javascript:window.__pwned=3"></iframe> in simple words',
];

let db: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const ids: Record<string, string> = {};

beforeAll(async () => {
  if (!hasChromium) return;
  db = join(tempDir(), 'pog.duckdb');
  await seedQueue(db, { p_review: REVIEW, p_summarise: SUMMARISE, p_hostile: HOSTILE });
  for (const p of ['p_review', 'p_summarise', 'p_hostile']) ids[p] = await itemOf(db, p);
  server = await startServer({ db, host: '127.0.0.1', port: 0, token: 'secret-token', claimMinutes: 30 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage();
  page.on('dialog', () => {
    throw new Error('a dialog opened: chat text ran as script');
  });
  await page.goto(`${server.url}/#token=secret-token`);
  await page.fill('#reviewer', 'alice');
  await page.dispatchEvent('#reviewer', 'change');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(patternId: string): Promise<void> {
  await page.click(`tr[data-id="${ids[patternId]}"]`);
  await page.waitForSelector(`#item-meta:has-text("${ids[patternId]}")`);
}

function post(
  path: string,
  headers: Record<string, string>,
  body = '{"action":"approve","reviewer":"mallory"}',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const req = request(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!hasChromium)('pog serve in a browser', () => {
  it('a reviewer approves: the template is shown with its slots marked, the queue updates', async () => {
    await page.waitForSelector(`tr[data-id="${ids.p_review}"]`);
    await open('p_review');
    expect(await page.locator('#template mark.slot').count()).toBe(3);
    expect(await page.locator('#members mark.value').count()).toBeGreaterThanOrEqual(4);
    await page.fill('#note', 'useful for every language');
    await page.click('#approve');
    await page.waitForSelector('#message:has-text("approve: done")');
    expect((await showItem(db, ids.p_review!)).item).toMatchObject({
      status: 'approved',
      decidedBy: 'alice',
    });
    expect(await page.locator(`tr[data-id="${ids.p_review}"]`).count()).toBe(0); // no longer open
  });

  it('a reviewer edits a template and merges a pattern into it', async () => {
    await open('p_summarise');
    await page.fill('#template-edit', 'Summarise this {{document}} in {{count}} bullet points');
    await page.click('#save-edit');
    await page.waitForSelector('#message:has-text("edit: done")');
    await page.waitForSelector('#template mark.slot[data-slot="count"]');
    expect(await page.textContent('#template')).toBe(
      'Summarise this {{document}} in {{count}} bullet points',
    );

    await open('p_hostile');
    await page.selectOption('#merge-into', ids.p_summarise!);
    await page.click('#merge');
    await page.waitForSelector('#message:has-text("merge: done")');
    const merged = await showItem(db, ids.p_hostile!);
    expect(merged.item).toMatchObject({ status: 'merged', mergedInto: ids.p_summarise });
    expect((await showItem(db, ids.p_summarise!)).item.size).toBe(6);
  });

  it('a prompt holding <script>, <img onerror> and <iframe> stays inert text', async () => {
    await open('p_summarise'); // the hostile members live here now
    const members = page.locator('#members');
    await expect.poll(() => members.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await members.textContent()).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(await page.locator('#members script, #members img, #members iframe').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
  });

  it('a decision someone else made first shows as a conflict on the page', async () => {
    await page.selectOption('#status', 'all');
    await open('p_summarise');
    // alice, in another tab (she holds the claim since her edit), rejects what this page still shows.
    await act(db, { itemId: ids.p_summarise!, action: 'reject', reviewer: 'alice', claimMinutes: 30 });
    await page.click('#approve');
    await page.waitForSelector('#message.conflict');
    expect(await page.textContent('#message')).toMatch(
      /already rejected by alice|changed since you loaded it/,
    );
  });

  it('writes need the token, the CSRF token, this origin and this host', async () => {
    const path = `/api/items/${ids.p_summarise}/actions`;
    const csrf = await page.getAttribute('meta[name="pog-csrf"]', 'content');
    const good = { Origin: server.url, Authorization: 'Bearer secret-token', 'X-CSRF-Token': csrf! };
    expect(await post(path, { ...good, Authorization: 'Bearer wrong' })).toBe(401);
    expect(await post(path, { ...good, 'X-CSRF-Token': 'forged' })).toBe(403);
    expect(await post(path, { ...good, Origin: 'http://evil.example' })).toBe(403);
    expect(await post(path, { ...good, Host: 'evil.example' })).toBe(421);
    expect(await post(path, good)).toBe(409); // accepted as a request; the item is rejected already
  });
});
