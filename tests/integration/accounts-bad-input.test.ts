/**
 * Bad input on every account route [H1, H2, AC1–AC9]: malformed, oversized, wrongly typed and
 * unknown-field bodies, hostile ids, and calls without a credential all get a 4xx error body,
 * and change nothing a legitimate caller sees afterwards.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createBoard, createUser, emailFor, signIn, startServer, strongPassword, type TestServer, type TestUser } from '../helpers/server.js';

let srv: TestServer;
let u: TestUser;
let other: TestUser;

beforeAll(async () => {
  srv = await startServer();
  [u, other] = await Promise.all([createUser(srv.url, 'Una User'), createUser(srv.url, 'Otto Other')]) as [TestUser, TestUser];
});
afterAll(() => srv.close());

/** Routes with a JSON body: a valid body, and whether the route needs a credential. */
const BODY_ROUTES: Array<[method: string, route: string, valid: () => Record<string, unknown>, authed: boolean]> = [
  ['POST', '/api/users', () => ({ name: 'N', email: emailFor('n'), password: strongPassword() }), false],
  ['POST', '/api/session', () => ({ email: u.email, password: u.password }), false],
  ['POST', '/api/password-reset', () => ({ email: u.email }), false],
  ['POST', '/api/password-reset/confirm', () => ({ token: 'a'.repeat(43), password: strongPassword() }), false],
  ['PATCH', '/api/me', () => ({ name: 'Una' }), true],
  ['POST', '/api/me/password', () => ({ current: u.password, password: strongPassword() }), true],
  ['POST', '/api/me/claim', () => ({ email: emailFor('c'), password: strongPassword() }), true],
  ['POST', '/api/me/tokens', () => ({ name: 'bot' }), true],
];

/** Wrong types and values per route: each must be a 400 VALIDATION. */
const WRONG = (): Record<string, unknown[]> => ({
  '/api/users': [{}, { name: 'N' }, { name: 5, email: 'a@b.example', password: 'long enough pw' }, { name: 'N', email: 'not an email', password: 'long enough pw' }, { name: 'N', email: 'a@b.example', password: 'short' }, { name: 'N', email: 'a@b.example', password: 'x'.repeat(600) }, { name: ' ', email: 'a@b.example', password: 'long enough pw' }, { name: 'N'.repeat(81), email: 'a@b.example', password: 'long enough pw' }, { name: 'N', email: 'a@b.example', password: 'long enough pw', avatarColor: 'red' }, { name: 'N', email: 'a@b.example', password: 'long enough pw', admin: true }, { name: 'N', email: 'a@b.example', password: 'long enough pw', session: 'yes' }, { name: 'N', email: `${'a'.repeat(250)}@b.example`, password: 'long enough pw' }, []],
  '/api/session': [{}, { email: 5, password: 'x' }, { email: 'a@b.example' }, { email: 'a@b.example', password: '' }, { email: 'a@b.example', password: 'x', extra: 1 }, { email: 'a@b.example', password: 'x'.repeat(600) }],
  '/api/password-reset': [{}, { email: [] }, { email: 'nope' }, { email: 'a@b.example', more: 1 }],
  '/api/password-reset/confirm': [{}, { token: 5, password: 'long enough pw' }, { token: 'short', password: 'long enough pw' }, { token: 'a'.repeat(43), password: 'short' }, { token: '../../etc/passwd/aaaaaaaaaaaa', password: 'long enough pw' }],
  '/api/me': [{}, { name: 5 }, { name: '' }, { avatarColor: '#12345' }, { avatarColor: 'javascript:alert(1)' }, { email: 'x@y.example' }],
  '/api/me/password': [{}, { current: u.password }, { current: 5, password: 'long enough pw' }, { current: 'x', password: 'short' }],
  '/api/me/claim': [{}, { email: 'a@b.example' }, { email: 'nope', password: 'long enough pw' }, { email: 'a@b.example', password: 7 }],
  '/api/me/tokens': [{}, { name: '' }, { name: 5 }, { name: 'bot', expiresInDays: 0 }, { name: 'bot', expiresInDays: 366 }, { name: 'bot', expiresInDays: 1.5 }, { name: 'bot', expiresInDays: '7' }, { name: 'x'.repeat(81) }, { name: 'bot', kind: 'session' }],
});

const auth = { token: () => u.token };

describe('account routes refuse bad input with a 4xx', () => {
  it.each(BODY_ROUTES.map(([m, r]) => [m, r] as const))('[H1][H2] %s %s: malformed, oversized, not JSON, wrongly typed', async (method, route) => {
    const token = BODY_ROUTES.find(([m, r]) => m === method && r === route)![3] ? auth.token() : undefined;
    const send = (o: Parameters<typeof api>[3]) => api(srv.url, method, route, { ...(token ? { token } : {}), ...o });
    expect(await send({ raw: '{"email":' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await send({ raw: `{"name":${'['.repeat(100)}${']'.repeat(100)}}` })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await send({ body: { name: 'x', pad: 'p'.repeat(20 * 1024) } })).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await send({ raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject({ status: 415 });
    // Not an object at all: the JSON parser refuses it (400) before the schema sees it.
    for (const raw of ['null', '"x"', '5']) expect((await send({ raw })).status).toBe(400);
    for (const body of WRONG()[route]!) {
      const r = await send({ body });
      expect(r.status, `${route} ${JSON.stringify(body)?.slice(0, 100)}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)?.slice(0, 100)).toBe('VALIDATION');
      expect(r.body.error.message.length).toBeLessThanOrEqual(1000);
    }
  });

  it('[AC1] every route that needs a credential answers 401 without one, with a wrong one and with a garbage cookie', async () => {
    const routes: Array<[string, string]> = [
      ...BODY_ROUTES.filter((r) => r[3]).map(([m, r]) => [m, r] as [string, string]),
      ['GET', '/api/me'], ['GET', '/api/me/sessions'], ['GET', '/api/me/tokens'], ['GET', '/api/me/audit'], ['DELETE', '/api/session'],
      ['DELETE', '/api/me/sessions'], ['DELETE', '/api/me/sessions/c_x'], ['DELETE', '/api/me/tokens'], ['DELETE', '/api/me/tokens/c_x'],
      ['POST', '/api/boards/b_x/members/u_x/reset-link'],
    ];
    for (const [method, route] of routes) {
      const bad: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope-nope-nope-nope' }, { authorization: 'Basic eDp5' }, { cookie: 'cb_session=x' }, { cookie: `cb_session=${'a'.repeat(43)}` }, { cookie: `cb_session=${u.token}x` }];
      for (const headers of bad) {
        const r = await api(srv.url, method, route, { headers, ...(method === 'GET' ? {} : { body: { name: 'x' } }) });
        expect(r, `${method} ${route} ${JSON.stringify(headers)}`).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
      }
    }
  });

  it('hostile credential ids and other people\'s credentials are 404; nothing is revoked', async () => {
    const theirs = (await api(srv.url, 'POST', '/api/me/tokens', { token: other.token, body: { name: 'theirs' } })).body.id as string;
    const cookie = await signIn(srv.url, other.email, other.password);
    const theirSession = (await api(srv.url, 'GET', '/api/me', { headers: { cookie } })).body.credential.id as string;
    for (const id of [theirs, theirSession, 'c_', 'x', '%00', 'c_' + 'a'.repeat(5000), '..', 'c_%2F..', '__proto__']) {
      for (const kind of ['tokens', 'sessions']) {
        const r = await api(srv.url, 'DELETE', `/api/me/${kind}/${id}`, { token: u.token });
        expect(r.status, `${kind} ${id.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }
    }
    // A session id is not a token id and the other way round.
    const mine = await signIn(srv.url, u.email, u.password);
    const mySession = (await api(srv.url, 'GET', '/api/me', { headers: { cookie: mine } })).body.credential.id as string;
    expect((await api(srv.url, 'DELETE', `/api/me/tokens/${mySession}`, { token: u.token })).status).toBe(404);
    expect((await api(srv.url, 'GET', '/api/me', { token: other.token })).status).toBe(200);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie } })).status).toBe(200);
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie: mine } })).status).toBe(200);
  });

  it('reset links: only owners, only members, only password accounts; unknown and used tokens are 410', async () => {
    const board = (await createBoard(srv.url, u)).id;
    const route = (userId: string) => `/api/boards/${board}/members/${userId}/reset-link`;
    expect((await api(srv.url, 'POST', route(other.id), { token: u.token })).status).toBe(404); // not a member
    expect((await api(srv.url, 'POST', route('x'.repeat(5000)), { token: u.token })).status).toBe(404);
    expect((await api(srv.url, 'POST', `/api/boards/b_nope/members/${other.id}/reset-link`, { token: u.token })).status).toBe(404);
    expect((await api(srv.url, 'POST', route(u.id), { token: other.token })).status).toBe(404); // not their board
    for (const token of ['a'.repeat(43), 'b'.repeat(200)]) {
      expect((await api(srv.url, 'POST', '/api/password-reset/confirm', { body: { token, password: strongPassword() } }))).toMatchObject({ status: 410, body: { error: { code: 'GONE' } } });
    }
  });

  it('sign-up: an e-mail taken (in any case) is 409; the start page config says who may sign up', async () => {
    const r = await api(srv.url, 'POST', '/api/users', { body: { name: 'Copy', email: u.email.toUpperCase(), password: strongPassword() } });
    expect(r).toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });
    expect((await api(srv.url, 'GET', '/api/auth/config')).body).toEqual({ signup: 'open', oidc: { enabled: false, label: null }, email: false });
    const weak = await api(srv.url, 'POST', '/api/users', { body: { name: 'Weak', email: emailFor('weak'), password: 'iloveyou1' } });
    expect(weak).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    expect(weak.body.error.message).toMatch(/common/);
  });
});

describe('SIGNUP=invite and SIGNUP=closed', () => {
  it('[AC4] invite: only a live invite token lets one sign up, then accept it; closed: nobody signs up', async () => {
    const inviteOnly = await startServer({ signup: 'invite' });
    try {
      // The first account comes from the operator (here: straight into the store, with a token).
      const now = Date.now();
      await inviteOnly.app.store.accounts.createUser(
        { id: 'u_operator', name: 'Op', createdAt: now, email: 'op@example.test', avatarColor: null, passwordHash: null, emailVerified: false, claimedAt: null },
        { id: 'c_operator', hash: createHash('sha256').update('operator-token-0123456789').digest('hex'), userId: 'u_operator', kind: 'pat', name: 'setup', createdAt: now, expiresAt: now + 3_600_000, sharedComputer: false, userAgent: null },
      );
      const op = { token: 'operator-token-0123456789' } as TestUser;
      const board = (await createBoard(inviteOnly.url, op)).id;
      const inv = (await api(inviteOnly.url, 'POST', `/api/boards/${board}/invites`, { token: op.token, body: { role: 'reviewer', maxUses: 1 } })).body.invite;
      const body = () => ({ name: 'Ivy', email: emailFor('ivy'), password: strongPassword() });
      expect(await api(inviteOnly.url, 'POST', '/api/users', { body: body() })).toMatchObject({ status: 403, body: { error: { code: 'SIGNUP_CLOSED' } } });
      expect((await api(inviteOnly.url, 'POST', '/api/users', { body: { ...body(), invite: 'a'.repeat(43) } })).status).toBe(403);
      const ivy = await api(inviteOnly.url, 'POST', '/api/users', { body: { ...body(), invite: inv.token } });
      expect(ivy.status).toBe(201);
      expect((await api(inviteOnly.url, 'POST', `/api/invites/${inv.token}/accept`, { token: ivy.body.token })).body).toMatchObject({ boardId: board, role: 'reviewer' });
      // Used up: it lets nobody else in.
      expect((await api(inviteOnly.url, 'POST', '/api/users', { body: { ...body(), invite: inv.token } })).status).toBe(403);
      expect((await api(inviteOnly.url, 'GET', '/api/auth/config')).body.signup).toBe('invite');
    } finally {
      await inviteOnly.close();
    }
    const closed = await startServer({ signup: 'closed' });
    try {
      expect(await api(closed.url, 'POST', '/api/users', { body: { name: 'C', email: emailFor('c'), password: strongPassword() } })).toMatchObject({ status: 403, body: { error: { code: 'SIGNUP_CLOSED' } } });
      expect((await api(closed.url, 'GET', '/api/auth/config')).body.signup).toBe('closed');
    } finally {
      await closed.close();
    }
  });
});
