/**
 * The account pages a link leads to: an invite that names board, inviter and role to a
 * signed-out visitor, who creates an account there and accepts; "forgot password" without
 * e-mail saying who can make a link, and a reset link that sets a new password once; a
 * browser holding a name-only user's token from before accounts, which claims the account.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, tempDir } from '../helpers/server.js';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, api, createUser, screenshot, tabTo, useServerAndBrowser, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/datadir-v0');

describe('invite page', () => {
  it('names the board, the inviter and the role before accepting; a signed-out visitor creates an account there and accepts', async () => {
    const olga = await createUser(server.url, 'Olga Owner');
    const board = await api(server.url, 'POST', '/api/boards', { token: olga.token, body: { title: 'Port expansion claims', text: ARTICLE } });
    const boardId: string = board.body.board.id;
    const invite = await api(server.url, 'POST', `/api/boards/${boardId}/invites`, { token: olga.token, body: { role: 'reviewer' } });
    expect(invite.status).toBe(201);
    const token: string = invite.body.invite.token;

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`/invite/${encodeURIComponent(token)}`);
    const summary = page.getByTestId('invite-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Olga Owner\s+invites you to\s+the board\s+“Port expansion claims”\s+as\s+reviewer/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Port expansion claims');
    expect(await page.getByTestId('invite-accept').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'accounts-invite-signed-out-390');

    // Create the account on the invite page, by keyboard; the page stays and offers Accept.
    await tabTo(page, '#signup-name');
    await page.keyboard.type('Vera Visitor');
    await tabTo(page, '#signup-email');
    await page.keyboard.type('vera@example.test');
    await tabTo(page, '#signup-password');
    await page.keyboard.type('harbour cranes at night');
    await tabTo(page, '[data-testid="signup-form"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('me').filter({ hasText: 'Vera Visitor' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'accounts-invite-signed-in');
    await tabTo(page, '[data-testid="invite-accept"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/boards/${boardId}`);
    await waitSaved(page);
    const members = await api(server.url, 'GET', `/api/boards/${boardId}/members`, { token: olga.token });
    expect(members.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toContainEqual(['Vera Visitor', 'reviewer']);
    await context.close();
  });

  it('an unknown invite link says so', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto('/invite/not-a-real-invite-token-at-all');
    await page.getByTestId('invite-load-error').filter({ hasText: 'not valid' }).waitFor();
    expect(await page.getByTestId('signin-form').count()).toBe(0);
    await context.close();
  });
});

describe('password reset', () => {
  it('without e-mail, "forgot password" says who can make a link; a link sets a new password once', async () => {
    const olga = await createUser(server.url, 'Olga Resetter');
    const rita = await createUser(server.url, 'Rita Forgetful');
    const board = await api(server.url, 'POST', '/api/boards', { token: olga.token, body: { title: 'Reset board', text: ARTICLE } });
    const boardId: string = board.body.board.id;
    const inv = await api(server.url, 'POST', `/api/boards/${boardId}/invites`, { token: olga.token, body: { role: 'reviewer' } });
    expect((await api(server.url, 'POST', `/api/invites/${inv.body.invite.token}/accept`, { token: rita.token })).status).toBe(200);

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto('/');
    await tabTo(page, 'a[href="/reset"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('reset-no-mail').filter({ hasText: 'owner of a board' }).waitFor();
    await screenshot(page, 'accounts-forgot');

    const link = await api(server.url, 'POST', `/api/boards/${boardId}/members/${rita.id}/reset-link`, { token: olga.token });
    expect(link.status).toBe(201);
    const resetPath = new URL(link.body.url as string).pathname;
    await page.goto(resetPath);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await a11yViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'accounts-reset-390');
    await tabTo(page, '#reset-password');
    await page.keyboard.type('a brand new passphrase');
    await page.keyboard.press('Enter');
    await page.getByTestId('reset-done').waitFor();
    // The new password signs in on the start page.
    await page.getByRole('link', { name: 'Sign in' }).click();
    const form = page.getByTestId('signin-form');
    await form.getByLabel('E-mail').fill(rita.email);
    await form.getByLabel('Password', { exact: true }).fill('a brand new passphrase');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('me').filter({ hasText: 'Rita Forgetful' }).waitFor();
    // The link worked once.
    await page.goto(resetPath);
    await page.locator('#reset-password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('reset-error').filter({ hasText: 'already used' }).waitFor();
    await page.getByRole('link', { name: 'Ask for a new reset link' }).waitFor();
    await context.close();
  });
});

describe('accounts from before', () => {
  it('a browser holding a name-only user’s old token claims the account and keeps its board', async () => {
    const dir = tempDir();
    fs.cpSync(FIXTURE, dir, { recursive: true });
    const old = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { owner: { id: string; name: string; token: string }; board: { title: string } };
    const srv = await startServer({}, dir);
    const context = await browser.newContext({ baseURL: srv.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      // What the client before accounts left in localStorage.
      await page.goto('/');
      await page.evaluate((o) => {
        localStorage.setItem('claimboard.token', o.token);
        localStorage.setItem('claimboard.user', JSON.stringify({ id: o.id, name: o.name }));
      }, old.owner);
      await page.reload();
      const claim = page.getByTestId('claim');
      await claim.waitFor();
      expect(await claim.textContent()).toContain('Olivia Owner');
      expect(await a11yViolations(page)).toEqual([]);
      await screenshot(page, 'accounts-claim');
      await page.locator('#claim-email').fill('olivia@example.test');
      await page.locator('#claim-password').fill('olivia keeps her boards');
      await page.getByRole('button', { name: 'Keep my account' }).click();
      await page.getByTestId('me').filter({ hasText: 'Olivia Owner' }).waitFor();
      await page.getByRole('link', { name: old.board.title }).waitFor();
      expect(await page.evaluate(() => [localStorage.getItem('claimboard.token'), localStorage.getItem('claimboard.user')])).toEqual([null, null]);
      expect((await context.cookies()).some((c) => c.name === 'cb_session')).toBe(true);
      // Claimed once: the old token no longer offers it.
      const again = await api(srv.url, 'POST', '/api/me/claim', { token: old.owner.token, body: { email: 'other@example.test', password: 'some other passphrase' } });
      expect([401, 409]).toContain(again.status);
    } finally {
      await context.close();
      await srv.close();
    }
  });
});
