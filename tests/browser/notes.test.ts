/**
 * Notes after posting: a reviewer edits and deletes her own notes (others see both live,
 * a deleted note keeps its replies under a "(deleted)" tombstone), nobody gets controls
 * for someone else's note, and an editor resolves and reopens a thread.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { a11yViolations, addMember, api, createUser, useServerAndBrowser, openAs, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

describe('notes', () => {
  it('edits and deletes own notes, and an editor resolves a thread', async () => {
    const ed = await createUser(server.url, 'Eve Editor');
    const rev = await createUser(server.url, 'Rob Reviewer');
    const created = await api(server.url, 'POST', '/api/boards', { token: ed.token, body: { title: 'Notes board', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    await addMember(server.url, ed, boardId, rev, 'reviewer');
    const [e, r] = await Promise.all([openAs(browser, server, ed, `/boards/${boardId}`), openAs(browser, server, rev, `/boards/${boardId}`)]);
    const claimId = (await r.page.locator('[data-testid="claim-list"] .claim-item').first().getAttribute('data-claim'))!;
    await Promise.all([r.page.locator(`#claim-item-${claimId}`).click(), e.page.locator(`#claim-item-${claimId}`).click()]);

    // Rob posts a note; Eve replies to it.
    await r.page.getByRole('textbox', { name: 'Add a note' }).fill('The figure is from the 2023 budget.');
    await r.page.getByRole('button', { name: 'Post note' }).click();
    const robNoteOnEve = e.page.locator('[data-testid="note"]', { hasText: 'The figure is from the 2023 budget.' });
    await robNoteOnEve.waitFor();
    // Someone else's note: no edit or delete controls.
    expect(await robNoteOnEve.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await robNoteOnEve.getByRole('button', { name: 'Reply' }).click();
    await e.page.getByRole('textbox', { name: 'Reply' }).fill('Which page?');
    await e.page.getByRole('button', { name: 'Post reply' }).click();
    await r.page.locator('.reply [data-testid="note"]', { hasText: 'Which page?' }).waitFor();

    // Rob edits his note: Eve sees the new text, marked edited.
    const robNote = r.page.locator('[data-testid="note"]', { hasText: 'The figure is from the 2023 budget.' }).first();
    const noteId = (await robNote.getAttribute('data-note'))!;
    const mine = r.page.locator(`[data-note="${noteId}"]`);
    await mine.getByRole('button', { name: 'Edit' }).first().click();
    const box = r.page.getByRole('textbox', { name: 'Edit note' });
    expect(await box.inputValue()).toBe('The figure is from the 2023 budget.');
    await box.fill('The figure is on page 12 of the 2023 budget.');
    await r.page.getByRole('button', { name: 'Save note' }).click();
    await mine.locator('> [data-testid="note-body"]', { hasText: 'page 12' }).waitFor();
    const eveSees = e.page.locator(`[data-note="${noteId}"]`);
    await eveSees.locator('> [data-testid="note-body"]', { hasText: 'page 12 of the 2023 budget' }).waitFor({ timeout: 2000 });
    await eveSees.locator('> header [data-testid="note-edited"]').waitFor();

    // Eve resolves the thread; Rob sees it resolved (and can no longer reply), then she reopens it.
    await eveSees.getByRole('button', { name: 'Resolve thread' }).click();
    await r.page.locator(`[data-note="${noteId}"][data-resolved="true"]`).waitFor({ timeout: 2000 });
    expect(await mine.locator('> .note-actions').getByRole('button', { name: 'Reply' }).count()).toBe(0);
    expect(await mine.getByRole('button', { name: 'Resolve thread' }).count()).toBe(0); // reviewers do not resolve
    await eveSees.getByRole('button', { name: 'Reopen thread' }).click();
    await r.page.locator(`[data-note="${noteId}"][data-resolved="false"]`).waitFor({ timeout: 2000 });

    // Rob deletes his note: a tombstone stays for the reply, on both pages.
    await mine.locator('> .note-actions').getByRole('button', { name: 'Delete' }).click();
    await mine.locator('> [data-testid="note-deleted"]').waitFor();
    await eveSees.locator('> [data-testid="note-deleted"]').waitFor({ timeout: 2000 });
    expect(await e.page.getByText('page 12 of the 2023 budget').count()).toBe(0);
    await eveSees.locator('.reply [data-testid="note"]', { hasText: 'Which page?' }).waitFor();
    expect(await mine.locator('> .note-actions').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await Promise.all([waitSaved(r.page), waitSaved(e.page)]);
    expect(await a11yViolations(r.page)).toEqual([]);

    // Reloaded, the edit and the deletion are still there (stored, not only in memory).
    await e.page.reload();
    await e.page.locator(`#claim-item-${claimId}`).click();
    await e.page.locator(`[data-note="${noteId}"] > [data-testid="note-deleted"]`).waitFor();

    expect(e.errors).toEqual([]);
    expect(r.errors).toEqual([]);
    await Promise.all([e.context.close(), r.context.close()]);
  });
});
