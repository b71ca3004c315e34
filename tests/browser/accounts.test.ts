/**
 * Accounts in the browser (issue 13, must-show 1): an account created in the UI makes a
 * board; a second browser signs in to the same account in the UI, by keyboard, as a shared
 * computer, and opens the board; signing out there ends its cookie on REST, Socket.IO and
 * y-websocket within a second (Node clients sending that Cookie header with the page's
 * Origin) and leaves no board data in IndexedDB. A personal device's copies go at sign-out
 * unless kept.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { wireParser } from '../../shared/protocol/wire.js';
import type { ClientSocket } from '../../client/src/lib/sync/board-connection.js';
import { joinRaw, rawWs, upgradeStatus } from '../helpers/raw.js';
import { ARTICLE } from './fixtures.js';
import {
  a11yViolations,
  createUser,
  indexedDbNames,
  openAs,
  screenshot,
  sessionCookie,
  tabTo,
  useServerAndBrowser,
  waitFor,
  waitSaved,
  type TestServer,
} from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const PASSWORD = 'a quiet river at dawn';

const boardDbs = (names: string[]) => names.filter((n) => n.startsWith('claimboard:'));
const appStorage = (page: Page) =>
  page.evaluate(() => ({
    local: Object.keys(localStorage).filter((k) => k.startsWith('claimboard.')),
    session: Object.keys(sessionStorage).filter((k) => k.startsWith('claimboard.')),
  }));

/** A Socket.IO client in Node that authenticates with nothing but the browser's cookie. */
function cookieSocket(cookie: string): ClientSocket {
  return io(server.url, {
    parser: wireParser,
    transports: ['websocket'],
    extraHeaders: { cookie, origin: server.url },
    forceNew: true,
    reconnection: false,
  }) as ClientSocket;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

const rest = (cookie: string, route = '/api/me') => fetch(server.url + route, { headers: { cookie, origin: server.url } });

describe('accounts in the browser', () => {
  it('signs up, signs in on a second (shared) computer, and signing out there ends the cookie everywhere', async () => {
    // Device A: the start page explains itself; an account is created in the UI.
    const a = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const pa = await a.newPage();
    await pa.goto('/');
    await pa.getByRole('heading', { name: 'Claimboard', level: 1 }).waitFor();
    expect(await pa.locator('.intro').textContent()).toMatch(/checks the claims in a story/);
    expect(await a11yViolations(pa)).toEqual([]);
    await screenshot(pa, 'accounts-start');
    await pa.setViewportSize({ width: 390, height: 844 });
    expect(await pa.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(pa, 'accounts-start-390');
    await pa.setViewportSize({ width: 1280, height: 900 });

    const signup = pa.getByTestId('signup-form');
    await signup.getByLabel('Your name').fill('Nadia Newsroom');
    await signup.getByLabel('E-mail').fill('Nadia@Example.org');
    await signup.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await signup.getByRole('radio', { name: 'Teal' }).check();
    await signup.getByRole('button', { name: 'Create account' }).click();
    await pa.getByTestId('me').filter({ hasText: 'Nadia Newsroom' }).waitFor();
    expect(await sessionCookie(a)).not.toBeNull();
    // Nothing secret is kept in the page's storage.
    expect(await pa.evaluate(() => localStorage.getItem('claimboard.token'))).toBeNull();

    await pa.locator('#new-title').fill('Harbour budget');
    await pa.locator('#new-text').fill(ARTICLE);
    await pa.getByRole('button', { name: 'Create board' }).click();
    await pa.waitForURL(/\/boards\/[A-Za-z0-9_-]+$/);
    const boardId = new URL(pa.url()).pathname.split('/').pop()!;
    await waitSaved(pa);
    // A personal device keeps offline copies (and the listing sees them).
    await expect.poll(async () => boardDbs(await indexedDbNames(pa)).length).toBeGreaterThan(0);

    // Device B: a shared computer, signed in by keyboard alone.
    const b = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const pb = await b.newPage();
    pb.setDefaultTimeout(10_000);
    await pb.goto('/');
    await pb.getByTestId('signin-form').waitFor();
    await tabTo(pb, '#signin-email');
    await pb.keyboard.type('nadia@example.org');
    await tabTo(pb, '#signin-password');
    await pb.keyboard.type(PASSWORD);
    await tabTo(pb, '#signin-shared');
    await pb.keyboard.press('Space');
    expect(await pb.locator('#signin-shared').isChecked()).toBe(true);
    await tabTo(pb, '[data-testid="signin-form"] button[type="submit"]');
    await pb.keyboard.press('Enter');
    await pb.getByTestId('me').filter({ hasText: 'Nadia Newsroom' }).waitFor();
    // The form is gone: the focus starts at the top of the new page.
    await expect.poll(() => pb.evaluate(() => document.activeElement?.id)).toBe('main');
    await tabTo(pb, `a[href="/boards/${boardId}"]`);
    await pb.keyboard.press('Enter');
    await pb.waitForURL(`**/boards/${boardId}`);
    await waitSaved(pb);
    await pb.locator('[data-testid="claim-list"] .claim-item').first().waitFor();
    // A shared computer makes no IndexedDB copy at all, even with the board open.
    expect(boardDbs(await indexedDbNames(pb))).toEqual([]);

    // B's cookie works on every transport before the sign-out.
    const cookie = `cb_session=${(await sessionCookie(b))!}`;
    expect((await rest(cookie)).status).toBe(200);
    const sio = cookieSocket(cookie);
    await connected(sio);
    const join = await joinRaw(sio, boardId);
    expect(join.ok).toBe(true);
    const ws = await rawWs(server.url, boardDocKey(boardId), null, { cookie, origin: server.url });
    await waitFor(() => ws.received.length > 0, 'the y-websocket sync step from the server');
    let wsClosedAt = 0;
    ws.ws.once('close', () => (wsClosedAt = Date.now()));
    let sioClosedAt = 0;
    sio.once('disconnect', () => (sioClosedAt = Date.now()));

    // Sign out on B by keyboard: the dialog offers no "keep" on a shared computer.
    await tabTo(pb, '[data-testid="signout"]');
    await pb.keyboard.press('Enter');
    const dialog = pb.getByTestId('signout-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('keep-offline').count()).toBe(0);
    await screenshot(pb, 'accounts-signout-dialog');
    const ended = pb.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'DELETE');
    await tabTo(pb, '[data-testid="signout-confirm"]');
    // Taken before the request leaves: the time below includes the sign-out itself.
    const signedOutAt = Date.now();
    await pb.keyboard.press('Enter');
    expect((await ended).status()).toBe(204);

    await waitFor(() => sioClosedAt > 0 && wsClosedAt > 0, 'the cookie’s live connections to close', 2000);
    expect(sioClosedAt - signedOutAt).toBeLessThan(1000);
    expect(wsClosedAt - signedOutAt).toBeLessThan(1000);
    // And the cookie opens nothing new.
    expect((await rest(cookie)).status).toBe(401);
    const again = cookieSocket(cookie);
    await expect(connected(again)).rejects.toThrow();
    again.close();
    expect(await upgradeStatus(`${server.url.replace(/^http/, 'ws')}/yjs/${boardDocKey(boardId)}`, { cookie, origin: server.url })).toBe(401);
    sio.close();
    ws.close();

    // B is back at the start page; nothing of the board is left in its storage.
    await pb.getByTestId('session-notice').waitFor();
    expect(await pb.getByTestId('session-notice').textContent()).toMatch(/deleted/);
    expect(boardDbs(await indexedDbNames(pb))).toEqual([]);
    expect(await pb.evaluate(async () => (await caches.keys()).length)).toBe(0);
    expect(await appStorage(pb)).toEqual({ local: [], session: [] });

    // A was not signed out; signing out there deletes A's copies (not kept by default).
    expect((await rest(`cb_session=${(await sessionCookie(a))!}`)).status).toBe(200);
    await pa.getByTestId('signout').click();
    await pa.getByTestId('signout-dialog').waitFor();
    expect(await pa.getByTestId('keep-offline').isChecked()).toBe(false);
    await pa.getByTestId('signout-confirm').click();
    await pa.getByTestId('session-notice').filter({ hasText: 'deleted' }).waitFor();
    expect(boardDbs(await indexedDbNames(pa))).toEqual([]);
    expect((await appStorage(pa)).local).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps a personal device’s offline copies when the user asks to', async () => {
    const kim = await createUser(server.url, 'Kim Keep');
    const created = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Kept board', text: ARTICLE }),
    });
    const boardId: string = ((await created.json()) as { board: { id: string } }).board.id;
    const k = await openAs(browser, server, kim, `/boards/${boardId}`);
    await waitSaved(k.page);
    const before = boardDbs(await indexedDbNames(k.page));
    expect(before.length).toBeGreaterThan(0);
    await k.page.getByTestId('signout').click();
    await k.page.getByTestId('keep-offline').check();
    await k.page.getByTestId('signout-confirm').click();
    await k.page.getByTestId('session-notice').filter({ hasText: 'kept' }).waitFor();
    expect(boardDbs(await indexedDbNames(k.page)).sort()).toEqual(before.sort());
    expect(await k.page.getByTestId('signin-form').isVisible()).toBe(true);
    expect(k.errors).toEqual([]);
    await k.context.close();
  });

  it('a session ended from another device takes the open board back to the start page and keeps this device’s copies', async () => {
    const eve = await createUser(server.url, 'Eve Elsewhere');
    const created = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { authorization: `Bearer ${eve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Ended elsewhere', text: ARTICLE }),
    });
    const boardId: string = ((await created.json()) as { board: { id: string } }).board.id;
    const e = await openAs(browser, server, eve, `/boards/${boardId}`);
    await waitSaved(e.page);
    const before = boardDbs(await indexedDbNames(e.page));
    expect(before.length).toBeGreaterThan(0);
    // "Sign out everywhere" from a script holding the account's token.
    const ended = await fetch(`${server.url}/api/me/sessions`, { method: 'DELETE', headers: { authorization: `Bearer ${eve.token}` } });
    expect(ended.status).toBe(204);
    await e.page.getByTestId('session-notice').filter({ hasText: 'Your session has ended' }).waitFor({ timeout: 5000 });
    expect(await e.page.getByTestId('signin-form').isVisible()).toBe(true);
    expect(boardDbs(await indexedDbNames(e.page)).sort()).toEqual(before.sort());
    await e.context.close();
  });
});
