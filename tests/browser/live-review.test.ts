/**
 * Live review in three browser contexts: the facilitator (the board's owner) steers, two
 * reviewers follow. Focus moves followers' views but not one who switched following off;
 * a sealed round shows who has voted and never what; the reveal reaches everyone within a
 * second; the shared timer agrees across clients within 250 ms (one of them with a clock
 * 90 s fast); a late joiner lands on the focused claim; the end shows the summary.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readBoard, setClaimStatus } from '../../shared/model/index.js';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { socketClient, type TestUser } from '../helpers/server.js';
import { ARTICLE } from './fixtures.js';
import {
  a11yViolations,
  addMember,
  api,
  createUser,
  openAs,
  screenshot,
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

const TEXT = ARTICLE + ' The school district hired 120 new teachers in 2024, the superintendent said.';
/** Reviewer B's device clock is this far ahead: the timer must not care. */
const B_SKEW_MS = 90_000;
const SECRET = 'sealed-rationale-7f3a: the March figure was revised';

const detailOn = (page: Page, claimId: string) => page.locator(`[data-testid="claim-detail"][data-claim="${claimId}"]`);
const liveFocusIs = (page: Page, claimId: string) => page.locator(`[data-testid="live-bar"][data-focus="${claimId}"]`);

/** Waits on every page in parallel; returns each page's ms from `t0` to when it showed. */
async function timedOnAll(pages: Page[], selector: (p: Page) => ReturnType<Page['locator']>, t0: number, timeout: number): Promise<number[]> {
  return Promise.all(
    pages.map(async (p) => {
      await selector(p).waitFor({ timeout });
      return Date.now() - t0;
    }),
  );
}

interface TimerReading {
  remaining: number;
  /** ms between the client computing `remaining` and this reading. */
  age: number;
  /** True epoch ms of this reading (performance clock: not affected by the Date skew). */
  wall: number;
  offset: number;
  text: string;
}

const readTimer = (page: Page): Promise<TimerReading> =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="live-timer"]')!;
    const now = performance.now();
    return {
      remaining: Number(el.dataset.remainingMs),
      age: now - Number(el.dataset.stamp),
      wall: performance.timeOrigin + now,
      offset: Number(el.dataset.clockOffset),
      text: el.textContent?.trim() ?? '',
    };
  });

/** An editor triaged the board before the meeting: every claim accepted, so all are on the default agenda [L1]. */
async function acceptAll(owner: TestUser, boardId: string): Promise<void> {
  const key = boardDocKey(boardId);
  const c = socketClient(server.url, owner.token, boardId, [key]);
  try {
    await expect.poll(() => c.conn.synced).toBe(true);
    const doc = c.docs.get(key)!;
    for (const claim of readBoard(doc).claims) expect(setClaimStatus(doc, claim.id, 'accepted', null).ok).toBe(true);
    await c.conn.whenSaved();
  } finally {
    c.close();
  }
}

describe('live review', () => {
  it('[L1–L9] focus, following, sealed round, reveal, timer, late joiner, summary', async () => {
    const alice = await createUser(server.url, 'Alice Owner');
    const bob = await createUser(server.url, 'Bob Reviewer');
    const carol = await createUser(server.url, 'Carol Reviewer');
    const dave = await createUser(server.url, 'Dave Latecomer');
    const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Live desk', text: TEXT, format: 'text' } });
    expect(created.status).toBe(201);
    const boardId: string = created.body.board.id;
    for (const u of [bob, carol]) await addMember(server.url, alice, boardId, u, 'reviewer');
    await addMember(server.url, alice, boardId, dave, 'editor'); // joins late, then takes over
    await acceptAll(alice, boardId);

    const path = `/boards/${boardId}`;
    const [f, a, b] = await Promise.all([
      openAs(browser, server, alice, path),
      openAs(browser, server, bob, path),
      openAs(browser, server, carol, path, { clockSkewMs: B_SKEW_MS }),
    ]);
    const all = [f, a, b];
    for (const r of all) {
      await r.page.locator('[data-testid="claim-list"] .claim-item').first().waitFor();
      await waitSaved(r.page);
    }
    // Each sees the two others (presence), so "n of 3 voted" below is about three people.
    for (const r of all) await expect.poll(() => r.page.locator('[data-testid="presence"] .avatar').count()).toBe(2);
    expect(await b.page.evaluate(() => Date.now() - (performance.timeOrigin + performance.now()))).toBeGreaterThan(B_SKEW_MS - 1000);

    // (1) The facilitator starts; followers land on the focused claim.
    await f.page.getByRole('button', { name: 'Start live review' }).click();
    await f.page.locator('[data-testid="live-bar"]').waitFor();
    const state = await api(server.url, 'GET', `/api/boards/${boardId}/live`, { token: alice.token });
    const agenda: string[] = state.body.live.agenda;
    expect(agenda.length).toBeGreaterThanOrEqual(3);
    expect(state.body.live.focus).toBe(agenda[0]);
    expect(state.body.live.facilitatorId).toBe(alice.id);
    for (const r of all) await detailOn(r.page, agenda[0]!).waitFor();
    expect(await f.page.getByTestId('live-facilitator').textContent()).toBe('Alice Owner');
    expect(await a.page.getByTestId('live-position').textContent()).toContain(`Claim 1 of ${agenda.length}`);

    // Next: both followers move.
    let t0 = Date.now();
    await f.page.getByRole('button', { name: 'Next claim' }).click();
    const moveMs = await timedOnAll([a.page, b.page], (p) => detailOn(p, agenda[1]!), t0, 2000);

    // B switches following off; the facilitator moves again: A moves, B stays.
    const follow = b.page.getByRole('switch', { name: 'Follow facilitator' });
    expect(await follow.isChecked()).toBe(true);
    await follow.uncheck();
    await f.page.locator('[data-testid="participants"] li', { hasText: 'Carol Reviewer' }).filter({ hasText: 'not following' }).waitFor();
    await f.page.getByRole('button', { name: 'Next claim' }).click();
    await detailOn(a.page, agenda[2]!).waitFor();
    await liveFocusIs(b.page, agenda[2]!).waitFor(); // B has the new focus…
    expect(await b.page.getByTestId('claim-detail').getAttribute('data-claim')).toBe(agenda[1]); // …and stays put.
    expect(await b.page.getByTestId('live-position').textContent()).toContain(`Claim 3 of ${agenda.length}`);

    // (2) A sealed round: A votes; the others see that A has voted, never what.
    const focus = agenda[2]!;
    await f.page.getByRole('button', { name: 'Open sealed round' }).click();
    for (const r of all) await r.page.locator(`[data-testid="live-round"][data-claim="${focus}"][data-round="sealed"]`).waitFor();
    await a.page.locator('#rationale').fill(SECRET);
    await a.page.locator('.rating[data-rating="2"]').click();
    await a.page.locator('[data-testid="my-sealed-vote"]', { hasText: 'Mostly false' }).waitFor();
    for (const r of [f, b]) {
      await r.page.locator('[data-testid="has-voted"] li', { hasText: 'Bob Reviewer has voted' }).waitFor();
      expect(await r.page.getByTestId('round-state').textContent()).toContain('1 of 3 voted');
    }
    await waitSaved(a.page);
    for (const r of [f, b]) {
      const html = await r.page.content();
      expect(html).not.toContain(SECRET);
      expect(html).not.toContain('sealed-rationale-7f3a');
      expect(await r.page.getByTestId('live-round').textContent()).not.toMatch(/Mostly false|\(medium\)/);
      expect(await r.page.locator('[data-testid="voters"]', { hasText: 'Bob Reviewer' }).count()).toBe(0);
    }
    // Nor is it anywhere the server shows the board: only in Bob's own sealed doc.
    const midExport = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: alice.token });
    expect(JSON.stringify(midExport.body)).not.toContain(SECRET);

    // (3) The reveal: the distribution shows everywhere within a second.
    t0 = Date.now();
    await f.page.getByRole('button', { name: 'Reveal votes' }).click();
    const revealMs = await timedOnAll(
      all.map((r) => r.page),
      (p) => p.locator(`[data-testid="live-round"][data-round="revealed"] [aria-label="Round 1 distribution"] tr[data-key="2"][data-count="1"]`),
      t0,
      1000,
    );
    for (const r of [f, b]) await r.page.locator('[data-testid="round-votes"]', { hasText: 'Bob Reviewer: Mostly false' }).waitFor();
    // The revealed vote became a public one: the facilitator's claim panel counts it.
    await f.page.locator('[data-testid="chart"][aria-label="Vote distribution"] tr[data-key="2"][data-count="1"]').waitFor();

    // Round 2: A changes the vote with a reason; everyone sees the movement.
    await a.page.locator('#change-reason').fill('The labor department revised March');
    await a.page.locator('.rating[data-rating="3"]').click();
    for (const r of [f, b]) {
      await r.page.locator('[data-testid="moved"] li', { hasText: 'Bob Reviewer: Mostly false → Mixed — “The labor department revised March”' }).waitFor();
    }

    // (4) A 2-minute timer: the remaining time agrees across clients within 250 ms.
    await f.page.getByRole('button', { name: 'Start 2 min timer' }).click();
    for (const r of all) await r.page.locator('[data-testid="live-timer"]').waitFor();
    const timer = (await api(server.url, 'GET', `/api/boards/${boardId}/live`, { token: alice.token })).body.live.timer;
    expect(timer.durationMs).toBe(120_000);
    let worstSpread = 0;
    let worstVsServer = 0;
    let lastReadings: TimerReading[] = [];
    for (let i = 0; i < 5; i++) {
      const readings = await Promise.all(all.map((r) => readTimer(r.page)));
      // Every reading projected to one instant: minus its age, minus the time until then.
      const at = Math.max(...readings.map((x) => x.wall));
      const projected = readings.map((x) => x.remaining - x.age - (at - x.wall));
      worstSpread = Math.max(worstSpread, Math.max(...projected) - Math.min(...projected));
      // The server runs on this machine's true clock, so its remaining time at `at` is known.
      for (const p of projected) worstVsServer = Math.max(worstVsServer, Math.abs(p - (timer.endsAt - at)));
      lastReadings = readings;
    }
    expect(worstSpread).toBeLessThanOrEqual(250);
    expect(worstVsServer).toBeLessThanOrEqual(250);
    // B's device clock is 90 s fast; the estimated offset undoes it.
    expect(Math.abs(lastReadings[2]!.offset + B_SKEW_MS)).toBeLessThan(250);
    for (const x of lastReadings) expect(x.text).toMatch(/^(2:00|1:[45]\d)$/);

    // (5) A late joiner lands on the focused claim; B switches following back on and joins.
    t0 = Date.now();
    const d = await openAs(browser, server, dave, path);
    await detailOn(d.page, focus).waitFor();
    const lateMs = Date.now() - t0;
    await d.page.locator('[data-testid="live-timer"]').waitFor();
    await follow.check();
    await detailOn(b.page, focus).waitFor();

    await screenshot(f.page, 'live-facilitator');
    await screenshot(b.page, 'live-follower');
    expect(await a11yViolations(f.page)).toEqual([]);
    expect(await a11yViolations(b.page)).toEqual([]);

    // Hand over: the editor who joined late becomes the facilitator; the owner may take it back.
    await f.page.getByLabel('Hand over to').selectOption(dave.id);
    await f.page.getByRole('button', { name: 'Hand over', exact: true }).click();
    await d.page.getByTestId('facilitator-controls').waitFor();
    for (const r of [...all, d]) await r.page.locator('[data-testid="live-facilitator"]', { hasText: 'Dave Latecomer' }).waitFor();
    await f.page.getByRole('button', { name: 'Take over facilitation' }).waitFor();
    expect(await f.page.getByTestId('facilitator-controls').count()).toBe(0);

    // The end (by the new facilitator): the summary everywhere, time per claim, what to revisit.
    await d.page.getByRole('button', { name: 'End review' }).click();
    await d.page.getByRole('button', { name: 'End the review for everyone' }).click();
    for (const r of [...all, d]) await r.page.locator('[data-testid="live-summary"]').waitFor();
    // The server's summary route answers, and its figures are the ones shown.
    await f.page.locator('[data-testid="live-summary"][data-source="server"]').waitFor();
    // Open for the facilitator who ended it, folded for everyone else (the owner included).
    await d.page.getByTestId('summary-table').waitFor();
    const show = f.page.getByTestId('live-summary').getByRole('button', { name: 'Show' });
    expect(await show.getAttribute('aria-expanded')).toBe('false');
    await show.click();
    const rows = f.page.locator('[data-testid="summary-table"] tbody tr');
    expect(await rows.count()).toBe(agenda.length);
    for (const id of agenda.slice(0, 3)) {
      expect(Number(await f.page.locator(`[data-testid="summary-table"] tr[data-claim="${id}"]`).getAttribute('data-time-ms'))).toBeGreaterThan(0);
    }
    // Below quorum with one vote: to revisit.
    const focusRow = f.page.locator(`[data-testid="summary-table"] tr[data-claim="${focus}"]`);
    expect(await focusRow.getAttribute('data-revisit')).toBe('true');
    expect(await focusRow.textContent()).toContain('quorum');
    await f.page.getByTestId('live-summary').getByRole('button', { name: 'Export JSON' }).waitFor();
    await screenshot(f.page, 'live-summary');
    expect(await a11yViolations(f.page)).toEqual([]);

    console.log(
      `live review: focus move ${moveMs.join('/')} ms (A/B), reveal shown ${revealMs.join('/')} ms (facilitator/A/B), ` +
        `late joiner on focus ${lateMs} ms; timer spread ${worstSpread.toFixed(1)} ms, worst vs server ${worstVsServer.toFixed(1)} ms, ` +
        `clock offsets ${lastReadings.map((x) => x.offset).join('/')} ms`,
    );
    for (const r of [...all, d]) expect(r.errors).toEqual([]);
    await Promise.all([...all, d].map((r) => r.context.close()));
  });
  it('[L4] a vote cast offline while a round opened is held by the server, kept sealed, and goes public at the reveal', async () => {
    const alice = await createUser(server.url, 'Alice Owner');
    const bob = await createUser(server.url, 'Bob Offline');
    const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Held vote', text: TEXT, format: 'text' } });
    const boardId: string = created.body.board.id;
    await addMember(server.url, alice, boardId, bob, 'reviewer');
    await acceptAll(alice, boardId);
    const path = `/boards/${boardId}`;
    const [f, a] = await Promise.all([openAs(browser, server, alice, path), openAs(browser, server, bob, path)]);
    for (const r of [f, a]) await waitSaved(r.page);
    await f.page.getByRole('button', { name: 'Start live review' }).click();
    // The click's POST is in flight until the facilitator's live bar shows; ask only then.
    await f.page.locator('[data-testid="live-bar"]').waitFor();
    const focus: string = (await api(server.url, 'GET', `/api/boards/${boardId}/live`, { token: alice.token })).body.live.focus;
    expect(focus).toEqual(expect.any(String));
    await detailOn(a.page, focus).waitFor();

    // Bob loses the network; the round opens meanwhile; Bob votes believing it public.
    await a.context.setOffline(true);
    await a.page.locator('[data-testid="status"][data-connected="false"]').waitFor();
    await f.page.getByRole('button', { name: 'Open sealed round' }).click();
    await f.page.locator('[data-testid="live-round"][data-round="sealed"]').waitFor();
    await a.page.locator('.rating[data-rating="4"]').click();
    await a.page.locator(`#claim-item-${focus}`, { hasText: 'you: Mostly true' }).waitFor();

    // Back online: the server refuses the public vote (SEALED); the client moves it into the round.
    await a.context.setOffline(false);
    await a.page.locator('[data-testid="my-sealed-vote"]', { hasText: 'Mostly true' }).waitFor();
    await f.page.locator('[data-testid="has-voted"] li', { hasText: 'Bob Offline has voted' }).waitFor();
    expect(await f.page.getByTestId('live-round').textContent()).not.toContain('Mostly true');
    const sealedExport = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: alice.token });
    expect(JSON.stringify(sealedExport.body.votes ?? sealedExport.body)).not.toContain('"rating":4');
    // Held, so not everything is saved yet.
    expect(await a.page.locator('[data-testid="status"]').getAttribute('data-saved')).toBe('false');

    // The reveal counts it in round 1 and releases the held doc: everything saves.
    await f.page.getByRole('button', { name: 'Reveal votes' }).click();
    await f.page.locator('[aria-label="Round 1 distribution"] tr[data-key="4"][data-count="1"]').waitFor({ timeout: 2000 });
    await waitSaved(a.page);
    await f.page.locator('[data-testid="chart"][aria-label="Vote distribution"] tr[data-key="4"][data-count="1"]').waitFor();
    const revealed = await api(server.url, 'GET', `/api/boards/${boardId}/live`, { token: alice.token });
    expect(revealed.body.live.rounds[focus].votes[bob.id].rating).toBe(4);
    const publicExport = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: alice.token });
    expect(JSON.stringify(publicExport.body.votes ?? publicExport.body)).toContain('"rating":4');
    for (const r of [f, a]) expect(r.errors).toEqual([]);
    await Promise.all([f.context.close(), a.context.close()]);
  });
});
