/**
 * Browser test helpers: a real server on port 0 (serving client/dist, which `npm test`
 * builds before Vitest runs) and real headless Chromium through playwright-core.
 *
 * Chromium comes from the @sparticuz/chromium devDependency (a binary inside the npm
 * package, so `npm install` alone provides it); Debian's /usr/bin/chromium is the fallback.
 * There is no skip: without a browser these tests fail and say why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, createUser, type TestServer, type TestUser } from '../helpers/server.js';

export { startServer, createUser, type TestServer, type TestUser };
export { addMember, api, waitFor } from '../helpers/server.js';

const DIST_INDEX = path.resolve(import.meta.dirname, '../../client/dist/index.html');
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @sparticuz/chromium unpacks its binary to <tmpdir>/chromium on first use and afterwards
 * trusts that the file exists. Test files run in parallel workers, so one worker unpacks
 * under a lock directory while the others wait for its "ready" marker instead of
 * launching a half-written binary.
 */
async function sparticuzPath(): Promise<string> {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const ready = path.join(os.tmpdir(), 'claimboard-chromium.ready');
  const lock = `${ready}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (fs.existsSync(ready) && fs.existsSync(fs.readFileSync(ready, 'utf8'))) return sparticuz.executablePath();
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another worker is unpacking; a lock older than 90 s was left by a crashed one.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 90_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker to unpack Chromium');
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      const exe = await sparticuz.executablePath();
      fs.writeFileSync(ready, exe);
      return exe;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return await sparticuzPath();
  } catch (e) {
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error(`no Chromium: @sparticuz/chromium failed (${String(e)}) and /usr/bin/chromium is absent`);
  }
}

/**
 * Starts the real server and one Chromium before a file's tests and closes both after
 * them; `set` hands them to the file.
 */
export function useServerAndBrowser(set: (server: TestServer, browser: Browser) => void): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    set(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(DIST_INDEX)) {
    throw new Error('client/dist is missing: run `npm run build` first (npm test does)');
  }
  return chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
}

export interface Reviewer {
  user: TestUser;
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface OpenOptions {
  /** Shifts this context's `Date.now()` (and `new Date()`) by this many ms: a device whose
   * clock is wrong. `performance.now()` and `performance.timeOrigin` stay true. */
  clockSkewMs?: number;
}

/** A fresh browser context (own storage) signed in as `user` by the session cookie. */
export async function openAs(browser: Browser, server: TestServer, user: TestUser, path = '/', opts: OpenOptions = {}): Promise<Reviewer> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  if (opts.clockSkewMs) {
    await context.addInitScript((skew) => {
      const RealDate = Date;
      const now = () => RealDate.now() + skew;
      class SkewedDate extends RealDate {
        constructor(...args: unknown[]) {
          if (args.length === 0) super(now());
          else super(...(args as [string]));
        }
        static override now(): number {
          return now();
        }
      }
      globalThis.Date = SkewedDate as DateConstructor;
    }, opts.clockSkewMs);
  }
  await signInContext(context, server, user);
  const page = await context.newPage();
  // Fail fast with a locator in the message rather than at the test timeout.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(path);
  return { user, context, page, errors };
}

/**
 * Signs a browser context in as `user`: `POST /api/session` through the context's own
 * request API, so the HttpOnly session cookie lands in the context's cookie jar as a
 * sign-in on the page would put it there.
 */
export async function signInContext(context: BrowserContext, server: TestServer, user: TestUser, opts: { sharedComputer?: boolean } = {}): Promise<void> {
  const res = await context.request.post(`${server.url}/api/session`, {
    data: { email: user.email, password: user.password, sharedComputer: opts.sharedComputer ?? false },
    headers: { origin: server.url },
  });
  if (res.status() !== 200) throw new Error(`sign-in of ${user.name}: ${res.status()} ${await res.text()}`);
}

/** The value of the session cookie in a context (null when there is none). */
export async function sessionCookie(context: BrowserContext): Promise<string | null> {
  return (await context.cookies()).find((c) => c.name === 'cb_session')?.value ?? null;
}

/** Names of the IndexedDB databases the page's origin holds. */
export async function indexedDbNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

/**
 * Presses Tab until the element matching `selector` has the focus (at most `max` presses):
 * proof that it is reachable by keyboard, in the page's own tab order.
 */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${max} presses of Tab`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the board page reports that it is connected and everything is saved. */
export async function waitSaved(page: Page, timeout = 10_000): Promise<void> {
  await page.locator('[data-testid="status"][data-saved="true"]').waitFor({ timeout });
}

/**
 * Runs axe-core (WCAG 2 A and AA rules: labels, contrast, names, ARIA) on the page and
 * returns the violations as readable lines; [] when clean.
 */
export async function a11yViolations(page: Page): Promise<string[]> {
  const axe = await import('axe-core');
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self', no
  // inline scripts) does not govern; a <script> tag would be refused, as it should be.
  await page.evaluate((src) => (0, eval)(src), (axe.default ?? axe).source);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3).join(', ')})`);
  });
  return violations;
}
