/**
 * Issue 16, must-show 2 in the browser: the source entered in the new-board form reaches the
 * JSON export, the ClaimReview `appearance` and the CSV; an editor's verdict given in the UI
 * is what ClaimReview publishes, at the URL the editor gave, and the preview checks it.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { createUser, openAs, screenshot, useServerAndBrowser, waitFor, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function rest(token: string, boardId: string, query: string): Promise<string> {
  const res = await fetch(`${server.url}/api/boards/${boardId}/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer()).toString('utf8');
}

describe('publication', () => {
  it('the source from the new-board form and the verdict from the claim view reach JSON, ClaimReview and CSV', async () => {
    const owner = await createUser(server.url, 'Olga Owner');
    const a = await openAs(browser, server, owner, '/');
    const page = a.page;
    await page.locator('#new-title').fill('Roads and jobs');
    await page.locator('#new-text').fill(ARTICLE);
    await page.locator('#new-src-url').fill('https://news.example/roads');
    await page.locator('#new-src-headline').fill('City spends on roads');
    await page.locator('#new-src-publisher').fill('Example News');
    await page.locator('#new-src-author').fill('Jane Doe');
    await page.locator('#new-src-date').fill('2024-03-01');
    await page.getByRole('button', { name: 'Create board' }).click();
    await page.waitForURL(/\/boards\/b_/);
    const boardId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('tab', { name: 'Board' }).click();
    await expect.poll(() => page.locator('[data-testid="source-publisher"]').textContent()).toBe('Example News');

    // publication settings
    await page.getByRole('button', { name: 'Edit source and publication' }).click();
    await page.locator('#pub-name').fill('The Desk');
    await page.locator('#pub-url').fill('https://desk.example');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="organisation"]').textContent()).toBe('The Desk');

    // accept the first claim and give the verdict
    await page.getByRole('tab', { name: 'Review' }).click();
    await page.locator('[data-testid="claim-list"] .claim-item').first().click();
    const claimId = (await page.locator('[data-testid="claim-detail"]').getAttribute('data-claim'))!;
    await page.getByRole('button', { name: 'Accept claim' }).click();
    await page.getByRole('button', { name: 'Give verdict' }).click();
    await page.locator('#verdict-rating').selectOption('4');
    await page.locator('#verdict-summary').fill('City spent $4.2 million on road repairs in 2023');
    await page.locator('#verdict-explanation').fill('The budget report, page 12.');
    await page.locator('#verdict-url').fill('https://desk.example/checks/roads');
    await page.locator('#verdict-speaker').fill('The mayor');
    await page.getByRole('button', { name: 'Save verdict' }).click();
    await expect.poll(() => page.locator('[data-testid="editor-rating"]').textContent()).toBe('Mostly true');
    await waitSaved(page);

    await page.getByRole('tab', { name: 'Board' }).click();
    await page.getByRole('button', { name: 'Preview ClaimReview' }).click();
    await page.locator(`[data-testid="preview-item"][data-claim="${claimId}"] [data-testid="preview-valid"]`).waitFor();
    expect(await page.locator('[data-testid="preview-excluded"] li').count()).toBeGreaterThan(0);
    await screenshot(page, 'publication-1280');
    await page.setViewportSize({ width: 390, height: 900 });
    await screenshot(page, 'publication-390');
    // the new parts fit the narrow viewport (the page as a whole is 393 px wide before this
    // change too, from the members table)
    const rights = await page.evaluate(() =>
      ['[data-testid="source-panel"]', '[data-testid="claimreview-preview"]', '[data-testid="editor-verdict"]'].map((sel) => {
        const el = document.querySelector(sel)!;
        return { sel, right: el.getBoundingClientRect().right, overflow: el.scrollWidth - el.clientWidth };
      }),
    );
    for (const r of rights) expect(r, JSON.stringify(r)).toMatchObject({ overflow: 0 });
    for (const r of rights) expect(r.right, r.sel).toBeLessThanOrEqual(390);

    const json = JSON.parse(await rest(owner.token, boardId, 'format=json'));
    expect(json.board.source).toEqual({ url: 'https://news.example/roads', headline: 'City spends on roads', publisher: 'Example News', author: 'Jane Doe', publishedAt: '2024-03-01' });
    const claim = json.claims.find((c: { id: string }) => c.id === claimId);
    expect(claim.verdict).toMatchObject({ rating: 4, label: 'Mostly true', url: 'https://desk.example/checks/roads', by: owner.id });
    expect(claim.speaker).toBe('The mayor');

    const reviews = JSON.parse(await rest(owner.token, boardId, 'format=claimreview'));
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({
      url: 'https://desk.example/checks/roads',
      claimReviewed: 'City spent $4.2 million on road repairs in 2023',
      author: { '@type': 'Organization', name: 'The Desk', url: 'https://desk.example' },
      reviewRating: { ratingValue: 4, alternateName: 'Mostly true' },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Person', name: 'The mayor' },
        appearance: { url: 'https://news.example/roads', headline: 'City spends on roads', datePublished: '2024-03-01', publisher: { name: 'Example News' }, author: { name: 'Jane Doe' } },
      },
    });

    const csv = await rest(owner.token, boardId, 'format=csv');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const row = csv.split('\r\n').find((l) => l.includes(`,${claimId},accepted,`))!;
    expect(row).toContain(',The mayor,4,Mostly true,City spent $4.2 million on road repairs in 2023,"The budget report, page 12.",https://desk.example/checks/roads,Olga Owner,');
    expect(row).toContain(',https://news.example/roads,City spends on roads,Example News,Jane Doe,2024-03-01');

    // the source stays editable
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Edit source and publication' }).click();
    await page.locator('#src-publisher').fill('Example Daily');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await waitSaved(page);
    await waitFor(async () => JSON.parse(await rest(owner.token, boardId, 'format=json')).board.source.publisher === 'Example Daily', 'edited source exported');
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 60_000);
});
