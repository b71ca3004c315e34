/**
 * The account pages at work: settings (profile, password, sessions, personal access tokens)
 * by keyboard at desktop width and 390 px, and the start page's errors: a wrong password,
 * an e-mail already taken, the back-off with its wait, sign-up closed or by invitation, and
 * why single sign-on sent the user back.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { OIDC_ERRORS } from '../../shared/protocol/oidc.js';
import { signIn, startServer } from '../helpers/server.js';
import { a11yViolations, createUser, openAs, screenshot, tabTo, useServerAndBrowser, type TestServer } from './helpers.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const me = (url: string, auth: { bearer?: string; cookie?: string }) =>
  fetch(`${url}/api/me`, {
    headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : { cookie: auth.cookie ?? '', origin: url },
  });

describe('account settings', () => {
  it('changes the profile, lists and ends sessions, creates and revokes a token and changes the password, by keyboard', async () => {
    const sam = await createUser(server.url, 'Sam Settings');
    // A second session, as another browser would have it.
    const other = await signIn(server.url, sam.email, sam.password);
    const s = await openAs(browser, server, sam, '/settings');
    const page = s.page;
    await page.getByRole('heading', { name: 'Account settings' }).waitFor();
    const sessions = page.getByTestId('sessions').locator('li');
    await expect.poll(() => sessions.count()).toBe(2);
    expect(await page.locator('[data-testid="sessions"] li[data-current="true"]').textContent()).toContain('This device');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'accounts-settings');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'accounts-settings-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Profile: a new name and the teal colour, by keyboard.
    await tabTo(page, '#profile-name');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Sam Renamed');
    await tabTo(page, 'input[name="profile-color"]');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Teal' }).isChecked()).toBe(true);
    await tabTo(page, 'form[aria-labelledby="profile-h"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('me').filter({ hasText: 'Sam Renamed' }).waitFor();
    const profile = (await (await me(server.url, { bearer: sam.token })).json()) as { user: { name: string; avatarColor: string } };
    expect(profile.user).toMatchObject({ name: 'Sam Renamed', avatarColor: '#0b6e69' });

    // Sessions: end the other one; its cookie stops working.
    expect((await me(server.url, { cookie: other })).status).toBe(200);
    await tabTo(page, '[data-testid="sessions"] li[data-current="false"] button');
    await page.keyboard.press('Enter');
    await expect.poll(() => sessions.count()).toBe(1);
    expect((await me(server.url, { cookie: other })).status).toBe(401);

    // A personal access token: shown once, works as a bearer token, revoked from the list.
    await tabTo(page, '#token-name');
    await page.keyboard.type('Newsroom bot');
    await tabTo(page, 'form.create button[type="submit"]');
    await page.keyboard.press('Enter');
    const secretField = page.locator('#token-secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await expect.poll(async () => (await page.evaluate(() => document.activeElement?.id)) ?? '').toBe('token-secret');
    expect((await me(server.url, { bearer: secret })).status).toBe(200);
    await screenshot(page, 'accounts-token-created');
    expect(await page.getByRole('button', { name: 'Revoke “Newsroom bot”' }).count()).toBe(1);
    await tabTo(page, '[data-testid="tokens"] li[data-token-name="Newsroom bot"] button');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    expect((await me(server.url, { bearer: secret })).status).toBe(401);
    expect(await page.getByTestId('new-token').count()).toBe(0);

    // Password: the wrong current one is refused, the right one changes it.
    await page.locator('#password-current').fill('not my password at all');
    await page.locator('#password-new').fill('an entirely new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();
    await page.locator('#password-current').fill(sam.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    await expect(signIn(server.url, sam.email, sam.password)).rejects.toThrow(/401/);
    expect(await signIn(server.url, sam.email, 'an entirely new passphrase')).toMatch(/^cb_session=/);

    // Sign out everywhere ends this session too.
    await page.getByTestId('signout-everywhere').click();
    await page.getByRole('dialog', { name: 'Sign out everywhere?' }).waitFor();
    await page.locator('dialog[open] [data-testid="signout-confirm"]').click();
    await page.getByTestId('session-notice').filter({ hasText: 'every device' }).waitFor();
    const cookies = await s.context.cookies();
    expect(cookies.find((c) => c.name === 'cb_session')).toBeUndefined();
    expect(s.errors).toEqual([]);
    await s.context.close();
  });
});

describe('start page errors', () => {
  it('says when the password is wrong, the e-mail is taken, how long the back-off lasts, and when sign-up is closed', async () => {
    // Its own server: the back-off per address must not reach the other tests.
    const own = await startServer();
    const wanda = await createUser(own.url, 'Wanda Wrong');
    const context = await browser.newContext({ baseURL: own.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto('/');
      const form = page.getByTestId('signin-form');
      await form.getByLabel('E-mail').fill(wanda.email);
      await form.getByLabel('Password', { exact: true }).fill('this is not it');
      const submit = form.getByRole('button', { name: 'Sign in' });
      await submit.click();
      await page.getByTestId('signin-error').filter({ hasText: 'E-mail or password is wrong.' }).waitFor();

      const signup = page.getByTestId('signup-form');
      await signup.getByLabel('Your name').fill('Wanda Again');
      await signup.getByLabel('E-mail').fill(wanda.email.toUpperCase());
      await signup.getByLabel('Password', { exact: true }).fill('another long passphrase');
      await signup.getByRole('button', { name: 'Create account' }).click();
      await page.getByTestId('signup-error').filter({ hasText: 'already exists' }).waitFor();

      // Keep failing until the server backs off: the form says how long, and waits it out.
      let backedOff = false;
      for (let i = 0; i < 12 && !backedOff; i++) {
        const answer = page.waitForResponse((r) => r.url().endsWith('/api/session'));
        await submit.click();
        backedOff = (await answer).status() === 429;
      }
      expect(backedOff).toBe(true);
      // Checked in one go in the page: the first lock lasts a second.
      await page.waitForFunction(() => {
        const text = document.querySelector('[data-testid="signin-error"]')?.textContent ?? '';
        const button = document.querySelector<HTMLButtonElement>('[data-testid="signin-form"] button[type="submit"]');
        return /Too many attempts\. Wait \d+ seconds? before trying again\. You can try again in \d+ seconds?\./.test(text) && button?.disabled === true;
      });
      await expect.poll(() => submit.isDisabled(), { timeout: 20_000 }).toBe(false);

      // Single sign-on sends refusals back to /signin?error=<code>: the page says why.
      await page.goto('/signin?error=oidc_domain');
      await page.getByTestId('sso-error').filter({ hasText: OIDC_ERRORS.oidc_domain }).waitFor();
      await page.goto('/signin?error=%3Cscript%3E');
      await page.getByTestId('sso-error').filter({ hasText: OIDC_ERRORS.oidc_failed }).waitFor();
    } finally {
      await context.close();
      await own.close();
    }

    for (const [signup, text] of [
      ['closed', 'This server does not accept new accounts'],
      ['invite', 'accounts are created from an invitation'],
    ] as const) {
      const srv = await startServer({ signup });
      const ctx = await browser.newContext({ baseURL: srv.url });
      const p = await ctx.newPage();
      try {
        await p.goto('/');
        await p.getByTestId('signup-unavailable').filter({ hasText: text }).waitFor();
        expect(await p.getByTestId('signup-form').count()).toBe(0);
        await p.getByTestId('signin-form').waitFor();
      } finally {
        await ctx.close();
        await srv.close();
      }
    }
  });
});
