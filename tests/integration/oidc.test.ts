/**
 * Single sign-on end to end (issue 13, must-show 2): a real OpenID provider (oidc-provider,
 * started here) and the real server on port 0, driven by real HTTP through the provider's
 * own login and consent pages (tests/helpers/http-browser.ts: a cookie jar, redirects
 * followed one hop at a time). Accounts and sessions are the in-test ones of
 * tests/helpers/oidc-accounts.ts (users and session credentials are rows in the server's
 * SQLite store; the e-mail index is in memory until core's accounts are wired).
 *
 * The refusals are produced honestly: a wrong state by changing the callback's `state` or
 * by answering one attempt with another's callback; a wrong nonce by having the provider
 * issue an ID token for a different nonce (the authorization request altered on its way,
 * keeping our state and PKCE challenge, so only the nonce check can catch it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { randomNonce, randomPKCECodeVerifier, calculatePKCECodeChallenge } from 'openid-client';
import type { OidcSettings } from '../../server/config.js';
import { hashToken } from '../../server/auth/tokens.js';
import { api, startServer, waitFor, type TestServer } from '../helpers/server.js';
import { startProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { HttpBrowser, type Page } from '../helpers/http-browser.js';
import { SESSION_COOKIE, testOidcAccounts, type TestOidcAccounts } from '../helpers/oidc-accounts.js';

const HOST = 'claimboard.test';
const PUBLIC_URL = `http://${HOST}`;
const CALLBACK = `${PUBLIC_URL}/api/auth/oidc/callback`;
const CLIENT_ID = 'claimboard';
const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';
const ACCOUNTS = {
  alice: { email: 'Alice@Newsroom.Example', email_verified: true, name: 'Alice Adams' },
  bob: { email: 'bob@newsroom.example', email_verified: true, given_name: 'Bob', family_name: 'Brown' },
  mallory: { email: 'mallory@newsroom.example', email_verified: false, name: 'Mallory' },
  sam: { email: 'sam@newsroom.example', email_verified: 'true', name: 'Sam (verified as a string)' },
  nomail: { name: 'No Mail' },
  olga: { email: 'olga@elsewhere.example', email_verified: true, name: 'Olga Outside' },
};

const settings = (issuer: string, over: Partial<OidcSettings> = {}): OidcSettings => ({
  issuer,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  allowedDomains: ['newsroom.example'],
  label: 'Sign in with Newsroom ID',
  timeoutMs: 5000,
  retryMs: 60_000,
  ...over,
});

/** A pino logger whose lines the test reads. */
function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (s: string) => void lines.push(s) }) };
}

let provider: TestProvider;
let srv: TestServer;
let accounts: TestOidcAccounts;
let logs: string[];

const browser = () => new HttpBrowser({ [HOST]: `127.0.0.1:${srv.port}` });

/** GET /api/auth/oidc/login; answers the page (a 302 to the provider when all is well). */
const startLogin = (b: HttpBrowser, next?: string) =>
  b.get(`${PUBLIC_URL}/api/auth/oidc/login${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`);

/**
 * Drives the provider from `authUrl` as the user `login` (its login page, then consent when
 * asked) until it redirects to our callback; answers that callback URL, not yet requested.
 * `cancel`: the user presses the login page's cancel link instead.
 */
async function atProvider(b: HttpBrowser, authUrl: URL, login: string, cancel = false): Promise<URL> {
  let page: Page = await b.get(authUrl);
  const seen: string[] = [];
  for (let hop = 0; hop < 20; hop++) {
    if (page.location) {
      if (page.location.href.startsWith(CALLBACK)) return page.location;
      page = await b.get(page.location);
      continue;
    }
    expect(page.status, page.body.slice(0, 300)).toBe(200);
    const isLogin = page.body.includes('name="prompt" value="login"');
    seen.push(isLogin ? 'login' : 'consent');
    if (isLogin && cancel) {
      const abort = /href="([^"]*\/abort)"/.exec(page.body);
      if (!abort?.[1]) throw new Error('no cancel link on the login page');
      page = await b.get(new URL(abort[1], page.url));
      continue;
    }
    page = await b.submit(page, isLogin ? { login, password: 'not checked by the dev login page' } : {});
  }
  throw new Error(`no callback after ${seen.join(', ')}`);
}

/** The whole sign-in: our login route, the provider, our callback. Answers the callback's page. */
async function signIn(b: HttpBrowser, login: string, next?: string): Promise<Page> {
  const start = await startLogin(b, next);
  expect(start.status).toBe(302);
  return b.get(await atProvider(b, start.location!, login));
}

/** The user a session cookie value signs in as, per the real store; null if none. */
async function sessionUser(cookie: string | null): Promise<string | null> {
  if (!cookie) return null;
  return (await srv.app.store.accounts.authenticate(hashToken(cookie), Date.now()))?.user.id ?? null;
}

/** The refusals logged from line `since` on, as { code, reason }. */
const refusalsSince = (since: number): Array<{ code: string; reason: string }> =>
  logs
    .slice(since)
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'single sign-on refused')
    .map(({ code, reason }) => ({ code, reason }));

const refusedWith = (page: Page, code: string) => {
  expect(page.status).toBe(302);
  expect(page.headers.location).toBe(`/signin?error=${code}`);
};

beforeAll(async () => {
  provider = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK, accounts: ACCOUNTS });
  accounts = testOidcAccounts();
  const cap = capturingLogger();
  logs = cap.lines;
  srv = await startServer({ publicUrl: PUBLIC_URL, oidc: settings(provider.issuer) }, undefined, { oidcAccounts: accounts.factory, logger: cap.logger });
  await waitFor(() => srv.app.sso?.available === true, 'issuer discovery');
});
afterAll(async () => {
  await srv?.close();
  await provider?.close();
});

describe('single sign-on against a real provider (must-show 2)', () => {
  it('signs in through the provider login page: code + PKCE (S256), state and nonce; the account is linked by the verified e-mail', async () => {
    const b = browser();
    const start = await startLogin(b, '/board/abc?tab=votes');
    expect(start.status).toBe(302);
    const auth = start.location!;
    expect(auth.origin).toBe(provider.issuer);
    const q = auth.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(CALLBACK);
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(q.get('nonce')?.length).toBeGreaterThanOrEqual(32);
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^cb_oidc=[A-Za-z0-9_-]+; Max-Age=600; Path=\/api\/auth\/oidc; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    // Sealed: the state, nonce and verifier do not show in it.
    expect(setCookie).not.toContain(q.get('state'));

    const callback = await atProvider(b, auth, 'alice');
    expect(callback.searchParams.get('state')).toBe(q.get('state'));
    const done = await b.get(callback);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/board/abc?tab=votes');
    expect(b.cookie(HOST, 'cb_oidc')).toBeNull();

    const userId = await sessionUser(b.cookie(HOST, SESSION_COOKIE));
    expect(userId).not.toBeNull();
    // Linked by the e-mail, lower-cased, with the provider's display name.
    expect(accounts.links.at(-1)).toEqual({ email: 'alice@newsroom.example', name: 'Alice Adams', userId });
    const me = await api(srv.url, 'GET', '/api/me', { token: b.cookie(HOST, SESSION_COOKIE)! });
    expect(me.body.user).toMatchObject({ id: userId, name: 'Alice Adams' });
    // The provider keeps the e-mail out of the ID token when an access token is issued
    // (conformIdTokenClaims): it was read from user info, after the code exchange.
    expect(provider.requests).toEqual(expect.arrayContaining(['/token', '/me']));
    // Nothing secret reaches the logs.
    const all = logs.join('\n');
    expect(all).toContain('"msg":"single sign-on"');
    expect(all).not.toContain(callback.searchParams.get('code')!);
    expect(all).not.toContain(b.cookie(HOST, SESSION_COOKIE)!);
  });

  it('the second sign-in reuses the account: in a new browser (login page again) and in the same one (provider session)', async () => {
    const first = browser();
    await signIn(first, 'alice');
    const id1 = await sessionUser(first.cookie(HOST, SESSION_COOKIE));
    const second = browser();
    const page = await signIn(second, 'alice');
    expect(page.headers.location).toBe('/');
    const id2 = await sessionUser(second.cookie(HOST, SESSION_COOKIE));
    const before = first.cookie(HOST, SESSION_COOKIE);
    await signIn(first, 'alice');
    const id3 = await sessionUser(first.cookie(HOST, SESSION_COOKIE));
    expect(first.cookie(HOST, SESSION_COOKIE)).not.toBe(before);
    expect(id1).not.toBeNull();
    expect(new Set([id1, id2, id3]).size).toBe(1);
    expect(accounts.byEmail.get('alice@newsroom.example')).toBe(id1);
  });

  it('an existing account with the same e-mail is the one signed in (claims from given and family name)', async () => {
    // An account made with e-mail and password before Bob ever used single sign-on.
    const existing = await api(srv.url, 'POST', '/api/users', { body: { name: 'Bob from before', email: 'bob@newsroom.example', password: 'a long enough passphrase 42' } });
    expect(existing.status).toBe(201);
    const b = browser();
    await signIn(b, 'bob');
    expect(await sessionUser(b.cookie(HOST, SESSION_COOKIE))).toBe(existing.body.user.id);
    expect(accounts.links.at(-1)).toMatchObject({ email: 'bob@newsroom.example', name: 'Bob Brown' });
  });

  it('an e-mail the provider has not verified is refused with a clear error, and starts no session', async () => {
    for (const login of ['mallory', 'sam']) {
      const b = browser();
      const linksBefore = accounts.links.length;
      refusedWith(await signIn(b, login), 'oidc_email_unverified');
      expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
      expect(accounts.links.length).toBe(linksBefore);
    }
  });

  it('a domain outside OIDC_ALLOWED_DOMAINS, and an identity without e-mail, are refused', async () => {
    for (const [login, code] of [['olga', 'oidc_domain'], ['nomail', 'oidc_no_email']]) {
      const b = browser();
      refusedWith(await signIn(b, login!), code!);
      expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
    }
    expect([...accounts.byEmail.keys()]).not.toContain('olga@elsewhere.example');
  });

  it('[state] a callback whose state was changed is refused, and the attempt is spent (the genuine callback then fails too)', async () => {
    const b = browser();
    const start = await startLogin(b);
    const callback = await atProvider(b, start.location!, 'alice');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', randomNonce());
    refusedWith(await b.get(tampered), 'oidc_state');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
    refusedWith(await b.get(callback), 'oidc_expired');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
  });

  it('[state] the callback of an earlier attempt does not complete a later one; a callback replayed after success is refused', async () => {
    const b = browser();
    const a = await atProvider(b, (await startLogin(b)).location!, 'alice');
    const later = await atProvider(b, (await startLogin(b)).location!, 'alice');
    refusedWith(await b.get(a), 'oidc_state');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
    // The later attempt was spent by the refused callback: start again, and replay.
    refusedWith(await b.get(later), 'oidc_expired');
    const ok = await atProvider(b, (await startLogin(b)).location!, 'alice');
    expect((await b.get(ok)).headers.location).toBe('/');
    const session = b.cookie(HOST, SESSION_COOKIE);
    refusedWith(await b.get(ok), 'oidc_expired');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBe(session);
  });

  it('[state] an attempt cookie copied before the callback and replayed with it afterwards gets nothing: the provider\'s code is single-use', async () => {
    const b = browser();
    const callback = await atProvider(b, (await startLogin(b)).location!, 'alice');
    const copied = b.cookie(HOST, 'cb_oidc')!;
    expect((await b.get(callback)).headers.location).toBe('/');
    const thief = browser();
    thief.setCookie(HOST, 'cb_oidc', copied, '/api/auth/oidc');
    const before = logs.length;
    refusedWith(await thief.get(callback), 'oidc_invalid');
    expect(refusalsSince(before)).toEqual([{ code: 'oidc_invalid', reason: expect.stringContaining('provider error invalid_grant') }]);
    expect(thief.cookie(HOST, SESSION_COOKIE)).toBeNull();
  });

  it('the callback may reach another server process of the deployment (same OIDC settings): the attempt travels in the cookie', async () => {
    // Its own data dir here, so its own accounts (in a cluster they share one database).
    const other = await startServer({ publicUrl: PUBLIC_URL, oidc: settings(provider.issuer) }, undefined, { oidcAccounts: testOidcAccounts().factory });
    try {
      await waitFor(() => other.app.sso?.available === true, 'issuer discovery');
      const hosts: Record<string, string> = { [HOST]: `127.0.0.1:${srv.port}` };
      const b = new HttpBrowser(hosts);
      const callback = await atProvider(b, (await startLogin(b, '/board/elsewhere')).location!, 'alice');
      hosts[HOST] = `127.0.0.1:${other.port}`;
      expect((await b.get(callback)).headers.location).toBe('/board/elsewhere');
      const session = b.cookie(HOST, SESSION_COOKIE)!;
      expect(await other.app.store.accounts.authenticate(hashToken(session), Date.now())).not.toBeNull();
      expect(await srv.app.store.accounts.authenticate(hashToken(session), Date.now())).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('[state] a callback carried into another browser (login CSRF) is refused: the attempt lives behind the first browser\'s cookie', async () => {
    const attacker = browser();
    const callback = await atProvider(attacker, (await startLogin(attacker)).location!, 'olga');
    const victim = browser();
    refusedWith(await victim.get(callback), 'oidc_expired');
    // A forged attempt cookie is no better.
    victim.setCookie(HOST, 'cb_oidc', 'A'.repeat(43), '/api/auth/oidc');
    refusedWith(await victim.get(callback), 'oidc_expired');
    expect(victim.cookie(HOST, SESSION_COOKIE)).toBeNull();
  });

  it('[nonce] an ID token issued for another nonce is refused (our state and PKCE challenge kept, so only the nonce check stands in the way)', async () => {
    const b = browser();
    const auth = (await startLogin(b)).location!;
    const forged = new URL(auth);
    forged.searchParams.set('nonce', randomNonce());
    const callback = await atProvider(b, forged, 'alice');
    expect(callback.searchParams.get('state')).toBe(auth.searchParams.get('state'));
    const before = logs.length;
    refusedWith(await b.get(callback), 'oidc_invalid');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
    expect(refusalsSince(before)).toEqual([{ code: 'oidc_invalid', reason: expect.stringContaining('unexpected ID Token "nonce" claim value') }]);
    // The provider did issue the tokens: the refusal is ours, after the code exchange.
    expect(provider.requests.at(-1)).toBe('/token');
  });

  it('[pkce] a code bound to another code challenge is refused at the token endpoint', async () => {
    const b = browser();
    const auth = (await startLogin(b)).location!;
    const forged = new URL(auth);
    forged.searchParams.set('code_challenge', await calculatePKCECodeChallenge(randomPKCECodeVerifier()));
    const before = logs.length;
    refusedWith(await b.get(await atProvider(b, forged, 'alice')), 'oidc_invalid');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
    expect(refusalsSince(before)).toEqual([{ code: 'oidc_invalid', reason: expect.stringContaining('provider error invalid_grant') }]);
  });

  it('the user cancelling at the provider comes back refused (oidc_denied)', async () => {
    const b = browser();
    const callback = await atProvider(b, (await startLogin(b)).location!, 'alice', true);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    refusedWith(await b.get(callback), 'oidc_denied');
    expect(b.cookie(HOST, SESSION_COOKIE)).toBeNull();
  });

  it('Secure is added to the attempt cookie when PUBLIC_URL is https', async () => {
    const other = await startServer({ publicUrl: 'https://claims.example', oidc: settings(provider.issuer) }, undefined, { oidcAccounts: testOidcAccounts().factory });
    try {
      await waitFor(() => other.app.sso?.available === true, 'issuer discovery');
      const res = await fetch(`${other.url}/api/auth/oidc/login`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('set-cookie')).toMatch(/; Secure; SameSite=Lax$/);
      expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://claims.example/api/auth/oidc/callback');
    } finally {
      await other.close();
    }
  });
});

describe('single sign-on routes: bad input', () => {
  it('next: only a path on this site, given once (no open redirect)', async () => {
    const bad = [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      '/.//evil.example',
      '/%0d%0aSet-Cookie:%20x=1',
      'javascript:alert(1)',
      'board/abc',
      '/api/auth/oidc/login',
      `/${'a'.repeat(2000)}`,
      '',
    ];
    for (const next of bad) {
      const raw = await fetch(`${srv.url}/api/auth/oidc/login?next=${next.startsWith('/%0d') ? next : encodeURIComponent(next)}`, { redirect: 'manual' });
      expect(raw.status, next).toBe(400);
      expect(raw.headers.get('location'), next).toBeNull();
      expect((await raw.json()).error.code, next).toBe('BAD_REQUEST');
    }
    const twice = await fetch(`${srv.url}/api/auth/oidc/login?next=/a&next=/b`, { redirect: 'manual' });
    expect(twice.status).toBe(400);
    const good = await fetch(`${srv.url}/api/auth/oidc/login?next=${encodeURIComponent('/board/x?y=1#z')}`, { redirect: 'manual' });
    expect(good.status).toBe(302);
    expect(new URL(good.headers.get('location')!).origin).toBe(provider.issuer);
  });

  it('callback: missing, forged or oversized cookie and query parameters end on the sign-in page, never a 500', async () => {
    const cb = `${srv.url}/api/auth/oidc/callback`;
    const cases: Array<[string, Record<string, string>]> = [
      ['', {}],
      ['?code=x&state=y', {}],
      ['?code=x&state=y', { cookie: 'cb_oidc=../../etc/passwd' }],
      ['?code=x&state=y', { cookie: `cb_oidc=${'x'.repeat(8000)}` }],
      ['?code=x&state=y', { cookie: 'cb_oidc=' }],
      ['?code=x&state=y', { cookie: 'cb_oidc' }],
    ];
    for (const [query, headers] of cases) {
      const res = await fetch(cb + query, { headers, redirect: 'manual' });
      expect(res.status, `${query} ${JSON.stringify(headers).slice(0, 60)}`).toBe(302);
      expect(res.headers.get('location')).toBe('/signin?error=oidc_expired');
    }
    // With a live attempt: a repeated code, an oversized query, no code, an error answer.
    const withAttempt = async (query: (state: string) => string) => {
      const b = browser();
      const state = (await startLogin(b)).location!.searchParams.get('state')!;
      return b.get(`${CALLBACK}?${query(state)}`);
    };
    refusedWith(await withAttempt((s) => `code=a&code=b&state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt((s) => `code=a&state=${s}&state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt((s) => `code=${'c'.repeat(9000)}&state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt((s) => `state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt((s) => `code=not-a-code-the-provider-issued&state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt((s) => `error=access_denied&error_description=${'d'.repeat(500)}&state=${s}&iss=${encodeURIComponent(provider.issuer)}`), 'oidc_denied');
    // This provider names itself in every answer (RFC 9207): one without `iss` is not its.
    refusedWith(await withAttempt((s) => `error=access_denied&state=${s}`), 'oidc_invalid');
    refusedWith(await withAttempt(() => 'code=a'), 'oidc_state');
  });

  it('other methods and paths under /api/auth/oidc are 404', async () => {
    for (const [method, path] of [['POST', '/login'], ['POST', '/callback'], ['GET', '/nope'], ['DELETE', '/login']] as const) {
      const res = await api(srv.url, method, `/api/auth/oidc${path}`);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});

describe('an unreachable issuer', () => {
  it('the server starts anyway; the SSO button reports it unavailable; sign-in works once the issuer answers', async () => {
    // The deadline also bounds the code exchange after the issuer comes back: long enough
    // for a busy machine, short enough to see a few failed attempts first.
    const hanging = await startProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: CALLBACK, accounts: ACCOUNTS, hanging: true });
    const cap = capturingLogger();
    const server = await startServer({ publicUrl: PUBLIC_URL, oidc: settings(hanging.issuer, { timeoutMs: 1500, retryMs: 100 }) }, undefined, { oidcAccounts: testOidcAccounts().factory, logger: cap.logger });
    try {
      expect((await api(server.url, 'GET', '/health')).status).toBe(200);
      await waitFor(() => cap.lines.some((l) => l.includes('issuer unreachable')), 'a failed discovery');
      expect(server.app.sso?.publicConfig()).toEqual({ enabled: true, label: 'Sign in with Newsroom ID', available: false });
      const res = await fetch(`${server.url}/api/auth/oidc/login`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/signin?error=oidc_unavailable');
      expect(res.headers.get('set-cookie')).toBeNull();

      hanging.serve();
      await waitFor(() => server.app.sso?.available === true, 'discovery retried', 15_000);
      const b = new HttpBrowser({ [HOST]: `127.0.0.1:${server.port}` });
      const start = await startLogin(b);
      expect(start.location?.origin).toBe(hanging.issuer);
      expect((await b.get(await atProvider(b, start.location!, 'alice'))).headers.location).toBe('/');
      expect(b.cookie(HOST, SESSION_COOKIE)).not.toBeNull();
    } finally {
      await server.close();
      await hanging.close();
    }
  });

  it('an issuer answering more than 1 MiB is not read past it (and counts as unreachable)', async () => {
    const huge = http.createServer((_req, res) => {
      // Chunked, no Content-Length: the cap must hold while reading.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"issuer":"');
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 40; i++) res.write(chunk);
      res.end('"}');
    });
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    const cap = capturingLogger();
    const issuer = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
    const server = await startServer({ publicUrl: PUBLIC_URL, oidc: settings(issuer) }, undefined, { oidcAccounts: testOidcAccounts().factory, logger: cap.logger });
    try {
      await waitFor(() => cap.lines.some((l) => l.includes('issuer unreachable')), 'a failed discovery');
      expect(cap.lines.find((l) => l.includes('issuer unreachable'))).toContain('identity provider answer too large');
      expect(server.app.sso?.available).toBe(false);
    } finally {
      await server.close();
      huge.closeAllConnections();
      await new Promise((r) => huge.close(r));
    }
  });

  it('without OIDC_ISSUER the routes are 404', async () => {
    const plain = await startServer();
    try {
      expect(plain.app.sso).toBeNull();
      expect((await api(plain.url, 'GET', '/api/auth/oidc/login')).status).toBe(404);
      expect((await api(plain.url, 'GET', '/api/auth/oidc/callback?code=x&state=y')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
