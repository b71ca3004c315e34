/**
 * [SUG-EXPLAIN] "Why not suggested?": an owner selects a sentence of the article and reads,
 * in words, why it was not suggested (score against the board's threshold, the cues against;
 * page furniture of which kind), from the keyboard too; a suggested claim's detail explains
 * its suggestion; a selection over two sentences is said to be answered for the first only;
 * the answer fits a 390 px screen; a reviewer is not offered the button.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { a11yViolations, addMember, api, createUser, openAs, screenshot, useServerAndBrowser, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const SUGGESTED = 'The city council voted 7-2 on Monday to spend $12 million on a new central library.';
const NOT_SUGGESTED = 'The lengthy statement can be found here.';
const FURNITURE = 'Get the Tech Brief newsletter';
const ARTICLE = `${FURNITURE}\n\n${SUGGESTED} ${NOT_SUGGESTED}\nIt was a long meeting.`;

/** Selects `from`…`to` (inclusive of `to`'s text) of the article as a user would with the mouse. */
async function select(page: Page, from: string, to = from): Promise<void> {
  await page.evaluate(([a, b]) => {
    const root = document.querySelector('[data-testid="article"]')!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let started = false;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent!;
      if (!started && text.includes(a!)) {
        range.setStart(n, text.indexOf(a!));
        started = true;
      }
      if (started && text.includes(b!)) {
        range.setEnd(n, text.indexOf(b!) + b!.length);
        getSelection()!.removeAllRanges();
        getSelection()!.addRange(range);
        return;
      }
    }
    throw new Error(`text not found: ${a} … ${b}`);
  }, [from, to]);
}

describe('why a sentence was not suggested', () => {
  it('[SUG-EXPLAIN] an owner selects a sentence and reads why, at 390 px too; a reviewer is not offered it', async () => {
    const owner = await createUser(server.url, 'Olga Owner');
    const created = await api(server.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Library vote', text: ARTICLE } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const boardId = created.body.board.id as string;
    const o = await openAs(browser, server, owner, `/boards/${boardId}`);
    await o.page.locator('[data-testid="article"] mark.hl', { hasText: SUGGESTED }).waitFor();
    const articleExplainer = o.page.getByTestId('article-explainer');
    const ask = articleExplainer.getByRole('button', { name: 'Why not suggested?' });
    expect(await ask.isDisabled()).toBe(true);

    // A sentence that was not suggested: asked from the keyboard.
    await select(o.page, NOT_SUGGESTED);
    await expect.poll(() => ask.isDisabled()).toBe(false);
    await ask.focus();
    await o.page.keyboard.press('Enter');
    const answer = articleExplainer.getByTestId('explanation');
    await answer.waitFor();
    expect(await answer.getByTestId('explanation-verdict').textContent()).toBe('Not suggested');
    const words = (await answer.textContent())!;
    expect(words).toMatch(/its check-worthiness score 0\.\d\d is below this board's threshold 0\.50/);
    expect(words).toContain(NOT_SUGGESTED);
    expect(await answer.getByTestId('explanation-against').textContent()).toContain('points to a link');
    expect(words).not.toContain('goes beyond this sentence');
    await screenshot(o.page, 'explain-not-suggested');
    expect(await a11yViolations(o.page)).toEqual([]);

    // At 390 px the answer stays on screen.
    await o.page.setViewportSize({ width: 390, height: 900 });
    await answer.scrollIntoViewIfNeeded();
    const box = (await answer.boundingBox())!;
    console.log(`explanation at 390 px: x ${box.x.toFixed(0)}, width ${box.width.toFixed(0)}`);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await screenshot(o.page, 'explain-not-suggested-390');
    await o.page.setViewportSize({ width: 1280, height: 900 });

    // Page furniture says which kind.
    await select(o.page, FURNITURE);
    await ask.click();
    await answer.getByText('page furniture (newsletter plug)').waitFor();
    expect(await answer.getByTestId('explanation-verdict').textContent()).toBe('Not suggested');

    // A selection over two sentences: the answer is about the first, and says so.
    await select(o.page, 'The lengthy statement', 'It was a long meeting.');
    await ask.click();
    await answer.getByText('goes beyond this sentence').waitFor();
    expect(await answer.locator('blockquote').textContent()).toBe(NOT_SUGGESTED);

    // A suggested claim's detail explains its suggestion.
    await o.page.locator('[data-testid="claim-list"] .claim-item', { hasText: SUGGESTED }).click();
    const claimExplainer = o.page.getByTestId('claim-explainer');
    await claimExplainer.getByRole('button', { name: 'Explain the suggestion' }).click();
    const claimAnswer = claimExplainer.getByTestId('explanation');
    await claimAnswer.waitFor();
    expect(await claimAnswer.getByTestId('explanation-verdict').textContent()).toBe('Suggested');
    expect(await claimAnswer.textContent()).toMatch(/at or above this board's threshold 0\.50/);
    expect(await claimAnswer.getByTestId('explanation-for').locator('li').count()).toBeGreaterThan(0);
    await screenshot(o.page, 'explain-suggested-claim');
    expect(o.errors).toEqual([]);

    // A reviewer curates nothing and is not offered the question.
    const rev = await createUser(server.url, 'Remi Reviewer');
    await addMember(server.url, owner, boardId, rev, 'reviewer');
    const r = await openAs(browser, server, rev, `/boards/${boardId}`);
    await r.page.locator('[data-testid="article"] mark.hl', { hasText: SUGGESTED }).waitFor();
    await r.page.getByRole('button', { name: 'Suggest selected text as a claim' }).waitFor();
    expect(await r.page.getByTestId('article-explainer').count()).toBe(0);
    await r.page.locator('[data-testid="claim-list"] .claim-item', { hasText: SUGGESTED }).click();
    await r.page.locator('[data-testid="claim-status"]').waitFor();
    expect(await r.page.getByTestId('claim-explainer').count()).toBe(0);
    await Promise.all([o.context.close(), r.context.close()]);
  });
});
