/**
 * Must-show 8 of issue 13 [AC7, AC9]: a data dir written by the version before accounts
 * (tests/fixtures/datadir-v0, copied) starts; its users' tokens still work on every transport;
 * a name-only user claims an account with e-mail and password once, then signs in with them;
 * the operator's CLI prints a reset link that works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli.js';
import { joinRaw, rawSocket, rawWs } from '../helpers/raw.js';
import { api, signIn, startServer, strongPassword, tempDir, TEST_PASSWORD_HASH_COST, waitFor, type TestServer } from '../helpers/server.js';

interface Fixture {
  owner: { id: string; name: string; token: string };
  rev: { id: string; name: string; token: string };
  board: { id: string; docs: string[] };
}
const fixture = JSON.parse(fs.readFileSync('tests/fixtures/datadir-v0/tokens.json', 'utf8')) as Fixture;
const dataDir = tempDir('claimboard-v0-');
let srv: TestServer;

beforeAll(async () => {
  for (const f of fs.readdirSync('tests/fixtures/datadir-v0')) {
    if (f.endsWith('.sqlite')) fs.copyFileSync(path.join('tests/fixtures/datadir-v0', f), path.join(dataDir, f));
  }
  srv = await startServer({}, dataDir);
});
afterAll(async () => {
  await srv?.close();
});

describe('[AC9] upgrading a data dir from before accounts', () => {
  it('the old tokens still work on REST, Socket.IO and y-websocket', async () => {
    const me = await api(srv.url, 'GET', '/api/me', { token: fixture.owner.token });
    expect(me.body).toMatchObject({ user: { id: fixture.owner.id, name: 'Olivia Owner', email: null, hasPassword: false, claimed: false }, credential: { kind: 'legacy' } });
    const board = await api(srv.url, 'GET', `/api/boards/${fixture.board.id}`, { token: fixture.rev.token });
    expect(board.status).toBe(200);
    const { socket } = await rawSocket(srv.url, fixture.owner.token);
    expect(await joinRaw(socket, fixture.board.id)).toMatchObject({ ok: true, value: { role: 'owner' } });
    socket.close();
    const ws = await rawWs(srv.url, fixture.board.docs[0]!, fixture.rev.token);
    ws.close();
    expect((await api(srv.url, 'GET', '/api/me/tokens', { token: fixture.owner.token })).body.tokens).toMatchObject([{ kind: 'legacy', name: 'token from before accounts', current: true }]);
  });

  it('[AC7] a name-only user claims the account once, then signs in with it anywhere; a second claim is 409', async () => {
    const email = 'olivia.owner@newsroom.example';
    const password = strongPassword();
    const claim = (body: unknown, token = fixture.owner.token) => api(srv.url, 'POST', '/api/me/claim', { token, body });
    expect((await claim({ email, password: 'password' })).body.error.code).toBe('VALIDATION'); // too common
    expect((await claim({ email, password: email })).body.error.code).toBe('VALIDATION');
    const claimed = await claim({ email: 'Olivia.Owner@Newsroom.example', password });
    expect(claimed).toMatchObject({ status: 200, body: { user: { id: fixture.owner.id, email, hasPassword: true, claimed: true } } });
    expect((await claim({ email: 'again@newsroom.example', password: strongPassword() }))).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_CLAIMED' } } });
    // Another name-only user cannot take the same e-mail.
    expect((await claim({ email, password: strongPassword() }, fixture.rev.token))).toMatchObject({ status: 409, body: { error: { code: 'EMAIL_TAKEN' } } });

    // A second device: e-mail and password give a session that sees the same boards.
    const cookie = await signIn(srv.url, email, password);
    const boards = await api(srv.url, 'GET', '/api/boards', { headers: { cookie } });
    expect(boards.body.boards.map((b: { id: string }) => b.id)).toEqual([fixture.board.id]);
    expect((await api(srv.url, 'GET', '/api/me', { token: fixture.owner.token })).status).toBe(200); // the old token keeps working
    // Audit entries are written behind the answer (like a board's): wait for them.
    const actions = async () => (await api(srv.url, 'GET', '/api/me/audit', { headers: { cookie } })).body.audit.map((e: { action: string }) => e.action) as string[];
    await waitFor(async () => (await actions()).includes('session.started'), 'the sign-in in the audit log');
    expect(await actions()).toEqual(['account.claimed', 'session.started']);
  });

  it('[AC8] the CLI prints a reset link for an e-mail (server stopped), and the link sets a new password once', async () => {
    await srv.close();
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    const env = { DATA_DIR: process.env.DATA_DIR, PUBLIC_URL: process.env.PUBLIC_URL, PASSWORD_HASH_COST: process.env.PASSWORD_HASH_COST };
    Object.assign(process.env, { DATA_DIR: dataDir, PUBLIC_URL: 'https://claims.example', PASSWORD_HASH_COST: String(TEST_PASSWORD_HASH_COST) });
    let code: number;
    let missing: number;
    try {
      code = await main(['users', 'reset-link', 'OLIVIA.OWNER@newsroom.example']);
      missing = await main(['users', 'reset-link', 'nobody@newsroom.example']);
    } finally {
      write.mockRestore();
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(code).toBe(0);
    expect(missing).toBe(1);
    const url = out.join('').trim();
    expect(url).toMatch(/^https:\/\/claims\.example\/reset\/[A-Za-z0-9_-]{43}$/);

    srv = await startServer({}, dataDir);
    const password = strongPassword();
    expect((await api(srv.url, 'POST', '/api/password-reset/confirm', { body: { token: url.split('/reset/')[1], password } })).status).toBe(200);
    await signIn(srv.url, 'olivia.owner@newsroom.example', password);
  });
});
