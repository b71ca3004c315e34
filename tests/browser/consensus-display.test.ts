/**
 * How the board reads. A claim voted 4 / U / U is not decided and shows both unverifiable
 * votes: in the claim's detail, the claim list, the article and the consensus overview
 * (whose bar gives every vote its share, with a legend), at desktop width and on a phone.
 * A skip link takes the keyboard to the claim list; an error while offline says so in words.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { openAs, screenshot, useServerAndBrowser, waitSaved, type TestServer } from './helpers.js';
import { boardVoted4UU } from './vote-fixture.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** Width of each segment of a vote bar, as a share of the bar. */
async function segmentShares(bar: Locator): Promise<Record<string, { count: number; share: number }>> {
  return bar.evaluate((el) => {
    const total = el.getBoundingClientRect().width;
    const out: Record<string, { count: number; share: number }> = {};
    for (const seg of Array.from(el.querySelectorAll<HTMLElement>('[data-key]'))) {
      out[seg.dataset.key!] = { count: Number(seg.dataset.count), share: seg.getBoundingClientRect().width / total };
    }
    return out;
  });
}

async function expectNotDecided4UU(page: Page, claimId: string, label: string): Promise<void> {
  await page.locator(`#claim-item-${claimId}`).click();
  const detail = page.locator(`[data-testid="claim-detail"][data-claim="${claimId}"]`);
  await detail.waitFor();
  const decision = detail.getByTestId('decision');
  await expect.poll(() => decision.getAttribute('data-decided'), { message: label }).toBe('false');
  expect(await decision.textContent()).toBe('Not decided: 2 of 3 votes say unverifiable');
  const verdict = detail.getByTestId('verdict');
  expect(await verdict.getAttribute('data-verdict')).toBe('unverifiable');
  expect(await verdict.textContent()).not.toMatch(/true|false|mixed/i);

  // Both unverifiable votes are there: in the bar (2 of 3 of its width), the chart and by name.
  const shares = await segmentShares(detail.getByTestId('vote-bar'));
  expect(Object.keys(shares).sort()).toEqual(['4', 'u']);
  expect(shares.u!.count).toBe(2);
  expect(shares['4']!.count).toBe(1);
  expect(shares.u!.share).toBeGreaterThan(0.6);
  expect(shares['4']!.share).toBeLessThan(0.37);
  expect(await detail.locator('[data-testid="chart"] tr[data-key="u"]').getAttribute('data-count')).toBe('2');
  const voters = (await detail.getByTestId('voters').textContent()) ?? '';
  expect(voters).toContain('Bob Reviewer: Unverifiable');
  expect(voters).toContain('Carol Reviewer: Unverifiable');

  // The list and the article colour it as unverifiable, never as the one "Mostly true".
  expect(await page.locator(`#claim-item-${claimId} .verdict-chip`).getAttribute('data-verdict')).toBe('unverifiable');
  expect(await page.locator(`[data-testid="article"] mark[data-claim="${claimId}"]`).first().getAttribute('data-verdict')).toBe('unverifiable');
}

describe('consensus display', () => {
  it('a claim voted 4 / U / U reads as not decided, with both unverifiable votes visible (desktop and phone)', async () => {
    const { bob, carol, boardId, claimId } = await boardVoted4UU(server);

    const b = await openAs(browser, server, bob, `/boards/${boardId}`);
    await b.page.locator(`#claim-item-${claimId}`).waitFor();
    await waitSaved(b.page);
    await expectNotDecided4UU(b.page, claimId, 'desktop');
    await screenshot(b.page, 'desktop-board-4UU');
    // Wide screens: the article and the claim's detail side by side, the detail sticky.
    for (const width of [1280, 1024]) {
      await b.page.setViewportSize({ width, height: 800 });
      const [article, detail] = await Promise.all(['.article-pane', '.detail-pane'].map((sel) => b.page.locator(sel).boundingBox()));
      expect(article!.x + article!.width, `${width} px`).toBeLessThanOrEqual(detail!.x);
      expect(await b.page.locator('.detail-pane').evaluate((el) => getComputedStyle(el).position)).toBe('sticky');
    }
    await screenshot(b.page, 'tablet-board-4UU');
    await b.page.setViewportSize({ width: 1280, height: 900 });

    // The overview: not decided, the bar two-thirds "unverifiable", a legend naming the colours.
    await b.page.getByRole('tab', { name: 'Consensus' }).click();
    const row = b.page.locator(`[data-testid="overview"] li[data-claim="${claimId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-decided')).toBe('false');
    expect(await row.textContent()).toContain('Not decided: 2 of 3 votes say unverifiable');
    const shares = await segmentShares(row.getByTestId('vote-bar'));
    expect(shares.u!.share).toBeGreaterThan(0.6);
    expect(await b.page.getByTestId('vote-legend').textContent()).toContain('U Unverifiable');
    expect(await b.page.getByTestId('decided-count').textContent()).toBe('0 of 3');
    await screenshot(b.page, 'desktop-overview-4UU');
    expect(b.errors).toEqual([]);

    const c = await openAs(browser, server, carol, `/boards/${boardId}`);
    await c.page.setViewportSize({ width: 390, height: 844 });
    await c.page.locator(`#claim-item-${claimId}`).waitFor();
    await waitSaved(c.page);
    await expectNotDecided4UU(c.page, claimId, 'phone');
    await screenshot(c.page, 'phone-board-4UU');
    await b.context.close();
    await c.context.close();
  });

  it('the skip link reaches the claim list in one Tab; offline errors are sentences; a too long paste says the limit', async () => {
    const { alice, boardId, claimId } = await boardVoted4UU(server);
    const a = await openAs(browser, server, alice, `/boards/${boardId}`);
    await a.page.locator(`#claim-item-${claimId}`).waitFor();
    await a.page.keyboard.press('Tab');
    expect(await a.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the claim list');
    await a.page.keyboard.press('Enter');
    expect(await a.page.evaluate(() => document.activeElement?.id)).toBe(`claim-item-${claimId}`);

    // On another tab the voting keys do nothing: the claim they would vote on is not on screen.
    await a.page.keyboard.press('Enter');
    await a.page.locator(`[data-testid="claim-detail"][data-claim="${claimId}"]`).waitFor();
    await a.page.getByRole('tab', { name: 'Consensus' }).click();
    await a.page.keyboard.press('5');
    await a.page.keyboard.press('j');
    await a.page.getByRole('tab', { name: 'Review' }).click();
    await waitSaved(a.page);
    expect(await a.page.locator('.rating[data-rating="4"]').getAttribute('aria-pressed')).toBe('true');
    expect(await a.page.locator(`#claim-item-${claimId}`).getAttribute('aria-current')).toBe('true');

    // Offline, the members tab cannot load its list: it says why in words, not "Failed to fetch".
    await waitSaved(a.page);
    await a.page.getByRole('tab', { name: 'Members' }).click();
    await a.page.getByTestId('members').locator(`tr[data-member="${alice.id}"]`).waitFor();
    await a.page.getByRole('tab', { name: 'Review' }).click();
    await a.context.setOffline(true);
    await a.page.getByRole('tab', { name: 'Members' }).click();
    const error = a.page.getByTestId('members-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('You’re offline');
    expect(await error.textContent()).not.toContain('Failed to fetch');
    await a.context.setOffline(false);

    // A paste over the import limit says the limit before anything is sent.
    await a.page.goto('/');
    await a.page.locator('#new-title').fill('Too long');
    await a.page.locator('#new-text').evaluate((el, n) => {
      const t = el as HTMLTextAreaElement;
      t.value = 'All work and no play. '.repeat(Math.ceil(n / 22));
      t.dispatchEvent(new Event('input', { bubbles: true }));
    }, 5_000_000);
    let posted = 0;
    a.page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/boards') posted++;
    });
    await a.page.getByRole('button', { name: 'Create board' }).click();
    const alert = a.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('This article is 5,000,006 characters long; the limit is 2,000,000 characters');
    expect(posted).toBe(0);
    await a.context.close();
  });
});
