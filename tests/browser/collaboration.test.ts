/**
 * Two reviewers in two browser contexts see each other's votes, notes and replies live,
 * and a reviewer can move between claims and vote with the keyboard alone.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { castVote } from '../../shared/model/index.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { socketClient } from '../helpers/server.js';
import { ARTICLE } from './fixtures.js';
import {
  a11yViolations,
  addMember,
  api,
  createUser,
  openAs,
  screenshot,
  waitFor,
  useServerAndBrowser,
  waitSaved,
  type TestServer,
} from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function boardWithReviewers() {
  const alice = await createUser(server.url, 'Alice Owner');
  const bob = await createUser(server.url, 'Bob Reviewer');
  const created = await api(server.url, 'POST', '/api/boards', {
    token: alice.token,
    body: { title: 'Roads and jobs', text: ARTICLE, format: 'text' },
  });
  expect(created.status).toBe(201);
  const boardId: string = created.body.board.id;
  await addMember(server.url, alice, boardId, bob, 'reviewer');
  return { alice, bob, boardId };
}

describe('two reviewers', () => {
  it('a vote, a note and a reply reach the other reviewer within a second', async () => {
    const { alice, bob, boardId } = await boardWithReviewers();
    // Two more reviewers have already voted 4 from a script, so Alice's vote completes the quorum.
    const early = [];
    for (const name of ['Carol', 'Dan']) {
      const u = await createUser(server.url, name);
      await addMember(server.url, alice, boardId, u, 'reviewer');
      early.push(u);
    }
    const [a, b] = await Promise.all([openAs(browser, server, alice, `/boards/${boardId}`), openAs(browser, server, bob, `/boards/${boardId}`)]);
    const firstClaim = a.page.locator('[data-testid="claim-list"] .claim-item').first();
    await firstClaim.waitFor();
    const claimId = (await firstClaim.getAttribute('data-claim'))!;
    for (const u of early) {
      const key = reviewerDocKey(boardId, u.id);
      const c = socketClient(server.url, u.token, boardId, [key]);
      await waitFor(() => c.conn.synced, 'script client synced');
      expect(castVote(c.docs.get(key)!, claimId, { rating: 4, confidence: 'high', at: Date.now() }, 'script').ok).toBe(true);
      await c.conn.whenSaved();
      c.close();
    }

    await firstClaim.click();
    await b.page.locator(`#claim-item-${claimId}`).click();
    await waitSaved(a.page);
    await waitSaved(b.page);
    const bChart4 = b.page.locator('[data-testid="chart"] tr[data-key="4"]');
    await expect.poll(() => bChart4.getAttribute('data-count')).toBe('2');
    await expect.poll(() => b.page.locator('[data-testid="verdict"]').textContent()).toBe('Not enough votes');

    // Presence: each sees the other, looking at this claim.
    await a.page.locator('[data-testid="presence"] .avatar').first().waitFor();
    await b.page.locator(`#claim-item-${claimId} .mini-avatar`).waitFor();

    const t0 = Date.now();
    await a.page.locator('.rating[data-rating="4"]').click();
    await b.page.locator('[data-testid="chart"] tr[data-key="4"][data-count="3"]').waitFor({ timeout: 1000 });
    await b.page.locator('[data-testid="verdict"]', { hasText: 'Mostly true' }).waitFor({ timeout: 1000 });
    const voteMs = Date.now() - t0;
    expect(await b.page.locator('[data-testid="cns"]').textContent()).toBe('1.00');
    await b.page.locator('[data-testid="voters"]', { hasText: 'Alice Owner: Mostly true' }).waitFor({ timeout: 1000 });

    // A note with evidence from Bob, a reply from Alice.
    await b.page.getByLabel('Add a note').fill('The budget report says $4.1 million.');
    await b.page.locator('details summary', { hasText: 'Evidence link' }).last().click();
    await b.page.getByLabel('Link (URL)').last().fill('https://example.org/budget-2023');
    await b.page.getByLabel('Link title').last().fill('City budget 2023');
    await b.page.getByLabel('Stance').last().selectOption('refutes');
    const t1 = Date.now();
    await b.page.getByRole('button', { name: 'Post note' }).click();
    const noteAtA = a.page.locator('[data-testid="note"]', { hasText: 'The budget report says $4.1 million.' });
    await noteAtA.waitFor({ timeout: 1000 });
    const noteMs = Date.now() - t1;
    await a.page.getByRole('link', { name: 'City budget 2023' }).waitFor();
    expect(await noteAtA.locator('.stance-refutes').textContent()).toBe('refutes');

    await noteAtA.getByRole('button', { name: 'Reply' }).click();
    await a.page.getByLabel('Reply', { exact: true }).fill('Good catch, I will check the PDF.');
    const t2 = Date.now();
    await a.page.getByRole('button', { name: 'Post reply' }).click();
    await b.page.locator('[data-testid="note"] .reply', { hasText: 'Good catch, I will check the PDF.' }).waitFor({ timeout: 1000 });
    const replyMs = Date.now() - t2;
    console.log(`live latency: vote ${voteMs} ms, note ${noteMs} ms, reply ${replyMs} ms`);

    await waitSaved(a.page);
    await screenshot(a.page, 'board-owner');
    expect(await a11yViolations(a.page)).toEqual([]);
    await screenshot(b.page, 'board-reviewer');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it('keyboard only: move between claims and vote without a mouse', async () => {
    const { bob, boardId } = await boardWithReviewers();
    const b = await openAs(browser, server, bob, `/boards/${boardId}`);
    const items = b.page.locator('[data-testid="claim-list"] .claim-item');
    await items.first().waitFor();
    const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-claim')!));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    await waitSaved(b.page);

    // j moves to the first claim, ArrowDown to the next; the focused item is the selected one.
    await b.page.keyboard.press('j');
    await expect.poll(() => b.page.evaluate(() => document.activeElement?.getAttribute('data-claim'))).toBe(ids[0]);
    await b.page.keyboard.press('2');
    await b.page.locator(`#claim-item-${ids[0]}`, { hasText: 'you: Mostly false' }).waitFor();
    await b.page.keyboard.press('ArrowDown');
    await expect.poll(() => b.page.evaluate(() => document.activeElement?.getAttribute('data-claim'))).toBe(ids[1]);
    await b.page.locator(`[data-testid="claim-detail"][data-claim="${ids[1]}"]`).waitFor();
    await b.page.keyboard.press('u');
    await b.page.locator(`#claim-item-${ids[1]}`, { hasText: 'you: Unverifiable' }).waitFor();
    await b.page.keyboard.press('k');
    await expect.poll(() => b.page.evaluate(() => document.activeElement?.getAttribute('data-claim'))).toBe(ids[0]);
    await b.page.keyboard.press('5');
    await b.page.locator(`#claim-item-${ids[0]}`, { hasText: 'you: True' }).waitFor();

    // Tab reaches the rating buttons, and Enter presses one.
    const rating3 = b.page.locator('.rating[data-rating="3"]');
    for (let i = 0; i < 40 && !(await rating3.evaluate((el) => el === document.activeElement)); i++) await b.page.keyboard.press('Tab');
    expect(await rating3.evaluate((el) => el === document.activeElement)).toBe(true);
    await b.page.keyboard.press('Enter');
    await b.page.locator(`#claim-item-${ids[0]}`, { hasText: 'you: Mixed' }).waitFor();
    await waitSaved(b.page);

    // The server has the votes.
    const exported = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: bob.token });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain('unverifiable');
    await screenshot(b.page, 'keyboard');
    expect(b.errors).toEqual([]);
    await b.context.close();
  });
});
