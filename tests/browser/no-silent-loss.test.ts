/**
 * Nothing typed is lost without a word (issue 17, must-show 1): a reviewer who changes the
 * confidence and rationale of a vote and moves straight to another claim has the change
 * saved — the other window shows it, and the status badge says "saving…" until the server
 * acknowledged it; a note typed halfway survives a demotion to viewer and the promotion
 * back, and a reload.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, addMember, api, createUser, openAs, useServerAndBrowser, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function twoOnABoard() {
  const alice = await createUser(server.url, 'Alice Owner');
  const bob = await createUser(server.url, 'Bob Reviewer');
  const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'No loss', text: ARTICLE, format: 'text' } });
  expect(created.status).toBe(201);
  const boardId: string = created.body.board.id;
  await addMember(server.url, alice, boardId, bob, 'reviewer');
  const path = `/boards/${boardId}`;
  const [a, b] = await Promise.all([openAs(browser, server, alice, path), openAs(browser, server, bob, path)]);
  const items = b.page.locator('[data-testid="claim-list"] .claim-item');
  await items.nth(1).waitFor();
  const ids = [(await items.nth(0).getAttribute('data-claim'))!, (await items.nth(1).getAttribute('data-claim'))!] as const;
  await Promise.all([waitSaved(a.page), waitSaved(b.page)]);
  return { alice, bob, boardId, a, b, ids };
}

describe('no silent loss', () => {
  it('a vote change made just before moving to another claim reaches the other window; the badge says saving… until it is stored', async () => {
    const { a, b, ids } = await twoOnABoard();
    const [first, second] = ids;
    await Promise.all([a.page.locator(`#claim-item-${first}`).click(), b.page.locator(`#claim-item-${first}`).click()]);
    await b.page.locator('.rating[data-rating="4"]').click();
    const bobOnAlice = a.page.locator('[data-testid="voters"] li', { hasText: 'Bob Reviewer' });
    await bobOnAlice.filter({ hasText: 'Mostly true (medium)' }).waitFor();
    await waitSaved(b.page);

    // Bob changes his mind about how sure he is and why, and at once clicks the next claim.
    await b.page.locator('input[name="confidence"][value="high"]').check();
    await b.page.locator('#rationale').fill('The budget line says 4.2, page 12.');
    // Until it is written and acknowledged the badge does not claim "saved".
    expect(await b.page.getByTestId('status').getAttribute('data-saved')).toBe('false');
    expect(await b.page.getByTestId('status').textContent()).toContain('saving…');
    await b.page.locator(`#claim-item-${second}`).click();
    await b.page.locator(`[data-testid="claim-detail"][data-claim="${second}"]`).waitFor();

    // Alice sees the new confidence and rationale without Bob pressing anything.
    await bobOnAlice.filter({ hasText: 'Mostly true (high)' }).filter({ hasText: 'The budget line says 4.2, page 12.' }).waitFor({ timeout: 3000 });
    await waitSaved(b.page);
    expect(await b.page.getByTestId('status').textContent()).toContain('saved');

    // Back on the first claim, Bob's form shows what he wrote; the new claim's form is blank.
    expect(await b.page.locator('#rationale').inputValue()).toBe('');
    await b.page.locator(`#claim-item-${first}`).click();
    expect(await b.page.locator('#rationale').inputValue()).toBe('The budget line says 4.2, page 12.');
    expect(await b.page.locator('input[name="confidence"][value="high"]').isChecked()).toBe(true);

    // A rationale typed before any rating is kept through a reload and goes in with the rating.
    await b.page.locator(`#claim-item-${second}`).click();
    await b.page.locator('#rationale').fill('Unclear which year is meant.');
    await b.page.getByTestId('vote-draft').waitFor();
    await b.page.reload();
    await b.page.locator(`#claim-item-${second}`).click();
    expect(await b.page.locator('#rationale').inputValue()).toBe('Unclear which year is meant.');
    await b.page.locator('.rating[data-rating="unverifiable"]').click();
    await a.page.locator(`#claim-item-${second}`).click();
    await a.page.locator('[data-testid="voters"] li', { hasText: 'Bob Reviewer' }).filter({ hasText: 'Unclear which year is meant.' }).waitFor({ timeout: 3000 });

    expect(await a11yViolations(b.page)).toEqual([]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it('a half-typed note survives a demotion to viewer, the promotion back and a reload', async () => {
    const { alice, bob, boardId, a, b, ids } = await twoOnABoard();
    const [first] = ids;
    await b.page.locator(`#claim-item-${first}`).click();
    const HALF = 'The figure is from the 2023 bud';
    await b.page.getByRole('textbox', { name: 'Add a note' }).fill(HALF);

    // Alice makes Bob a viewer: he may no longer write notes; what he typed is shown as kept.
    const setRole = (role: string) =>
      api(server.url, 'PATCH', `/api/boards/${boardId}/members/${bob.id}`, { token: alice.token, body: { role } });
    expect((await setRole('viewer')).status).toBe(200);
    await b.page.getByTestId('vote-blocked').waitFor();
    expect(await b.page.getByRole('textbox', { name: 'Add a note' }).count()).toBe(0);
    await b.page.getByTestId('note-draft-kept').filter({ hasText: HALF }).waitFor();

    // Promoted back: the note form is there again with his text in it.
    expect((await setRole('reviewer')).status).toBe(200);
    await b.page.getByTestId('vote-blocked').waitFor({ state: 'detached' });
    const box = b.page.getByRole('textbox', { name: 'Add a note' });
    await box.waitFor();
    expect(await box.inputValue()).toBe(HALF);

    // A reload keeps it too; then he finishes and posts it, and the draft is gone.
    await b.page.reload();
    await b.page.locator(`#claim-item-${first}`).click();
    expect(await b.page.getByRole('textbox', { name: 'Add a note' }).inputValue()).toBe(HALF);
    await b.page.getByRole('textbox', { name: 'Add a note' }).fill(HALF + 'get, page 12.');
    await b.page.getByRole('button', { name: 'Post note' }).click();
    await a.page.locator(`#claim-item-${first}`).click();
    await a.page.locator('[data-testid="note"]', { hasText: HALF + 'get, page 12.' }).waitFor({ timeout: 3000 });
    expect(await b.page.getByRole('textbox', { name: 'Add a note' }).inputValue()).toBe('');
    await b.page.reload();
    await b.page.locator(`#claim-item-${first}`).click();
    expect(await b.page.getByRole('textbox', { name: 'Add a note' }).inputValue()).toBe('');

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
