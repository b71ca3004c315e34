/**
 * Offline first: a reviewer loses the network, votes and writes a note, reloads while
 * offline (the app shell comes from the service worker, the docs from IndexedDB, the board
 * metadata from localStorage) and still sees them; back online, both reviewers converge.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { addMember, api, createUser, useServerAndBrowser, openAs, screenshot, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const count = (page: Page, key: string) => page.locator(`[data-testid="chart"] tr[data-key="${key}"]`).getAttribute('data-count');

describe('offline reviewer', () => {
  it('votes and notes made offline survive a reload and sync on reconnect', async () => {
    const alice = await createUser(server.url, 'Alice Owner');
    const bob = await createUser(server.url, 'Bob Traveller');
    const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Train ride', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    await addMember(server.url, alice, boardId, bob, 'reviewer');

    const [a, b] = await Promise.all([openAs(browser, server, alice, `/boards/${boardId}`), openAs(browser, server, bob, `/boards/${boardId}`)]);
    const first = b.page.locator('[data-testid="claim-list"] .claim-item').first();
    await first.waitFor();
    const claimId = (await first.getAttribute('data-claim'))!;
    await waitSaved(b.page);
    // The service worker must control the page before the network goes away.
    await expect
      .poll(() => b.page.evaluate(async () => (await navigator.serviceWorker.ready, navigator.serviceWorker.controller !== null)), { timeout: 10_000 })
      .toBe(true);
    await a.page.locator(`#claim-item-${claimId}`).click();

    await b.context.setOffline(true);
    await b.page.locator('[data-testid="status"][data-connected="false"]').waitFor();
    expect(await b.page.locator('[data-testid="status"]').textContent()).toContain('Offline');

    await first.click();
    await b.page.locator('.rating[data-rating="2"]').click();
    await b.page.getByRole('textbox', { name: 'Add a note' }).fill('Written on the train, no signal.');
    await b.page.getByRole('button', { name: 'Post note' }).click();
    await b.page.locator('[data-testid="note"]', { hasText: 'Written on the train' }).waitFor();
    // Meanwhile Alice votes online.
    await a.page.locator('.rating[data-rating="5"]').click();
    await waitSaved(a.page);
    // Give IndexedDB a moment to commit before the reload.
    await b.page.waitForTimeout(300);

    await b.page.reload();
    await b.page.locator(`#claim-item-${claimId}`, { hasText: 'you: Mostly false' }).waitFor({ timeout: 10_000 });
    expect(await b.page.locator('[data-testid="status"]').getAttribute('data-connected')).toBe('false');
    await b.page.locator(`#claim-item-${claimId}`).click();
    await b.page.locator('[data-testid="note"]', { hasText: 'Written on the train' }).waitFor();
    expect(await count(b.page, '5')).toBe('0'); // Alice's vote has not arrived: really offline
    expect(await count(a.page, '2')).toBe('0');
    await screenshot(b.page, 'offline');

    await b.context.setOffline(false);
    await waitSaved(b.page);
    await expect.poll(() => count(a.page, '2'), { timeout: 5000 }).toBe('1');
    await expect.poll(() => count(b.page, '5'), { timeout: 5000 }).toBe('1');
    await a.page.locator('[data-testid="note"]', { hasText: 'Written on the train' }).waitFor({ timeout: 5000 });
    for (const p of [a.page, b.page]) {
      expect(await p.locator('[data-testid="voters"]').textContent()).toMatch(/Alice Owner: True.*Bob Traveller: Mostly false|Bob Traveller: Mostly false.*Alice Owner: True/s);
    }
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
