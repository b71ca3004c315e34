/** The JSON downloaded through the UI's export button is byte-for-byte the REST export. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTICLE } from './fixtures.js';
import { api, createUser, useServerAndBrowser, openAs, waitSaved, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function rest(token: string, boardId: string, format: string): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/boards/${boardId}/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('export', () => {
  it('the exports downloaded from the UI equal the REST exports', async () => {
    const alice = await createUser(server.url, 'Alice Owner');
    const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Export me', text: ARTICLE } });
    const boardId: string = created.body.board.id;
    const a = await openAs(browser, server, alice, `/boards/${boardId}`);
    await a.page.locator('[data-testid="claim-list"] .claim-item').first().click();
    await a.page.locator('.rating[data-rating="4"]').click();
    await waitSaved(a.page);
    await a.page.getByRole('tab', { name: 'Board' }).click();

    for (const [label, format] of [
      ['Export JSON', 'json'],
      ['Export ClaimReview', 'claimreview'],
      ['Export CSV', 'csv'],
    ] as const) {
      const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('button', { name: label }).click()]);
      const file = await download.path();
      const fromUi = fs.readFileSync(file);
      const fromRest = await rest(alice.token, boardId, format);
      expect(fromUi.equals(fromRest), `${format} export differs`).toBe(true);
      if (format === 'json') {
        const json = JSON.parse(fromUi.toString('utf8'));
        expect(json.schema).toBe('claimboard.export/v1');
        expect(download.suggestedFilename()).toBe(`claimboard-${boardId}.json`);
      }
    }
    expect(a.errors).toEqual([]);
    await a.context.close();
  });
});
