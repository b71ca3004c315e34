/**
 * Issue 16, must-show 4: in two windows at once, an editor edits a claim's text, merges two
 * non-adjacent claims with edited text, undoes the merge and redoes it; the other window
 * (another editor) sees each step.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { addMember, api, createUser, openAs, screenshot, useServerAndBrowser, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const listIds = (page: Page) => page.locator('[data-testid="claim-list"] .claim-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-claim')!));
const textOf = (page: Page, id: string) => page.locator(`#claim-item-${id} .claim-text`).textContent();

describe('curation in two windows', () => {
  it('edit a claim, merge two non-adjacent claims with edited text, undo, redo: the other window follows each step', async () => {
    const owner = await createUser(server.url, 'Olga Owner');
    const editor = await createUser(server.url, 'Ed Editor');
    const created = await api(server.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Curate', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    await addMember(server.url, owner, boardId, editor, 'editor');
    const a = await openAs(browser, server, owner, `/boards/${boardId}`);
    const b = await openAs(browser, server, editor, `/boards/${boardId}`);
    await waitSaved(a.page);
    await waitSaved(b.page);
    const ids = await listIds(a.page);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const [first, middle, third] = ids as [string, string, string];

    // 1. edit a claim's text
    await a.page.locator(`#claim-item-${middle}`).click();
    await a.page.getByRole('button', { name: 'Edit text' }).click();
    await a.page.locator('#claim-text').fill('Unemployment fell to 3.1% in March');
    await a.page.getByRole('button', { name: 'Save text' }).click();
    await expect.poll(() => textOf(b.page, middle)).toBe('Unemployment fell to 3.1% in March');

    // 2. merge the first and the third claim (not adjacent) with edited text
    await a.page.locator(`#claim-item-${first}`).click();
    await a.page.getByRole('button', { name: 'Merge…' }).click();
    await a.page.locator(`[data-testid="merge-form"] input[data-claim="${third}"]`).check();
    await a.page.locator('#merge-text').fill('The city spent $4.2 million on roads, and the bridge will carry 40,000 vehicles a day');
    await a.page.getByRole('button', { name: 'Merge claims' }).click();
    const merged = async (page: Page) => (await listIds(page)).filter((id) => !ids.includes(id));
    await expect.poll(async () => (await merged(b.page)).length).toBe(1);
    const [mergedId] = await merged(b.page);
    expect(await textOf(b.page, mergedId!)).toBe('The city spent $4.2 million on roads, and the bridge will carry 40,000 vehicles a day');
    expect(await listIds(b.page)).not.toContain(first);
    expect(await listIds(b.page)).not.toContain(third);
    // one highlight per part in the article, none across the sentences between them
    await expect.poll(() => b.page.locator(`mark[data-claim="${mergedId}"]`).count()).toBe(2);
    await screenshot(a.page, 'curation-merged');

    // 3. undo the merge: both windows have the two claims back, the edit stays
    await a.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => listIds(b.page)).toEqual(ids);
    expect(await textOf(b.page, middle)).toBe('Unemployment fell to 3.1% in March');
    await expect.poll(() => listIds(a.page)).toEqual(ids);

    // 4. redo it
    await a.page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(async () => (await merged(b.page)).length).toBe(1);
    expect(await merged(b.page)).toEqual([mergedId]);
    expect(await textOf(b.page, mergedId!)).toBe('The city spent $4.2 million on roads, and the bridge will carry 40,000 vehicles a day');

    // the other editor's undo does not touch the owner's merge (they have nothing to undo)
    expect(await b.page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
    // the replaced originals show what replaced them, not a rejection
    await b.page.getByRole('combobox').first().selectOption('replaced');
    await b.page.locator(`#claim-item-${first}`).click();
    await expect.poll(() => b.page.locator('[data-testid="replaced-by"]').textContent()).toContain('Merged into');
    expect(await b.page.locator('[data-testid="claim-status"]').textContent()).not.toBe('rejected');
    // the merge form fits a phone
    await a.page.setViewportSize({ width: 390, height: 900 });
    await a.page.locator(`#claim-item-${middle}`).click();
    await a.page.getByRole('button', { name: 'Merge…' }).click();
    const form = await a.page.locator('[data-testid="merge-form"]').evaluate((el) => ({ right: el.getBoundingClientRect().right, overflow: el.scrollWidth - el.clientWidth }));
    expect(form.overflow).toBe(0);
    expect(form.right).toBeLessThanOrEqual(390);
    await screenshot(a.page, 'curation-merge-form-390');
    await waitSaved(a.page);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 60_000);
});
