/**
 * Must-show 3 of issue 13 [AC2, H9]: a cross-site request carrying the session cookie changes
 * nothing. Every state-changing REST route (the table is checked against the router itself,
 * so a route added without a row fails here) is sent with a fresh session cookie three ways:
 * from a foreign Origin and with no Origin but `Sec-Fetch-Site: cross-site` — each answered
 * 403 CSRF_REJECTED with the SQLite file unchanged — and from this site, which works.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, api, createBoard, createUser, emailFor, signIn, startServer, strongPassword, type TestServer, type TestUser } from '../helpers/server.js';

let srv: TestServer;
let db: Database.Database;
let owner: TestUser;
let member: TestUser;
let joiner: TestUser;

const ARTICLE = 'The city spent $4.2 million on roads in 2023, the mayor said. Unemployment fell to 3.1% in May, according to the state labor office.';

beforeAll(async () => {
  srv = await startServer();
  [owner, member, joiner] = await Promise.all(['Olga Owner', 'Mo Member', 'Jo Joiner'].map((n) => createUser(srv.url, n))) as [TestUser, TestUser, TestUser];
  db = new Database(path.join(srv.dataDir, 'claimboard.sqlite'), { readonly: true });
});
afterAll(async () => {
  db.close();
  await srv.close();
});

/**
 * Everything a request could change, read from the file (what changes on every request by
 * design — a credential's last use, a member's last visit, the health probe — left out).
 */
async function fingerprint(): Promise<string> {
  // A write through the writer thread: every write queued before it has committed.
  await srv.app.store.probeWrite(Date.now());
  await srv.app.store.flush();
  const q = (sql: string) => db.prepare(sql).all();
  return JSON.stringify([
    q('SELECT id, name, email, password_hash, avatar_color, email_verified, claimed_at FROM users ORDER BY id'),
    q('SELECT id, kind, name, expires_at, revoked_at FROM credentials ORDER BY id'),
    q('SELECT * FROM boards ORDER BY id'),
    q('SELECT board_id, user_id, role FROM members ORDER BY board_id, user_id'),
    q('SELECT * FROM invites ORDER BY id'),
    q('SELECT * FROM password_resets ORDER BY hash'),
    q('SELECT COUNT(*) AS n, MAX(seq) AS last FROM audit'),
    q('SELECT COUNT(*) AS n, MAX(seq) AS last FROM user_audit'),
    q('SELECT doc_key, COUNT(*) AS n, MAX(seq) AS last FROM updates GROUP BY doc_key ORDER BY doc_key'),
  ]);
}

interface Prepared {
  route: string;
  body?: unknown;
  /** The session cookie to send (default: a fresh one of the owner's). */
  cookie?: string;
  /** The status a same-site request gets. */
  ok: number;
}

const bearer = (u: TestUser, method: string, route: string, body?: unknown) => api(srv.url, method, route, { token: u.token, body });
const freshBoard = async () => (await createBoard(srv.url, owner, ARTICLE)).id;
const claimOf = async (boardId: string) => (await srv.app.registry.read(boardDocKey(boardId), (d) => [...d.getMap('claims').keys()]))[0]!;
const liveBoard = async () => {
  const id = await freshBoard();
  const started = await bearer(owner, 'POST', `/api/boards/${id}/live`, {});
  expect(started.status).toBe(201);
  return { id, claimId: await claimOf(id) };
};
const resetToken = async (u: TestUser) => {
  const id = await freshBoard();
  await addMember(srv.url, owner, id, u, 'reviewer');
  const link = await bearer(owner, 'POST', `/api/boards/${id}/members/${u.id}/reset-link`);
  expect(link.status).toBe(201);
  return String(link.body.url).split('/reset/')[1]!;
};
/** A user of its own, for routes that end sessions or change the password. */
const ownUser = async () => createUser(srv.url, 'Solo');

/** Express path → how to make one fresh request to it. */
const TABLE: Record<string, () => Promise<Prepared>> = {
  'POST /users': async () => ({ route: '/api/users', body: { name: 'New', email: emailFor('new'), password: strongPassword() }, ok: 201 }),
  'POST /session': async () => ({ route: '/api/session', body: { email: owner.email, password: owner.password }, ok: 200 }),
  'POST /password-reset': async () => ({ route: '/api/password-reset', body: { email: owner.email }, ok: 202 }),
  'POST /password-reset/confirm': async () => {
    const u = await ownUser();
    return { route: '/api/password-reset/confirm', body: { token: await resetToken(u), password: strongPassword() }, ok: 200 };
  },
  'DELETE /session': async () => ({ route: '/api/session', ok: 204 }),
  'PATCH /me': async () => ({ route: '/api/me', body: { name: 'Olga O.' }, ok: 200 }),
  'POST /me/password': async () => {
    const u = await ownUser();
    return { route: '/api/me/password', body: { current: u.password, password: strongPassword() }, cookie: await signIn(srv.url, u.email, u.password), ok: 204 };
  },
  // An account made with a password has nothing to claim: past the cross-site link, 409.
  'POST /me/claim': async () => ({ route: '/api/me/claim', body: { email: emailFor('claim'), password: strongPassword() }, ok: 409 }),
  'DELETE /me/sessions/:cid': async () => {
    const other = await signIn(srv.url, owner.email, owner.password);
    const id = (await api(srv.url, 'GET', '/api/me', { headers: { cookie: other } })).body.credential.id;
    return { route: `/api/me/sessions/${id}`, ok: 204 };
  },
  'DELETE /me/sessions': async () => {
    const u = await ownUser();
    return { route: '/api/me/sessions', cookie: await signIn(srv.url, u.email, u.password), ok: 204 };
  },
  'POST /me/tokens': async () => ({ route: '/api/me/tokens', body: { name: 'bot' }, ok: 201 }),
  'DELETE /me/tokens/:cid': async () => ({ route: `/api/me/tokens/${(await bearer(owner, 'POST', '/api/me/tokens', { name: 'to revoke' })).body.id}`, ok: 204 }),
  'DELETE /me/tokens': async () => {
    const u = await ownUser();
    return { route: '/api/me/tokens', cookie: await signIn(srv.url, u.email, u.password), ok: 204 };
  },
  'POST /boards/:id/members/:userId/reset-link': async () => {
    const id = await freshBoard();
    await addMember(srv.url, owner, id, member, 'reviewer');
    return { route: `/api/boards/${id}/members/${member.id}/reset-link`, ok: 201 };
  },
  'POST /boards': async () => ({ route: '/api/boards', body: { title: 'Cross', text: ARTICLE }, ok: 201 }),
  'PATCH /boards/:id': async () => ({ route: `/api/boards/${await freshBoard()}`, body: { title: 'Renamed' }, ok: 200 }),
  'DELETE /boards/:id': async () => ({ route: `/api/boards/${await freshBoard()}`, ok: 204 }),
  'POST /boards/:id/duplicate': async () => ({ route: `/api/boards/${await freshBoard()}/duplicate`, body: {}, ok: 201 }),
  'POST /boards/:id/invites': async () => ({ route: `/api/boards/${await freshBoard()}/invites`, body: { role: 'viewer' }, ok: 201 }),
  'DELETE /boards/:id/invites/:inviteId': async () => {
    const id = await freshBoard();
    const inv = await bearer(owner, 'POST', `/api/boards/${id}/invites`, { role: 'viewer' });
    return { route: `/api/boards/${id}/invites/${inv.body.invite.id}`, ok: 204 };
  },
  'POST /invites/:token/accept': async () => {
    const inv = await bearer(owner, 'POST', `/api/boards/${await freshBoard()}/invites`, { role: 'viewer' });
    return { route: `/api/invites/${inv.body.invite.token}/accept`, cookie: await signIn(srv.url, joiner.email, joiner.password), ok: 200 };
  },
  'PATCH /boards/:id/members/:userId': async () => {
    const id = await freshBoard();
    await addMember(srv.url, owner, id, member, 'reviewer');
    return { route: `/api/boards/${id}/members/${member.id}`, body: { role: 'viewer' }, ok: 200 };
  },
  'DELETE /boards/:id/members/:userId': async () => {
    const id = await freshBoard();
    await addMember(srv.url, owner, id, member, 'reviewer');
    return { route: `/api/boards/${id}/members/${member.id}`, ok: 204 };
  },
  'POST /boards/:id/suggestions/explain': async () => ({ route: `/api/boards/${await freshBoard()}/suggestions/explain`, body: { start: 0, end: 20 }, ok: 200 }),
  'POST /boards/:id/live': async () => ({ route: `/api/boards/${await freshBoard()}/live`, body: {}, ok: 201 }),
  'PATCH /boards/:id/live': async () => ({ route: `/api/boards/${(await liveBoard()).id}/live`, body: { focus: null }, ok: 200 }),
  'POST /boards/:id/live/rounds': async () => {
    const b = await liveBoard();
    return { route: `/api/boards/${b.id}/live/rounds`, body: { claimId: b.claimId }, ok: 201 };
  },
  'POST /boards/:id/live/rounds/:claimId/reveal': async () => {
    const b = await liveBoard();
    expect((await bearer(owner, 'POST', `/api/boards/${b.id}/live/rounds`, { claimId: b.claimId })).status).toBe(201);
    return { route: `/api/boards/${b.id}/live/rounds/${b.claimId}/reveal`, ok: 200 };
  },
  'PUT /boards/:id/live/timer': async () => {
    const b = await liveBoard();
    return { route: `/api/boards/${b.id}/live/timer`, body: { claimId: b.claimId, seconds: 60 }, ok: 200 };
  },
  'DELETE /boards/:id/live/timer': async () => {
    const b = await liveBoard();
    expect((await bearer(owner, 'PUT', `/api/boards/${b.id}/live/timer`, { claimId: b.claimId, seconds: 60 })).status).toBe(200);
    return { route: `/api/boards/${b.id}/live/timer`, ok: 200 };
  },
  'POST /boards/:id/live/end': async () => ({ route: `/api/boards/${(await liveBoard()).id}/live/end`, ok: 200 }),
};

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

describe('[AC2] cross-site requests with the session cookie', () => {
  it('the table names every state-changing route of the REST router', () => {
    const routes: string[] = [];
    for (const layer of (srv.app.api as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> }).stack) {
      if (!layer.route) continue;
      for (const m of Object.keys(layer.route.methods)) if (UNSAFE.has(m)) routes.push(`${m.toUpperCase()} ${layer.route.path}`);
    }
    expect(routes.length).toBeGreaterThan(20);
    expect(new Set(routes)).toEqual(new Set(Object.keys(TABLE)));
  });

  const CROSS_SITE: Array<[string, Record<string, string>]> = [
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['no Origin and Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ];

  it.each(Object.keys(TABLE))('%s: cross-site → 403 and nothing changed; same-site → works', async (key) => {
    const method = key.split(' ')[0]!;
    for (const [what, headers] of CROSS_SITE) {
      const p = await TABLE[key]!();
      const cookie = p.cookie ?? (await signIn(srv.url, owner.email, owner.password));
      const before = await fingerprint();
      const r = await api(srv.url, method, p.route, { body: p.body, headers: { cookie, ...headers } });
      expect(r, `${key} with ${what}`).toMatchObject({ status: 403, body: { error: { code: 'CSRF_REJECTED', message: 'cross-site request refused' } } });
      expect(await fingerprint(), `${key} with ${what} changed the store`).toBe(before);
    }
    const p = await TABLE[key]!();
    const cookie = p.cookie ?? (await signIn(srv.url, owner.email, owner.password));
    const same = await api(srv.url, method, p.route, { body: p.body, headers: { cookie, origin: srv.url } });
    expect(same.status, `${key} from this site: ${JSON.stringify(same.body)}`).toBe(p.ok);
  });

  it('without Origin, Sec-Fetch-Site: same-origin is this site; a cookie request with neither is refused', async () => {
    const cookie = await signIn(srv.url, owner.email, owner.password);
    const sameSite = await api(srv.url, 'PATCH', '/api/me', { body: { name: 'Olga' }, headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(sameSite.status).toBe(200);
    const refused: Array<Record<string, string>> = [{}, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'none' }, { origin: 'null' }, { origin: 'http://127.0.0.1' }];
    for (const headers of refused) {
      const r = await api(srv.url, 'PATCH', '/api/me', { body: { name: 'Mallory' }, headers: { cookie, ...headers } });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    // A bearer token is not sent by a browser on its own: no Origin needed.
    expect((await api(srv.url, 'PATCH', '/api/me', { token: owner.token, body: { name: 'Olga' }, headers: { origin: 'https://evil.example', cookie } })).status).toBe(200);
    // Reads with the cookie from anywhere change nothing and are answered.
    expect((await api(srv.url, 'GET', '/api/me', { headers: { cookie, origin: 'https://evil.example' } })).status).toBe(200);
  });
});
