/**
 * Board lifecycle from the UI [B1–B5]: an owner renames a board in place (a reviewer's open
 * page follows), archives it (both pages show the read-only banner and the reviewer's vote
 * controls lock without a reload; the board leaves the default list and comes back behind
 * the toggle), unarchives it, a reviewer duplicates it into a board of their own, and the
 * owner deletes it by keyboard through a confirmation that offers the exports first. The
 * owner works at 390 px wide.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, addMember, api, createUser, useServerAndBrowser, openAs, screenshot, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('board lifecycle', () => {
  it('renames, archives, unarchives, duplicates and deletes', async () => {
    const olga = await createUser(server.url, 'Olga Owner');
    const rita = await createUser(server.url, 'Rita Reviewer');
    const created = await api(server.url, 'POST', '/api/boards', { token: olga.token, body: { title: 'Lifecycle board', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    await addMember(server.url, olga, boardId, rita, 'reviewer');

    const o = await openAs(browser, server, olga, `/boards/${boardId}`);
    await o.page.setViewportSize({ width: 390, height: 900 });
    const r = await openAs(browser, server, rita, `/boards/${boardId}`);
    await waitSaved(o.page);
    await waitSaved(r.page);
    await r.page.locator('[data-testid="claim-list"] .claim-item').first().click();
    const rating = r.page.locator('.rating[data-rating="3"]');
    expect(await rating.isDisabled()).toBe(false);

    // Rename in place; the reviewer's page follows through the board doc.
    await o.page.getByRole('tab', { name: 'Board' }).click();
    await o.page.getByRole('button', { name: 'Rename' }).click();
    await o.page.getByLabel('New title').fill('Roads, revisited');
    await o.page.getByLabel('New title').press('Enter');
    await r.page.getByTestId('board-title').filter({ hasText: 'Roads, revisited' }).waitFor();
    await o.page.getByTestId('board-title').filter({ hasText: 'Roads, revisited' }).waitFor();

    // Archive: a banner on both pages, the reviewer's votes lock without a reload.
    await o.page.getByTestId('archive-toggle').click();
    await o.page.getByTestId('archived-banner').waitFor();
    await r.page.getByTestId('archived-banner').waitFor({ timeout: 2000 });
    await expect.poll(() => rating.isDisabled()).toBe(true);
    expect(await o.page.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    const actions = await o.page.locator('.board-actions').boundingBox();
    expect(actions!.x + actions!.width).toBeLessThanOrEqual(390);
    expect(await a11yViolations(o.page)).toEqual([]);
    await screenshot(o.page, 'lifecycle-archived-390');

    // The default list hides it; the toggle shows it, marked archived.
    const list = await openAs(browser, server, olga, '/');
    // Olga's only board is archived: the default list is empty.
    await list.page.getByText('No boards yet').waitFor();
    await list.page.getByTestId('show-archived').check();
    await list.page.getByTestId('board-list').getByText('(owner, archived)').waitFor();
    await list.context.close();

    // Unarchive: the reviewer votes again.
    await o.page.getByTestId('archive-toggle').click();
    await r.page.getByTestId('archived-banner').waitFor({ state: 'detached' });
    await expect.poll(() => rating.isDisabled()).toBe(false);
    await rating.click();
    await waitSaved(r.page);

    // Duplicate: the reviewer lands on a new board of their own, without the votes (no reviewer doc has a row).
    await r.page.getByRole('tab', { name: 'Board' }).click();
    await r.page.getByRole('button', { name: 'Duplicate as a new board' }).click();
    await r.page.waitForURL((u) => /\/boards\/b_/.test(u.pathname) && !u.pathname.endsWith(boardId));
    await r.page.getByTestId('board-title').filter({ hasText: 'Roads, revisited (copy)' }).waitFor();
    await r.page.getByTestId('role').filter({ hasText: 'owner' }).waitFor();
    const copyId = new URL(r.page.url()).pathname.split('/').pop()!;
    expect(await server.app.store.docKeysWithPrefix(`board/${copyId}/reviewer/`)).toEqual([]);

    // Delete, by keyboard: the confirmation offers the exports and starts on "Keep".
    const del = o.page.getByRole('button', { name: 'Delete board…' });
    await del.focus();
    await o.page.keyboard.press('Enter');
    const confirm = o.page.getByTestId('delete-confirm');
    await confirm.waitFor();
    expect(await confirm.getByRole('button', { name: 'Export JSON' }).isVisible()).toBe(true);
    expect(await confirm.getByRole('button', { name: 'Export CSV' }).isVisible()).toBe(true);
    expect(await o.page.evaluate(() => document.activeElement?.textContent)).toBe('Keep the board');
    const box = await confirm.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await a11yViolations(o.page)).toEqual([]);
    await o.page.keyboard.press('Shift+Tab');
    expect(await o.page.evaluate(() => document.activeElement?.textContent)).toBe('Delete for good');
    await o.page.keyboard.press('Enter');
    await o.page.waitForURL(`${server.url}/`);
    await o.page.getByTestId('show-archived').check();
    // Not even among the archived ones: Olga has no board left.
    await o.page.getByText('No boards yet. Create one below.', { exact: true }).waitFor();
    expect((await api(server.url, 'GET', `/api/boards/${boardId}`, { token: olga.token })).status).toBe(404);
    expect(o.errors).toEqual([]);
    expect(r.errors).toEqual([]);
  });
});
