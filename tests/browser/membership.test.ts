/**
 * Membership that holds, in the browser [M1, M3, M4]: the members panel makes a single-use
 * invite by default and lists it as open with a Revoke button that works; a removed
 * reviewer's vote stays on the owner's screen marked "former member, not counted" until the
 * owner counts former members' votes; the removed reviewer opening their old invite link is
 * told why it no longer works, with no button to accept it.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, api, createUser, openAs, screenshot, useServerAndBrowser, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const REMOVED = 'You were removed from this board after this invite was created. Ask for a new invite.';

describe('membership that holds', () => {
  it('open invites revoke; a removed member\'s vote is marked and counted only by choice; their old link says why it fails', async () => {
    const olga = await createUser(server.url, 'Olga Owner');
    const rob = await createUser(server.url, 'Rob Reviewer');
    const created = await api(server.url, 'POST', '/api/boards', { token: olga.token, body: { title: 'Holding board', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    const old = await api(server.url, 'POST', `/api/boards/${boardId}/invites`, { token: olga.token, body: { role: 'reviewer' } });
    const oldLink = new URL(old.body.invite.url).pathname;

    // Rob joins through the invite page, which names the board, the inviter and the role.
    const r = await openAs(browser, server, rob, oldLink);
    await r.page.getByTestId('invite-summary').filter({ hasText: 'Olga Owner invites you to the board “Holding board” as reviewer' }).waitFor();
    await r.page.getByText('It can be used once.').waitFor();
    await r.page.getByRole('button', { name: 'Accept the invitation' }).click();
    await r.page.waitForURL(`${server.url}/boards/${boardId}`);
    const first = r.page.locator('[data-testid="claim-list"] .claim-item').first();
    const claimId = (await first.getAttribute('data-claim'))!;
    await first.click();
    await r.page.locator('.rating[data-rating="2"]').click();
    await waitSaved(r.page);

    const o = await openAs(browser, server, olga, `/boards/${boardId}`);
    const panel = o.page.getByTestId('members-panel');
    await o.page.locator(`#claim-item-${claimId}`).click();
    const robsVote = o.page.locator('[data-testid="voters"] li', { hasText: 'Rob Reviewer' });
    await robsVote.waitFor();
    expect(await robsVote.getByTestId('former-vote').count()).toBe(0);

    // The panel makes a single-use invite by default, lists it as open, and revokes it.
    const tab = (name: 'Review' | 'Members') => o.page.getByRole('tab', { name }).click();
    await tab('Members');
    await o.page.getByLabel('Invite as').selectOption('viewer');
    await o.page.getByRole('button', { name: 'Create invite link' }).click();
    expect(await o.page.getByTestId('invite-terms').textContent()).toContain('For one person: the link works once');
    const revokable = o.page.getByTestId('invite-link');
    const token = new URL(await revokable.inputValue()).pathname.split('/').pop()!;
    const open = panel.locator('[data-testid="pending-invites"] li', { has: o.page.locator('.chip', { hasText: /^viewer$/ }) });
    await open.filter({ hasText: 'single use, used 0 of 1' }).waitFor();
    await open.getByRole('button', { name: /^Revoke viewer invite/ }).click();
    await open.waitFor({ state: 'detached' });
    expect(await panel.getByTestId('members-status').textContent()).toBe('Invite revoked.');
    expect((await api(server.url, 'GET', `/api/invites/${token}`)).body.invite.state).toBe('revoked');

    // Remove Rob: his vote stays on screen, marked, and no longer counts.
    // The consensus line of the claim: "· n rating(s)".
    const ratings = () => o.page.locator('[data-testid="claim-detail"] p', { has: o.page.getByTestId('cns') }).textContent();
    await tab('Review');
    const before = await ratings();
    await tab('Members');
    await o.page.getByRole('button', { name: 'Remove Rob Reviewer' }).click();
    await o.page.getByRole('button', { name: 'Confirm removing Rob Reviewer' }).click();
    await r.page.getByTestId('removed-notice').waitFor({ timeout: 2000 });
    await panel.locator('[data-testid="former-members"] li', { hasText: 'Rob Reviewer' }).filter({ hasText: 'removed' }).waitFor();
    await tab('Review');
    await robsVote.getByTestId('former-vote').filter({ hasText: 'former member, not counted' }).waitFor();
    expect(before).toMatch(/· 1 rating\b/);
    await expect.poll(ratings).toMatch(/· 0 ratings/);

    // The owner counts former members' votes: the same vote counts again, still marked.
    await tab('Members');
    await panel.getByLabel('Count former members’ votes toward consensus').check();
    await tab('Review');
    await robsVote.getByTestId('former-vote').filter({ hasText: /^former member$/ }).waitFor();
    await expect.poll(ratings).toMatch(/· 1 rating\b/);
    await screenshot(o.page, 'former-member-vote');
    expect(await a11yViolations(o.page)).toEqual([]);

    // Rob opens his old link: refused, with the reason and what to do, and nothing to click.
    await r.page.goto(oldLink);
    await r.page.getByTestId('invite-state').filter({ hasText: REMOVED }).waitFor();
    expect(await r.page.getByRole('button', { name: 'Accept the invitation' }).count()).toBe(0);
    await screenshot(r.page, 'invite-blocked');
    expect(await a11yViolations(r.page)).toEqual([]);

    // A new invite brings him back.
    const fresh = await api(server.url, 'POST', `/api/boards/${boardId}/invites`, { token: olga.token, body: { role: 'reviewer' } });
    await r.page.goto(new URL(fresh.body.invite.url).pathname);
    await r.page.getByRole('button', { name: 'Accept the invitation' }).click();
    await r.page.waitForURL(`${server.url}/boards/${boardId}`);
    await robsVote.getByTestId('former-vote').waitFor({ state: 'detached' });

    expect(o.errors).toEqual([]);
    expect(r.errors).toEqual([]);
    await Promise.all([o.context.close(), r.context.close()]);
  });
});
