/**
 * Every screen on a phone (360 × 740 and 390 × 844): sign-in, the board list, the board, a
 * claim's detail, the live review as facilitator and as reviewer (running, then its
 * summary), the consensus overview, the board tab (source, export, board actions), members
 * and the audit log. On each: no horizontal scroll
 * (document.documentElement.scrollWidth <= innerWidth), no serious or critical axe
 * violation, nothing to tap under 44 px. Also: choosing a claim brings its detail into view,
 * and the summary of a finished live review is open for its facilitator only.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, openAs, screenshot, useServerAndBrowser, waitSaved, type TestServer, type TestUser } from './helpers.js';
import { horizontalOverflow, seriousViolations, smallTargets } from './layout-checks.js';
import { boardVoted4UU } from './vote-fixture.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
] as const;

/** The three checks on the page as it is now; `screen` names it in failures and screenshots. */
async function checkScreen(page: Page, screen: string, width: number): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect(overflow.scrollWidth, `${screen} at ${width} px scrolls sideways: ${overflow.offenders.join('; ')}`).toBeLessThanOrEqual(overflow.innerWidth);
  expect(await seriousViolations(page), `${screen} at ${width} px`).toEqual([]);
  expect(await smallTargets(page), `${screen} at ${width} px: targets under 44 px`).toEqual([]);
  if (width === 390) await screenshot(page, `phone-${screen}`);
}

async function phone(user: TestUser | null, path: string, viewport: { width: number; height: number }): Promise<Page> {
  if (user) {
    const r = await openAs(browser, server, user, path);
    await r.page.setViewportSize(viewport);
    return r.page;
  }
  const context = await browser.newContext({ baseURL: server.url, viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(path);
  return page;
}

describe('phone layout', () => {
  for (const viewport of VIEWPORTS) {
    it(`every screen fits ${viewport.width} × ${viewport.height}, passes axe and has 44 px targets`, async () => {
      const w = viewport.width;
      const { alice, bob, boardId, claimId } = await boardVoted4UU(server);

      const signIn = await phone(null, '/', viewport);
      await signIn.getByRole('heading', { name: 'Sign in' }).waitFor();
      await checkScreen(signIn, 'sign-in', w);
      await signIn.context().close();

      const a = await phone(alice, '/', viewport);
      await a.getByTestId('board-list').waitFor();
      await checkScreen(a, 'board-list', w);

      await a.goto(`/boards/${boardId}`);
      await a.locator(`#claim-item-${claimId}`).waitFor();
      await waitSaved(a);
      await checkScreen(a, 'board', w);

      // Choosing a claim scrolls its detail into view.
      await a.locator(`#claim-item-${claimId}`).click();
      const detail = a.locator(`[data-testid="claim-detail"][data-claim="${claimId}"]`);
      await detail.waitFor();
      await expect
        .poll(() => detail.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight / 2; }))
        .toBe(true);
      await checkScreen(a, 'claim-detail', w);

      // Live review: Alice facilitates, Bob follows.
      // Its agenda named: the default one holds accepted claims only, and none is accepted here.
      const exported = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: alice.token });
      const agenda = (exported.body.claims as Array<{ id: string }>).map((c) => c.id);
      const started = await api(server.url, 'POST', `/api/boards/${boardId}/live`, { token: alice.token, body: { agenda } });
      expect(started.status).toBe(201);
      await a.getByTestId('facilitator-controls').waitFor();
      await checkScreen(a, 'live-facilitator', w);
      const b = await phone(bob, `/boards/${boardId}`, viewport);
      await b.getByTestId('live-bar').waitFor();
      await waitSaved(b);
      await checkScreen(b, 'live-reviewer', w);

      // After the end: the summary is open for the facilitator, folded for everyone else.
      expect((await api(server.url, 'POST', `/api/boards/${boardId}/live/end`, { token: alice.token })).status).toBe(200);
      await a.getByTestId('summary-table').waitFor();
      await checkScreen(a, 'live-summary-facilitator', w);
      const folded = b.getByTestId('live-summary').getByRole('button', { name: 'Show' });
      await folded.waitFor();
      expect(await folded.getAttribute('aria-expanded')).toBe('false');
      expect(await b.getByTestId('summary-table').count()).toBe(0);
      await checkScreen(b, 'live-summary-reviewer', w);
      await folded.click();
      await b.getByTestId('summary-table').waitFor();
      await checkScreen(b, 'live-summary-reviewer-open', w);

      await a.getByRole('tab', { name: 'Consensus' }).click();
      await a.getByTestId('overview').locator(`li[data-claim="${claimId}"]`).waitFor();
      await checkScreen(a, 'consensus', w);
      await a.getByRole('tab', { name: 'Board' }).click();
      await a.locator('#panel-board').getByRole('button', { name: 'Export JSON' }).waitFor();
      await checkScreen(a, 'board-tab', w);

      await a.getByRole('tab', { name: 'Members' }).click();
      await a.getByTestId('members').locator(`tr[data-member="${bob.id}"]`).waitFor();
      await checkScreen(a, 'members', w);
      await a.getByRole('button', { name: 'Audit log' }).click();
      const ended = a.getByTestId('audit-log').locator('[data-action="live.ended"]');
      await ended.waitFor();
      expect(await ended.textContent()).toContain('Alice Owner ended the live review.');
      await checkScreen(a, 'audit', w);

      await a.context().close();
      await b.context().close();
    });
  }
});
