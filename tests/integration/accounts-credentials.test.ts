/**
 * Credentials on every transport [AC1, AC5, AC6]: must-show 6 of issue 13 (a personal access
 * token works on REST and y-websocket, is stored hashed, never reaches a log, and stops at
 * once when revoked, its live connection closed) and browser sessions (the cookie
 * authenticates REST, the Socket.IO handshake and the y-websocket upgrade; ending the session
 * closes both connections within a second, measured).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { createLogger } from '../../server/logger.js';
import { joinRaw, rawSocket, rawWs, upgradeStatus } from '../helpers/raw.js';
import { api, createBoard, createUser, signIn, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';

const logs: string[] = [];
let srv: TestServer;
let owner: TestUser;
let boardId: string;

beforeAll(async () => {
  // Everything the server logs, at its most talkative, kept to be searched for secrets.
  srv = await startServer({}, undefined, { logger: createLogger('trace', { write: (line: string) => void logs.push(line) }) });
  owner = await createUser(srv.url, 'Olga Owner');
  boardId = (await createBoard(srv.url, owner)).id;
});
afterAll(() => srv.close());

const wsBase = () => srv.url.replace(/^http/, 'ws');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Resolves with the close code and how long after `since` it came. */
const closedAfter = (ws: { once(ev: 'close', l: (code: number) => void): unknown }, since: () => number) =>
  new Promise<{ code: number; ms: number }>((r) => ws.once('close', (code: number) => r({ code, ms: performance.now() - since() })));

describe('[AC5] personal access tokens', () => {
  it('work on REST and y-websocket, are stored hashed, never logged, and stop at once when revoked (live connection closed)', async () => {
    const created = await api(srv.url, 'POST', '/api/me/tokens', { token: owner.token, body: { name: 'newsroom bot', expiresInDays: 30 } });
    expect(created.status).toBe(201);
    const pat = created.body as { id: string; name: string; token: string; expiresAt: string };
    expect(pat).toMatchObject({ name: 'newsroom bot' });
    expect(Date.parse(pat.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    // REST and a stock y-websocket client.
    expect((await api(srv.url, 'GET', '/api/boards', { token: pat.token })).body.boards.map((b: { id: string }) => b.id)).toContain(boardId);
    const stock = wsProvider(srv.url, pat.token, boardDocKey(boardId));
    await waitFor(() => stock.provider.synced, 'the stock client syncs with the token');
    expect(stock.doc.getMap('meta').get('title')).toBe('Test board');
    stock.close();
    // Listed without its secret.
    const listed = await api(srv.url, 'GET', '/api/me/tokens', { token: owner.token });
    expect(listed.body.tokens.find((t: { id: string }) => t.id === pat.id)).toMatchObject({ name: 'newsroom bot', kind: 'pat' });
    expect(JSON.stringify(listed.body)).not.toContain(pat.token);

    // Stored as its SHA-256 only: not in any column, nor anywhere in the file and its WAL.
    await srv.app.store.flush();
    const file = path.join(srv.dataDir, 'claimboard.sqlite');
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT * FROM credentials WHERE id = ?').get(pat.id) as Record<string, unknown>;
    db.close();
    expect(row).toMatchObject({ hash: sha256(pat.token), kind: 'pat', name: 'newsroom bot', revoked_at: null });
    for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) expect(fs.readFileSync(f).includes(pat.token), f).toBe(false);

    // Revoked while a y-websocket connection is open on it: refused at once, closed within 1 s.
    const live = await rawWs(srv.url, boardDocKey(boardId), pat.token);
    let revokedAt = 0;
    const closed = closedAfter(live.ws, () => revokedAt);
    revokedAt = performance.now();
    expect((await api(srv.url, 'DELETE', `/api/me/tokens/${pat.id}`, { token: owner.token })).status).toBe(204);
    expect((await api(srv.url, 'GET', '/api/me', { token: pat.token })).status).toBe(401);
    const { code, ms } = await closed;
    console.info(`[AC6] y-websocket connection of a revoked token closed ${ms.toFixed(0)} ms after the revocation was asked for`);
    expect(code).toBe(4401);
    expect(ms).toBeLessThan(1000);
    expect(await upgradeStatus(`${wsBase()}/yjs/${boardDocKey(boardId)}?token=${pat.token}`)).toBe(401);
    await expect(rawSocket(srv.url, pat.token)).rejects.toThrow('UNAUTHORIZED');
    expect((await api(srv.url, 'DELETE', `/api/me/tokens/${pat.id}`, { token: owner.token })).status).toBe(404);
    // Audit entries are written behind the answer: wait for the revocation's.
    const audit = async () => (await api(srv.url, 'GET', '/api/me/audit', { token: owner.token })).body.audit.map((e: { action: string; detail: { credentialId?: string } }) => `${e.action} ${e.detail.credentialId}`) as string[];
    await waitFor(async () => (await audit()).includes(`token.revoked ${pat.id}`), 'the revocation in the audit log');
    expect(await audit()).toContain(`token.created ${pat.id}`);

    // Whatever was logged on the way (trace level: every upgrade, refusal and request error)
    // holds neither the token nor the other secrets of this test.
    const failed = await api(srv.url, 'POST', '/api/session', { body: { email: owner.email, password: `${owner.password}-typo` } });
    expect(failed.status).toBe(401);
    const text = logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [pat.token, owner.token, owner.password, `${owner.password}-typo`]) expect(text.includes(secret)).toBe(false);
  });
});

describe('[AC1][AC6] browser sessions on every transport', () => {
  it('the cookie opens REST, Socket.IO and y-websocket; signing out closes both connections within 1 s and the cookie opens nothing more', async () => {
    const cookie = await signIn(srv.url, owner.email, owner.password);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie } })).body.credential.kind).toBe('session');
    const { socket, protocolErrors } = await rawSocket(srv.url, undefined as unknown as string, { auth: {}, extraHeaders: { cookie } });
    expect((await joinRaw(socket, boardId)).ok).toBe(true);
    const ws = await rawWs(srv.url, boardDocKey(boardId), null, { cookie });

    let endedAt = 0;
    const sioClosed = new Promise<number>((r) => socket.once('disconnect', () => r(performance.now() - endedAt)));
    const wsClosed = closedAfter(ws.ws, () => endedAt);
    endedAt = performance.now();
    const out = await fetch(`${srv.url}/api/session`, { method: 'DELETE', headers: { cookie, origin: srv.url } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /^cb_session=;/.test(c) && /Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
    const [sioMs, wsResult] = await Promise.all([sioClosed, wsClosed]);
    console.info(`[AC6] after sign-out: Socket.IO closed in ${sioMs.toFixed(0)} ms, y-websocket in ${wsResult.ms.toFixed(0)} ms`);
    expect(sioMs).toBeLessThan(1000);
    expect(wsResult.ms).toBeLessThan(1000);
    expect(wsResult.code).toBe(4401);
    expect(protocolErrors).toContainEqual({ code: 'UNAUTHORIZED', message: 'signed out' });

    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie } })).status).toBe(401);
    await expect(rawSocket(srv.url, undefined as unknown as string, { auth: {}, extraHeaders: { cookie } })).rejects.toThrow('UNAUTHORIZED');
    expect(await upgradeStatus(`${wsBase()}/yjs/${boardDocKey(boardId)}`, { cookie })).toBe(401);
  });

  it('sessions are listed and ended one by one or everywhere; the cookie is HttpOnly, SameSite=Lax, Path=/', async () => {
    const res = await fetch(`${srv.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Phone browser' },
      body: JSON.stringify({ email: owner.email, password: owner.password, sharedComputer: true }),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('cb_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Max-Age|Expires/); // a shared computer forgets it when the browser closes
    expect(setCookie).not.toMatch(/Secure/); // plain http://127.0.0.1
    const phone = setCookie.split(';')[0]!;
    const laptop = await signIn(srv.url, owner.email, owner.password);
    expect((await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: owner.email, password: owner.password }) })).headers.getSetCookie()[0]).toMatch(/Max-Age=1209600/);

    const list = await api(srv.url, 'GET', '/api/me/sessions', { headers: { cookie: laptop } });
    const phoneId = (await api(srv.url, 'GET', '/api/me', { headers: { cookie: phone } })).body.credential.id;
    expect(list.body.sessions.find((s: { id: string }) => s.id === phoneId)).toMatchObject({ userAgent: 'Phone browser', sharedComputer: true, current: false });
    expect(list.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    // Uses are written in batches: after a flush, the laptop's session says when it was used.
    await srv.app.auth.authn.flushUses();
    const used = await api(srv.url, 'GET', '/api/me/sessions', { headers: { cookie: laptop } });
    expect(Date.parse(used.body.sessions.find((s: { current: boolean }) => s.current).lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

    const ws = await rawWs(srv.url, boardDocKey(boardId), null, { cookie: phone });
    const closed = closedAfter(ws.ws, () => 0);
    expect((await api(srv.url, 'DELETE', `/api/me/sessions/${phoneId}`, { headers: { cookie: laptop, origin: srv.url } })).status).toBe(204);
    expect((await closed).code).toBe(4401);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: phone } })).status).toBe(401);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: laptop } })).status).toBe(200);
    // Everywhere: every session, this one included; tokens stay.
    expect((await api(srv.url, 'DELETE', '/api/me/sessions', { headers: { cookie: laptop, origin: srv.url } })).status).toBe(204);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: laptop } })).status).toBe(401);
    expect((await api(srv.url, 'GET', '/api/me', { token: owner.token })).status).toBe(200);
    expect((await api(srv.url, 'GET', '/api/me/sessions', { token: owner.token })).body.sessions).toEqual([]);
  });

  it('a password change ends the other sessions; a reset link works once and ends every session', async () => {
    const u = await createUser(srv.url, 'Pat Password');
    const a = await signIn(srv.url, u.email, u.password);
    const b = await signIn(srv.url, u.email, u.password);
    const next = `${u.password}-next`;
    expect((await api(srv.url, 'POST', '/api/me/password', { headers: { cookie: a, origin: srv.url }, body: { current: 'not-it-at-all', password: next } })).status).toBe(401);
    expect((await api(srv.url, 'POST', '/api/me/password', { headers: { cookie: a, origin: srv.url }, body: { current: u.password, password: 'password1' } })).body.error.code).toBe('VALIDATION');
    expect((await api(srv.url, 'POST', '/api/me/password', { headers: { cookie: a, origin: srv.url }, body: { current: u.password, password: next } })).status).toBe(204);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: a } })).status).toBe(200);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: b } })).status).toBe(401);
    expect((await api(srv.url, 'POST', '/api/session', { body: { email: u.email, password: u.password } })).status).toBe(401);

    const url = await srv.app.auth.accounts.createResetLink(u.id, 'test');
    expect(url.startsWith(`${srv.app.config.publicUrl}/reset/`)).toBe(true);
    const token = url.split('/reset/')[1]!;
    const final = `${u.password}-reset`;
    expect((await api(srv.url, 'POST', '/api/password-reset/confirm', { body: { token, password: u.email } })).body.error.code).toBe('VALIDATION');
    expect((await api(srv.url, 'POST', '/api/password-reset/confirm', { body: { token, password: final } })).status).toBe(200);
    expect((await api(srv.url, 'POST', '/api/password-reset/confirm', { body: { token, password: `${final}2` } })).status).toBe(410);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: a } })).status).toBe(401);
    expect((await api(srv.url, 'GET', '/api/me', { token: u.token })).status).toBe(200); // tokens are not sessions
    await signIn(srv.url, u.email, final);
    // Asking for a reset answers 202 whatever the e-mail.
    for (const email of [u.email, 'nobody@example.test']) expect((await api(srv.url, 'POST', '/api/password-reset', { body: { email } }))).toMatchObject({ status: 202, body: { accepted: true } });
  });
});

describe('[AC1] Secure cookies and single sign-on linking', () => {
  it('the cookie is Secure behind HTTPS: PUBLIC_URL https, or X-Forwarded-Proto https with TRUST_PROXY', async () => {
    for (const [overrides, headers] of [[{ publicUrl: 'https://claims.example' }, {}], [{ trustProxy: ['loopback'] }, { 'x-forwarded-proto': 'https' }]] as const) {
      const s = await startServer('trustProxy' in overrides ? { trustProxy: ['loopback'] } : overrides);
      try {
        const u = await createUser(s.url, 'Sam Secure');
        const res = await fetch(`${s.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email: u.email, password: u.password }) });
        expect(res.headers.getSetCookie()[0]).toMatch(/; Secure/);
      } finally {
        await s.close();
      }
    }
  });

  it('findOrCreateByVerifiedEmail links by e-mail; an unverified account with it loses its password and sessions', async () => {
    const squatter = await createUser(srv.url, 'Sq Uatter');
    const cookie = await signIn(srv.url, squatter.email, squatter.password);
    const linked = await srv.app.auth.accounts.findOrCreateByVerifiedEmail(squatter.email.toUpperCase(), 'Real Owner');
    expect(linked).toMatchObject({ id: squatter.id, emailVerified: true, passwordHash: null });
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie } })).status).toBe(401);
    expect((await api(srv.url, 'GET', '/api/me', { token: squatter.token })).status).toBe(401);
    expect((await api(srv.url, 'POST', '/api/session', { body: { email: squatter.email, password: squatter.password } })).status).toBe(401);
    // Linking again changes nothing; a new e-mail makes a new verified account.
    expect((await srv.app.auth.accounts.findOrCreateByVerifiedEmail(squatter.email, 'Real Owner')).id).toBe(squatter.id);
    const fresh = await srv.app.auth.accounts.findOrCreateByVerifiedEmail('new.person@newsroom.example', 'New Person');
    expect(fresh).toMatchObject({ name: 'New Person', email: 'new.person@newsroom.example', emailVerified: true, passwordHash: null });
    expect(fresh.id).not.toBe(squatter.id);
  });
});
