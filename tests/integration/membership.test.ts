/**
 * Membership that holds [M1–M5], against the real server: invites single-use and expiring in
 * 72 h by default (many uses only by choice), addressed to an e-mail, the preview the invite
 * page shows; removal holds (issue 13, must-show 4): the removed member's old link is refused
 * with a clear message on the preview and on accept, a new invite works, and while they are
 * away their votes are kept, marked and not counted in the consensus or the export unless an
 * owner says so; names with a disambiguator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { castVote } from '../../shared/model/index.js';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, api, createBoard, createUser, serverState, signIn, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { exportErrors, validateExport } from '../helpers/export-schema.js';

let srv: TestServer;
let owner: TestUser;
let editor: TestUser;
let boardId: string;
let claimId: string;

const HOUR_MS = 3_600_000;
const REMOVED = 'You were removed from this board after this invite was created. Ask for a new invite.';

const invite = (by: TestUser, body: object, board = boardId) => api(srv.url, 'POST', `/api/boards/${board}/invites`, { token: by.token, body });
const accept = (token: string, who: TestUser) => api(srv.url, 'POST', `/api/invites/${token}/accept`, { token: who.token });
const preview = (token: string, who?: TestUser) => api(srv.url, 'GET', `/api/invites/${token}`, who ? { token: who.token } : {});

async function vote(user: TestUser, rating: 1 | 2 | 3 | 4 | 5): Promise<void> {
  const key = reviewerDocKey(boardId, user.id);
  const c = socketClient(srv.url, user.token, boardId, [key]);
  await waitFor(() => c.conn.synced, `${user.name} synced`);
  expect(castVote(c.docs.get(key)!, claimId, { rating, confidence: 'high', at: Date.now() }, 'test').ok).toBe(true);
  await c.conn.whenSaved();
  c.close();
}

async function exportJson(): Promise<any> {
  const r = await api(srv.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: owner.token });
  expect(r.status).toBe(200);
  expect(validateExport(r.body), exportErrors()).toBe(true);
  return r.body;
}

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olivia Owner');
  editor = await createUser(srv.url, 'Ed Editor');
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, editor, 'editor');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await serverState(srv.app, boardDocKey(boardId)));
  claimId = [...doc.getMap('claims').keys()][0]!;
});
afterAll(() => srv.close());

describe('[M1] invites are single use and expire in 72 hours unless their maker chooses otherwise', () => {
  it('defaults to one use and 72 hours; many uses only with maxUses: null; only open invites are listed', async () => {
    const t0 = Date.now();
    const once = await invite(owner, { role: 'reviewer' });
    expect(once.status).toBe(201);
    expect(once.body.invite).toMatchObject({ role: 'reviewer', maxUses: 1, uses: 0, email: null, url: expect.stringMatching(new RegExp(`/invite/${once.body.invite.token}$`)) });
    const expires = Date.parse(once.body.invite.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(t0 + 72 * HOUR_MS);
    expect(expires).toBeLessThanOrEqual(Date.now() + 72 * HOUR_MS);
    const [a, b, c] = await Promise.all(['Ann', 'Ben', 'Cy'].map((n) => createUser(srv.url, n)));
    expect((await accept(once.body.invite.token, a!)).status).toBe(200);
    expect(await accept(once.body.invite.token, b!)).toMatchObject({ status: 410, body: { error: { code: 'INVITE_USED_UP' } } });

    const many = await invite(owner, { role: 'viewer', maxUses: null, expiresInHours: 1 });
    expect(many.body.invite).toMatchObject({ maxUses: null });
    expect(Date.parse(many.body.invite.expiresAt) - Date.parse(many.body.invite.createdAt)).toBe(HOUR_MS);
    for (const u of [b!, c!]) expect((await accept(many.body.invite.token, u)).status).toBe(200);

    const listed = await api(srv.url, 'GET', `/api/boards/${boardId}/invites`, { token: owner.token });
    const ids = listed.body.invites.map((i: { id: string }) => i.id);
    expect(ids).toContain(many.body.invite.id);
    expect(ids).not.toContain(once.body.invite.id); // used up: not open
    expect(listed.body.invites.find((i: { id: string }) => i.id === many.body.invite.id)).toMatchObject({ maxUses: null, uses: 2, revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(many.body.invite.token);
    // Revoked: gone from the list, and its link says so.
    expect((await api(srv.url, 'DELETE', `/api/boards/${boardId}/invites/${many.body.invite.id}`, { token: editor.token })).status).toBe(204);
    const after = await api(srv.url, 'GET', `/api/boards/${boardId}/invites`, { token: owner.token });
    expect(after.body.invites.map((i: { id: string }) => i.id)).not.toContain(many.body.invite.id);
    expect((await preview(many.body.invite.token)).body.invite).toMatchObject({ state: 'revoked', message: 'This invite was revoked. Ask for a new invite.' });
  });

  it('the preview names the board, the inviter, the role, the expiry and the uses, to anyone with the link', async () => {
    const made = await invite(editor, { role: 'reviewer', maxUses: 3 });
    const r = await preview(made.body.invite.token);
    expect(r.status).toBe(200);
    expect(r.body.invite).toEqual({
      board: { id: boardId, title: 'Test board' },
      inviter: { name: 'Ed Editor' },
      role: 'reviewer',
      createdAt: made.body.invite.createdAt,
      expiresAt: made.body.invite.expiresAt,
      maxUses: 3,
      uses: 0,
      email: null,
      state: 'open',
      message: null,
    });
    expect((await api(srv.url, 'GET', `/api/invites/${made.body.invite.token}`, {})).status).toBe(200);
    const res = await fetch(`${srv.url}/api/invites/${made.body.invite.token}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // A signed-in member learns that they are one.
    expect((await preview(made.body.invite.token, owner)).body.invite).toMatchObject({ state: 'member', message: 'You are already a member of this board.' });
    expect(await preview('a'.repeat(43))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('an expired invite says so on the preview and on accept', async () => {
    const made = await invite(owner, { role: 'viewer', expiresInHours: 0.0001 }); // 0.36 s
    const late = await createUser(srv.url, 'Lee Late');
    await waitFor(async () => (await preview(made.body.invite.token)).body.invite.state === 'expired', 'expiry', 3000);
    expect(await accept(made.body.invite.token, late)).toMatchObject({ status: 410, body: { error: { code: 'INVITE_EXPIRED', message: 'This invite has expired. Ask for a new invite.' } } });
  });
});

describe('[M2] an invite addressed to an e-mail is for that account alone', () => {
  it('another account is refused (preview and accept), the addressed one joins', async () => {
    const rosa = await createUser(srv.url, 'Rosa');
    const sam = await createUser(srv.url, 'Sam');
    const nemo = await createUser(srv.url, 'Nemo'); // accounts each have their own e-mail
    const rosaEmail = rosa.email;
    const made = await invite(owner, { role: 'reviewer', email: rosaEmail.toUpperCase() });
    expect(made.body.invite.email).toBe(rosaEmail);
    const masked = `${rosaEmail[0]}***${rosaEmail.slice(rosaEmail.lastIndexOf('@'))}`;
    expect((await preview(made.body.invite.token)).body.invite).toMatchObject({ state: 'open', email: masked });
    expect((await preview(made.body.invite.token, sam)).body.invite).toMatchObject({ state: 'wrong_account', message: expect.stringContaining(masked) });
    // A browser is signed in by its session cookie, not a bearer token: the preview knows it too.
    const samCookie = await signIn(srv.url, sam.email, sam.password);
    const byCookie = (cookie: string) => api(srv.url, 'GET', `/api/invites/${made.body.invite.token}`, { headers: { cookie } });
    expect((await byCookie(samCookie)).body.invite).toMatchObject({ state: 'wrong_account' });
    expect((await byCookie(await signIn(srv.url, rosa.email, rosa.password))).body.invite).toMatchObject({ state: 'open' });
    // A cookie that is no session reads as signed out: answered, never a 401.
    expect(await byCookie('cb_session=not-a-session')).toMatchObject({ status: 200, body: { invite: { state: 'open' } } });
    for (const who of [sam, nemo]) {
      expect(await accept(made.body.invite.token, who)).toMatchObject({
        status: 403,
        body: { error: { code: 'INVITE_WRONG_ACCOUNT', message: expect.stringContaining('This invite is for another account') } },
      });
    }
    expect(await accept(made.body.invite.token, rosa)).toMatchObject({ status: 200, body: { boardId, role: 'reviewer' } });
    // The refusals used nothing up.
    expect((await preview(made.body.invite.token)).body.invite).toMatchObject({ uses: 1, state: 'used_up' });
  });
});

describe('[M3][M4] removal holds (issue 13, must-show 4)', () => {
  it('the old link is refused with a clear message, a new invite works; meanwhile their votes are kept, marked and not counted unless the board says so', async () => {
    const rob = await createUser(srv.url, 'Rob Reviewer');
    const old = await invite(owner, { role: 'reviewer' });
    expect((await accept(old.body.invite.token, rob)).status).toBe(200);
    await vote(owner, 4);
    await vote(editor, 4);
    await vote(rob, 1);
    const before = await exportJson();
    const claimOf = (doc: any) => doc.claims.find((c: { id: string }) => c.id === claimId).consensus;
    expect(claimOf(before)).toMatchObject({ n: 3 });
    expect(before.votes.filter((v: any) => v.claimId === claimId).map((v: any) => v.counted)).toEqual([true, true, true]);

    // A live connection of another member hears about the board's list and settings.
    const watcher = socketClient(srv.url, editor.token, boardId, [boardDocKey(boardId)]);
    const pushes: any[] = [];
    watcher.socket.on('board:state', (p) => pushes.push(p));
    await waitFor(() => watcher.conn.synced, 'editor synced');

    const spare = await invite(owner, { role: 'viewer', maxUses: 5 });
    expect((await api(srv.url, 'DELETE', `/api/boards/${boardId}/members/${rob.id}`, { token: owner.token })).status).toBe(204);

    // The old link: refused, on the preview and on accept, with the reason and what to do.
    expect((await preview(old.body.invite.token, rob)).body.invite).toMatchObject({ state: 'blocked', message: REMOVED });
    expect(await accept(old.body.invite.token, rob)).toMatchObject({ status: 403, body: { error: { code: 'INVITE_BLOCKED', message: REMOVED } } });
    // So is any other invite made before the removal, even one with uses left.
    expect(await accept(spare.body.invite.token, rob)).toMatchObject({ status: 403, body: { error: { code: 'INVITE_BLOCKED', message: REMOVED } } });
    expect((await preview(spare.body.invite.token)).body.invite.state).toBe('open');
    expect((await api(srv.url, 'GET', `/api/boards/${boardId}`, { token: rob.token })).status).toBe(404);

    // Their votes stay, marked as a former member's, and do not count.
    const away = await exportJson();
    expect(away.parameters.countFormerMembers).toBe(false);
    expect(away.reviewers.find((r: any) => r.id === rob.id)).toEqual({ id: rob.id, name: 'Rob Reviewer', role: 'reviewer', former: true });
    expect(away.votes.find((v: any) => v.reviewer === rob.id && v.claimId === claimId)).toMatchObject({ rating: 1, counted: false });
    expect(claimOf(away)).toMatchObject({ n: 2, verdict: 'insufficient' });
    const members = await api(srv.url, 'GET', `/api/boards/${boardId}/members`, { token: editor.token });
    expect(members.body.countFormerMembers).toBe(false);
    expect(members.body.members.map((m: any) => m.userId)).not.toContain(rob.id);
    expect(members.body.formerMembers).toEqual([
      expect.objectContaining({ userId: rob.id, name: 'Rob Reviewer', displayName: 'Rob Reviewer', role: 'reviewer', removed: true }),
    ]);
    // Members still list and read their reviewer doc [D3][A1].
    const board = await api(srv.url, 'GET', `/api/boards/${boardId}`, { token: editor.token });
    expect(board.body.board.docs).toContain(reviewerDocKey(boardId, rob.id));
    const reader = socketClient(srv.url, editor.token, boardId, [reviewerDocKey(boardId, rob.id)]);
    await waitFor(() => reader.conn.synced, 'former member doc synced');
    expect((reader.docs.get(reviewerDocKey(boardId, rob.id))!.getMap('votes').get(claimId) as { rating: number }).rating).toBe(1);
    expect(reader.errors).toEqual([]);
    reader.close();

    // Only owners decide to count former members; then the same votes count.
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { token: editor.token, body: { countFormerMembers: true } })).status).toBe(403);
    const patched = await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { token: owner.token, body: { countFormerMembers: true } });
    expect(patched).toMatchObject({ status: 200, body: { board: { countFormerMembers: true } } });
    await waitFor(() => pushes.some((p) => p.countFormerMembers === true), 'board:state with countFormerMembers');
    const counted = await exportJson();
    expect(counted.parameters.countFormerMembers).toBe(true);
    expect(counted.votes.find((v: any) => v.reviewer === rob.id && v.claimId === claimId)).toMatchObject({ counted: true });
    expect(counted.reviewers.find((r: any) => r.id === rob.id).former).toBe(true);
    expect(claimOf(counted)).toMatchObject({ n: 3 });
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { token: owner.token, body: { countFormerMembers: false } })).status).toBe(200);
    expect(claimOf(await exportJson())).toMatchObject({ n: 2 });
    watcher.close();

    // A new invite brings them back; their votes count again as a member's.
    const fresh = await invite(owner, { role: 'reviewer' });
    expect(await accept(fresh.body.invite.token, rob)).toMatchObject({ status: 200, body: { boardId, role: 'reviewer' } });
    const back = await exportJson();
    expect(back.reviewers.find((r: any) => r.id === rob.id).former).toBe(false);
    expect(claimOf(back)).toMatchObject({ n: 3 });
    expect((await api(srv.url, 'GET', `/api/boards/${boardId}/members`, { token: owner.token })).body.formerMembers).toEqual([]);

    // Audit entries are written after the answers (AuditLog.record does not hold them up).
    const readAudit = async () => (await api(srv.url, 'GET', `/api/boards/${boardId}/audit`, { token: owner.token })).body.audit as any[];
    await waitFor(async () => (await readAudit()).filter((e) => e.action === 'member.joined' && e.detail.name === 'Rob Reviewer').length === 2, 'the audit entries');
    const audit = await readAudit();
    expect(audit.find((e: any) => e.action === 'member.removed' && e.detail.userId === rob.id).detail).toEqual({ userId: rob.id, name: 'Rob Reviewer', role: 'reviewer' });
    expect(audit.map((e: any) => e.action)).toEqual(expect.arrayContaining(['board.former_votes_counted', 'board.former_votes_not_counted']));
    expect(audit.filter((e: any) => e.action === 'member.joined' && e.detail.name === 'Rob Reviewer')).toHaveLength(2);
  });

  it('leaving blocks earlier invites too, in words that say so', async () => {
    const lia = await createUser(srv.url, 'Lia');
    const link = await invite(owner, { role: 'viewer', maxUses: 5 });
    expect((await accept(link.body.invite.token, lia)).status).toBe(200);
    expect((await api(srv.url, 'DELETE', `/api/boards/${boardId}/members/${lia.id}`, { token: lia.token })).status).toBe(204);
    expect(await accept(link.body.invite.token, lia)).toMatchObject({
      status: 403,
      body: { error: { code: 'INVITE_BLOCKED', message: 'You left this board after this invite was created. Ask for a new invite.' } },
    });
    // Someone else still uses it.
    expect((await accept(link.body.invite.token, await createUser(srv.url, 'Max'))).status).toBe(200);
    const formers = (await api(srv.url, 'GET', `/api/boards/${boardId}/members`, { token: owner.token })).body.formerMembers;
    expect(formers.find((f: any) => f.userId === lia.id)).toMatchObject({ removed: false, role: 'viewer' });
  });
});

describe('[M5] the members list says who is who', () => {
  it('namesakes get their e-mail\'s local part and different colours; full e-mails only for owners and editors', async () => {
    const b = (await createBoard(srv.url, owner)).id;
    const [s1, s2, v] = await Promise.all([createUser(srv.url, 'Sam Lee'), createUser(srv.url, 'Sam Lee'), createUser(srv.url, 'Vic Viewer')]);
    const [e1, e2] = [s1!.email, s2!.email];
    for (const [u, role] of [[s1!, 'reviewer'], [s2!, 'reviewer'], [v!, 'viewer']] as const) await addMember(srv.url, owner, b, u, role);
    const asOwner = (await api(srv.url, 'GET', `/api/boards/${b}/members`, { token: owner.token })).body.members;
    const sam = (u: TestUser, list: any[]) => list.find((m) => m.userId === u.id);
    const [l1, l2] = [e1, e2].map((e) => `${e.split('@')[0]}@`);
    expect(l1).not.toBe(l2); // (accounts made by the helper may bring their own e-mails)
    expect(sam(s1!, asOwner)).toMatchObject({ name: 'Sam Lee', displayName: `Sam Lee (${l1})`, email: e1 });
    expect(sam(s2!, asOwner)).toMatchObject({ displayName: `Sam Lee (${l2})`, email: e2 });
    expect(sam(s1!, asOwner).avatarColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(sam(s1!, asOwner).avatarColor).not.toBe(sam(s2!, asOwner).avatarColor);
    expect(asOwner.find((m: any) => m.userId === v!.id)).toMatchObject({ displayName: 'Vic Viewer' });
    const asViewer = (await api(srv.url, 'GET', `/api/boards/${b}/members`, { token: v!.token })).body.members;
    expect(sam(s1!, asViewer).email).toBe(l1);
    expect(sam(s1!, asViewer).displayName).toBe(sam(s1!, asOwner).displayName);
  });
});

describe('bad input on the membership routes answers 4xx, never 5xx', () => {
  it('creating invites: wrong types, out of range, unknown fields, bad e-mails', async () => {
    const bad: unknown[] = [
      {}, { role: 'boss' }, { role: 'viewer', maxUses: 0 }, { role: 'viewer', maxUses: 1.5 }, { role: 'viewer', maxUses: '3' },
      { role: 'viewer', maxUses: 10_001 }, { role: 'viewer', expiresInHours: 0 }, { role: 'viewer', expiresInHours: -1 },
      { role: 'viewer', expiresInHours: 'soon' }, { role: 'viewer', expiresInHours: 1e9 }, { role: 'viewer', expiresInHours: null },
      { role: 'viewer', email: 'not-an-email' }, { role: 'viewer', email: `${'a'.repeat(250)}@x.example` }, { role: 'viewer', email: 42 },
      { role: 'viewer', extra: true }, [], 'viewer', null,
    ];
    for (const body of bad) {
      const r = await api(srv.url, 'POST', `/api/boards/${boardId}/invites`, { token: owner.token, raw: JSON.stringify(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('BAD_REQUEST');
    }
    expect((await api(srv.url, 'POST', `/api/boards/${boardId}/invites`, { body: { role: 'viewer' } })).status).toBe(401);
    const stranger = await createUser(srv.url, 'Stranger');
    expect((await invite(stranger, { role: 'viewer' })).status).toBe(404);
  });

  it('previews, accepts and revokes with malformed tokens and ids', async () => {
    for (const t of ['x', 'a'.repeat(201), '%00', 'tok%20en', encodeURIComponent('ünïcode-token-abcdefgh'), 'a'.repeat(16) + '!']) {
      const p = await preview(t);
      expect([400, 404], `preview ${t}`).toContain(p.status);
      expect(p.body.error).toBeDefined();
      const a = await accept(t, editor);
      expect([400, 404], `accept ${t}`).toContain(a.status);
    }
    expect((await api(srv.url, 'POST', `/api/invites/${'a'.repeat(43)}/accept`, {})).status).toBe(401);
    for (const id of ['nope', 'i_' + 'x'.repeat(80), '%zz']) {
      const r = await api(srv.url, 'DELETE', `/api/boards/${boardId}/invites/${id}`, { token: owner.token });
      expect([400, 404], id).toContain(r.status);
    }
  });

  it('the countFormerMembers setting: wrong types, nothing to change, wrong callers', async () => {
    for (const body of [{ countFormerMembers: 'yes' }, { countFormerMembers: 1 }, { countFormerMembers: null }, {}, { countFormerMembers: true, other: 1 }]) {
      expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { token: owner.token, body })).status, JSON.stringify(body)).toBe(400);
    }
    const viewer = await createUser(srv.url, 'Vera');
    await addMember(srv.url, owner, boardId, viewer, 'viewer');
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { token: viewer.token, body: { countFormerMembers: true } })).status).toBe(403);
    expect((await api(srv.url, 'PATCH', `/api/boards/${boardId}`, { body: { countFormerMembers: true } })).status).toBe(401);
    expect((await api(srv.url, 'PATCH', '/api/boards/b_nosuchboard', { token: owner.token, body: { countFormerMembers: true } })).status).toBe(404);
  });
});
