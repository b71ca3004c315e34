/**
 * Members panel: an owner invites from the board page and copies the link, a second browser
 * accepts it; the owner sees the newcomer with a role and "last seen", demotes them to
 * viewer (their vote controls lock within a second, no reload), is told why they cannot
 * demote the last owner, revokes a pending invite, reads the audit log, and removes the
 * member, whose page then says so and stops syncing.
 */
import fs from 'node:fs';
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

describe('members panel', () => {
  it('invites, shows, demotes, revokes, audits and removes', async () => {
    const olga = await createUser(server.url, 'Olga Owner');
    const created = await api(server.url, 'POST', '/api/boards', { token: olga.token, body: { title: 'Members board', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    const o = await openAs(browser, server, olga, `/boards/${boardId}`);
    await o.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await o.page.getByRole('tab', { name: 'Members' }).click();
    const panel = o.page.getByTestId('members-panel');
    await panel.locator(`tr[data-member="${olga.id}"]`, { hasText: 'Olga Owner' }).waitFor();

    // Create a reviewer invite limited to 5 uses and copy its link.
    await o.page.getByLabel('Invite as').selectOption('reviewer');
    await o.page.getByLabel('Maximum uses').fill('5');
    await o.page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await o.page.getByTestId('invite-link').inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/invite/`));
    await o.page.getByRole('button', { name: 'Copy invite link' }).click();
    await expect.poll(() => o.page.getByTestId('copy-status').textContent()).toMatch(/copied|selected/);
    const copied = (await o.page.getByTestId('copy-status').textContent())!.includes('copied');
    console.log(`copy invite link: ${copied ? 'clipboard' : 'fallback field selected'}`);
    if (copied) {
      expect(await o.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    }
    await panel.locator('[data-testid="pending-invites"] li', { hasText: 'used 0 of 5' }).waitFor();

    // A second browser context accepts the copied link.
    const rita = await createUser(server.url, 'Rita Reviewer');
    const r = await openAs(browser, server, rita, new URL(link).pathname);
    await r.page.getByRole('button', { name: 'Accept the invitation' }).click();
    await r.page.waitForURL(`${server.url}/boards/${boardId}`);
    const first = r.page.locator('[data-testid="claim-list"] .claim-item').first();
    await first.click();
    const rating = r.page.locator('.rating[data-rating="3"]');
    expect(await rating.isDisabled()).toBe(false);
    await rating.click();
    await waitSaved(r.page);

    // The owner sees her with role and "last seen" without reloading.
    const row = panel.locator(`tr[data-member="${rita.id}"]`);
    await row.getByTestId('member-role').filter({ hasText: 'reviewer' }).waitFor();
    await row.getByTestId('member-seen').locator('time').waitFor();
    expect(await row.getByTestId('member-seen').textContent()).toMatch(/just now|ago/);
    await panel.locator('[data-testid="pending-invites"] li', { hasText: 'used 1 of 5' }).waitFor();
    // Her vote reaches the owner through the reviewer doc the server's board:docs announced.
    await o.page.getByRole('tab', { name: 'Review' }).click();
    await o.page.locator(`#claim-item-${await first.getAttribute('data-claim')}`).click();
    await o.page.locator('[data-testid="voters"] li', { hasText: 'Rita Reviewer' }).waitFor({ timeout: 5000 });
    await o.page.getByRole('tab', { name: 'Members' }).click();

    // A second invite (viewer) for any number of people, by choice, then revoke it.
    await o.page.getByLabel('Invite as').selectOption('viewer');
    await o.page.getByLabel('Any number of people').check();
    await o.page.getByRole('button', { name: 'Create invite link' }).click();
    const viewerInvite = panel.locator('[data-testid="pending-invites"] li', { has: o.page.locator('.chip', { hasText: /^viewer$/ }) });
    await viewerInvite.waitFor();
    expect(await viewerInvite.textContent()).toContain('any number of uses');
    expect(await o.page.getByTestId('invite-terms').textContent()).toContain('Anyone with this link can join');
    expect(await panel.locator('[data-testid="pending-invites"] li').count()).toBe(2);
    await viewerInvite.getByRole('button', { name: /^Revoke viewer invite/ }).click();
    await viewerInvite.waitFor({ state: 'detached' });
    expect(await panel.locator('[data-testid="pending-invites"] li').count()).toBe(1);

    // The last owner cannot demote herself: the server's message is shown.
    await o.page.getByLabel('Role for Olga Owner', { exact: true }).selectOption('editor');
    await o.page.getByRole('button', { name: 'Save role for Olga Owner' }).click();
    await expect.poll(() => o.page.getByTestId('members-error').textContent()).toContain('a board keeps at least one owner');
    await o.page.getByLabel('Role for Olga Owner', { exact: true }).selectOption('owner');

    // Demote Rita to viewer: her vote controls lock within a second, without a reload.
    await o.page.getByLabel('Role for Rita Reviewer', { exact: true }).selectOption('viewer');
    const t0 = Date.now();
    await o.page.getByRole('button', { name: 'Save role for Rita Reviewer' }).click();
    await r.page.locator('.rating[data-rating="3"]:disabled').waitFor({ timeout: 1000 });
    const lockMs = Date.now() - t0;
    expect(await r.page.getByTestId('role').textContent()).toBe('viewer');
    expect(await r.page.getByTestId('vote-blocked').textContent()).toContain('viewer');
    await row.getByTestId('member-role').filter({ hasText: 'viewer' }).waitFor();
    console.log(`role change to locked controls: ${lockMs} ms`);

    // Keyboard reaches the panel's controls, with a visible focus ring.
    await o.page.getByLabel('Role for Rita Reviewer', { exact: true }).focus();
    await o.page.keyboard.press('Tab'); // "Save role" is disabled (nothing to save) and skipped
    expect(await o.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove Rita Reviewer');
    expect(await o.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await screenshot(o.page, 'members-panel');
    expect(await a11yViolations(o.page)).toEqual([]);

    // Audit log: newest first, actors by name, downloadable as JSON.
    await o.page.getByRole('button', { name: 'Audit log' }).click();
    const audit = o.page.getByTestId('audit-log');
    const rows = audit.locator('li[data-action]');
    await rows.first().waitFor();
    expect(await rows.first().getAttribute('data-action')).toBe('member.role_changed');
    expect(await rows.first().textContent()).toContain('Olga Owner');
    expect(await rows.first().textContent()).toContain('Olga Owner changed Rita Reviewer’s role from reviewer to viewer.');
    await audit.locator('li[data-action="member.joined"]', { hasText: 'Rita Reviewer joined the board as reviewer.' }).waitFor();
    await audit.locator('li[data-action="invite.revoked"]', { hasText: /Olga Owner revoked an? (viewer )?invite\./ }).waitFor();
    const [download] = await Promise.all([o.page.waitForEvent('download'), o.page.getByRole('button', { name: 'Download audit log (JSON)' }).click()]);
    const json = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { audit: Array<{ action: string; actor: string }> };
    expect(json.audit[0]).toMatchObject({ action: 'member.role_changed', actor: olga.id });
    expect(json.audit.map((e) => e.action)).toEqual(expect.arrayContaining(['invite.created', 'invite.revoked', 'member.joined']));
    await screenshot(o.page, 'audit-log');
    expect(await a11yViolations(o.page)).toEqual([]);

    // The read-only view for a non-owner: the list without controls.
    await r.page.getByRole('tab', { name: 'Members' }).click();
    await r.page.getByTestId('members-panel').locator(`tr[data-member="${olga.id}"]`).waitFor();
    expect(await r.page.getByTestId('members-panel').locator(`tr[data-member="${olga.id}"]`).textContent()).toContain('owner');
    expect(await r.page.getByTestId('members-panel').getByRole('button', { name: /Remove|Save role/ }).count()).toBe(0);

    // Remove Rita: her page says so and stops syncing.
    await o.page.getByRole('button', { name: 'Remove Rita Reviewer' }).click();
    await o.page.getByRole('button', { name: 'Confirm removing Rita Reviewer' }).click();
    await r.page.getByTestId('removed-notice').waitFor({ timeout: 2000 });
    expect(await r.page.getByTestId('removed-notice').textContent()).toContain('You were removed from this board');
    await row.waitFor({ state: 'detached' });
    await r.page.locator('[data-testid="status"][data-connected="false"]').waitFor();
    expect(await r.page.getByTestId('members-panel').count()).toBe(0);

    expect(o.errors).toEqual([]);
    expect(r.errors).toEqual([]);
    await Promise.all([o.context.close(), r.context.close()]);
  });
});
