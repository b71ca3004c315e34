/**
 * A board created in the UI from an HTML file: boilerplate is dropped, suggested claims are
 * highlighted, the editor accepts and rejects some, a reviewer's text selection becomes a
 * suggestion the editor accepts; a viewer cannot vote, is told why, and a forced write from
 * the viewer's credentials is refused by the server.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { emitAck, joinRaw, mapSetUpdate, rawSocket, updateMessage } from '../helpers/raw.js';
import { HTML_ARTICLE } from './fixtures.js';
import { a11yViolations, addMember, createUser, useServerAndBrowser, openAs, screenshot, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('import, curation and roles', () => {
  it('creates a board from an HTML file, curates claims, and keeps viewers read-only', async () => {
    const ed = await createUser(server.url, 'Edna Editor');
    const e = await openAs(browser, server, ed, '/');
    await e.page.getByText('No boards yet').waitFor();
    await screenshot(e.page, 'board-list');
    expect(await a11yViolations(e.page)).toEqual([]);
    // Dropping a file on the article box reads it and picks the format from its name.
    await e.page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['# Notes\n\nTurnout was 61% in 2022, officials said.'], 'notes.md', { type: 'text/markdown' }));
      document.getElementById('new-text')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => e.page.getByLabel('Article').inputValue()).toContain('Turnout was 61%');
    expect(await e.page.getByLabel('Format').inputValue()).toBe('markdown');
    expect(await e.page.getByLabel('Title').inputValue()).toBe('notes');
    await e.page.getByLabel('Title').fill('');
    await e.page.getByLabel('Or choose a file').setInputFiles({ name: 'budget-story.html', mimeType: 'text/html', buffer: Buffer.from(HTML_ARTICLE) });
    await expect.poll(() => e.page.getByLabel('Format').inputValue()).toBe('html');
    expect(await e.page.getByLabel('Title').inputValue()).toBe('budget-story');
    await e.page.getByLabel('Title').fill('City budget');
    await e.page.getByRole('button', { name: 'Create board' }).click();
    await e.page.waitForURL(/\/boards\/b_/);
    const boardId = new URL(e.page.url()).pathname.split('/')[2]!;

    const marks = e.page.locator('[data-testid="article"] mark.hl');
    await marks.first().waitFor();
    const highlighted = await marks.allTextContents();
    expect(highlighted.length).toBeGreaterThanOrEqual(2);
    expect(highlighted.join(' ')).toContain('$310 million');
    const article = (await e.page.locator('[data-testid="article"]').textContent())!;
    for (const boilerplate of ['newsletter', 'All rights reserved', 'Home | News']) expect(article).not.toContain(boilerplate);
    for (const h of highlighted) expect(h).not.toMatch(/newsletter|Photo:|By Jane Doe/);

    // Accept the first suggestion, reject the second.
    const items = e.page.locator('[data-testid="claim-list"] .claim-item');
    const ids = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-claim')!));
    await e.page.locator(`#claim-item-${ids[0]}`).click();
    await e.page.getByRole('button', { name: 'Accept claim' }).click();
    await e.page.locator('[data-testid="claim-status"]', { hasText: 'accepted' }).waitFor();
    await e.page.locator(`#claim-item-${ids[1]}`).click();
    await e.page.getByRole('button', { name: 'Reject claim' }).click();
    await e.page.locator(`#claim-item-${ids[1]}`).waitFor({ state: 'detached' });
    expect(await marks.count()).toBe(highlighted.length - 1);
    await e.page.getByLabel('Show').selectOption('rejected');
    await e.page.locator(`#claim-item-${ids[1]}`).waitFor();
    await e.page.getByLabel('Show').selectOption('all');
    await waitSaved(e.page);

    // A reviewer suggests a claim from a selection; the editor accepts it.
    const rev = await createUser(server.url, 'Rita Reviewer');
    await addMember(server.url, ed, boardId, rev, 'reviewer');
    const r = await openAs(browser, server, rev, `/boards/${boardId}`);
    await r.page.locator('[data-testid="article"] mark.hl').first().waitFor();
    await r.page.evaluate(() => {
      const root = document.querySelector('[data-testid="article"]')!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf('It was a long meeting.');
        if (i >= 0) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 'It was a long meeting.'.length);
          getSelection()!.removeAllRanges();
          getSelection()!.addRange(range);
          return;
        }
      }
      throw new Error('text not found');
    });
    await r.page.getByRole('button', { name: 'Suggest selected text as a claim' }).click();
    await r.page.getByTestId('my-suggestions').getByText('It was a long meeting.').waitFor();
    await waitSaved(r.page);
    const suggestion = e.page.locator('[data-testid="suggestions"] li', { hasText: 'It was a long meeting.' });
    await suggestion.waitFor({ timeout: 5000 });
    await suggestion.getByRole('button', { name: 'Accept suggestion' }).click();
    await e.page.locator('[data-testid="article"] mark.hl', { hasText: 'It was a long meeting.' }).waitFor();
    await r.page.locator('[data-testid="claim-list"] .claim-item', { hasText: 'It was a long meeting.' }).waitFor();
    await r.page.getByTestId('my-suggestions').waitFor({ state: 'detached' });
    await waitSaved(e.page);
    await screenshot(e.page, 'board-editor');

    // A viewer sees the board but cannot vote, and is told why.
    const viewer = await createUser(server.url, 'Vic Viewer');
    await addMember(server.url, ed, boardId, viewer, 'viewer');
    const v = await openAs(browser, server, viewer, `/boards/${boardId}`);
    await v.page.locator(`#claim-item-${ids[0]}`).click();
    await v.page.locator('[data-testid="status"][data-connected="true"]').waitFor();
    expect(await v.page.locator('[data-testid="role"]').textContent()).toBe('viewer');
    expect(await v.page.locator('[data-testid="vote-blocked"]').textContent()).toContain('viewer');
    expect(await v.page.locator('.rating[data-rating="3"]').isDisabled()).toBe(true);
    await v.page.keyboard.press('3');
    expect(await v.page.locator('[data-testid="chart"] tr[data-key="3"]').getAttribute('data-count')).toBe('0');
    expect(await v.page.getByRole('button', { name: 'Accept claim' }).count()).toBe(0);
    expect(await v.page.getByRole('button', { name: 'Post note' }).count()).toBe(0);
    await screenshot(v.page, 'board-viewer');
    expect(await a11yViolations(v.page)).toEqual([]);

    // Forced writes with the viewer's token: the server refuses both documents.
    const { socket } = await rawSocket(server.url, viewer.token);
    await joinRaw(socket, boardId);
    const vote = await emitAck(socket, 'sync:message', {
      docKey: reviewerDocKey(boardId, viewer.id),
      message: updateMessage(mapSetUpdate('votes', ids[0]!, { rating: 3, confidence: 'high', at: Date.now() })),
    });
    expect(vote).toMatchObject({ ok: false });
    const board = await emitAck(socket, 'sync:message', {
      docKey: boardDocKey(boardId),
      message: updateMessage(mapSetUpdate('claims', 'forged', 'x')),
    });
    expect(board).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    socket.close();
    await v.page.waitForTimeout(200);
    expect(await v.page.locator('[data-testid="chart"] tr[data-key="3"]').getAttribute('data-count')).toBe('0');

    // Merge the accepted claim with the next open one (issue 16: picked in the merge form,
    // which replaced "Merge with next"), then split the result back apart.
    await e.page.locator(`#claim-item-${ids[0]}`).click();
    const nextText = (await e.page.locator('[data-testid="claim-list"] .claim-item .claim-text').nth(1).textContent())!;
    const nextId = (await e.page.locator('[data-testid="claim-list"] .claim-item').nth(1).getAttribute('data-claim'))!;
    await e.page.getByRole('button', { name: 'Merge…' }).click();
    await e.page.locator(`[data-testid="merge-form"] input[data-claim="${nextId}"]`).check();
    await e.page.getByRole('button', { name: 'Merge claims' }).click();
    await e.page.getByText('Merged from:').waitFor();
    const merged = (await e.page.getByTestId('claim-detail').getAttribute('data-claim'))!;
    expect(await e.page.locator('.claim-quote').textContent()).toContain(nextText.trim());
    await e.page.locator(`#claim-item-${ids[0]}`).waitFor({ state: 'detached' });
    await e.page.getByRole('button', { name: 'Split…' }).click();
    const parts = (await e.page.getByLabel('One part per line').inputValue()).split('\n');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    await e.page.getByRole('button', { name: 'Split claim' }).click();
    await e.page.locator(`#claim-item-${merged}`).waitFor({ state: 'detached' });
    for (const part of parts) await e.page.locator('[data-testid="claim-list"] .claim-item', { hasText: part.trim() }).first().waitFor();
    await waitSaved(e.page);
    // The viewer follows live.
    await v.page.locator(`#claim-item-${merged}`).waitFor({ state: 'detached' });

    for (const x of [e, r, v]) expect(x.errors).toEqual([]);
    await Promise.all([e.context.close(), r.context.close(), v.context.close()]);
  });
});
