/**
 * Invitations and return visits: an owner makes an invite link in the UI, a newcomer creates
 * an account on the invite page and accepts it, leaves, and on returning sees what changed since.
 * Also renders the board at phone width.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, api, createUser, useServerAndBrowser, openAs, screenshot, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('invites and return visits', () => {
  it('accepts an invite after signing in, then shows what changed since the last visit', async () => {
    const alice = await createUser(server.url, 'Alice Owner');
    const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Since last time', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    const a = await openAs(browser, server, alice, `/boards/${boardId}`);
    await a.page.getByRole('tab', { name: 'Members' }).click();
    await a.page.getByLabel('Invite as').selectOption('reviewer');
    await a.page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await a.page.getByTestId('invite-link').inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/invite/`));

    // A newcomer with no account: creates one on the invite page, then accepts.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(link);
    await screenshot(page, 'sign-in-phone');
    expect(await a11yViolations(page)).toEqual([]);
    const signup = page.getByTestId('signup-form');
    await signup.getByLabel('Your name').fill('Nina Newcomer');
    await signup.getByLabel('E-mail').fill('nina@example.test');
    await signup.getByLabel('Password', { exact: true }).fill('nina reads every claim');
    await signup.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await page.waitForURL(`${server.url}/boards/${boardId}`);
    expect(await page.getByTestId('role').textContent()).toBe('reviewer');
    const items = page.locator('[data-testid="claim-list"] .claim-item');
    const claimId = (await items.first().getAttribute('data-claim'))!;
    await items.first().click();
    await page.locator('.rating[data-rating="3"]').click();
    await waitSaved(page);
    expect(await page.getByTestId('since').count()).toBe(0); // a first visit has no "since"
    await screenshot(page, 'board-phone');
    expect(await a11yViolations(page)).toEqual([]);
    // The page fits the phone width: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

    // Nina leaves; Alice votes and writes a note.
    await page.getByRole('link', { name: 'Claimboard' }).click();
    await page.getByTestId('board-list').waitFor();
    await a.page.getByRole('tab', { name: 'Review' }).click();
    await a.page.locator(`#claim-item-${claimId}`).click();
    await a.page.locator('.rating[data-rating="5"]').click();
    await a.page.getByRole('textbox', { name: 'Add a note' }).fill('Checked against the audit.');
    await a.page.getByRole('button', { name: 'Post note' }).click();
    await waitSaved(a.page);

    // Nina comes back.
    await page.getByRole('link', { name: 'Since last time' }).click();
    const since = page.getByTestId('since');
    await expect.poll(() => since.textContent(), { timeout: 5000 }).toContain('1 vote, 1 note');
    await page.locator(`#claim-item-${claimId}`).click();
    await page.locator('[data-testid="voters"] li', { hasText: 'Alice Owner' }).locator('.new').waitFor();
    await page.locator('[data-testid="note"]', { hasText: 'Checked against the audit.' }).locator('.new').waitFor();
    expect(errors).toEqual([]);
    expect(a.errors).toEqual([]);
    await Promise.all([context.close(), a.context.close()]);
  });
});
