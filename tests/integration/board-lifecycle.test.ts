/**
 * Board lifecycle [B1–B5]: archive (read-only on both transports and REST, hidden from the
 * default list, reads still work, unarchive restores), delete (every row gone from the
 * SQLite file; afterwards the board answers like an unknown one everywhere), rename and
 * duplicate. A real server, real clients, the real SQLite file.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, liveDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import type { BoardStatePush } from '../../shared/protocol/events.js';
import { readBoard } from '../../shared/model/index.js';
import { addMember, api, createBoard, createUser, serverState, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, mapSetUpdate, rawSocket, rawWs, updateMessage, upgradeStatus } from '../helpers/raw.js';

let srv: TestServer;
let owner: TestUser;
let editor: TestUser;
let reviewer: TestUser;
let viewer: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  srv = await startServer();
  [owner, editor, reviewer, viewer, stranger] = (await Promise.all(['Olga', 'Ed', 'Rita', 'Vic', 'Sam'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser, TestUser, TestUser];
});
afterAll(() => srv.close());

/** A board with an editor, a reviewer who voted and a viewer. */
async function boardWithMembers(): Promise<string> {
  const id = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, id, editor, 'editor');
  await addMember(srv.url, owner, id, reviewer, 'reviewer');
  await addMember(srv.url, owner, id, viewer, 'viewer');
  const { socket } = await rawSocket(srv.url, reviewer.token);
  await joinRaw(socket, id);
  const r = await emitAck(socket, 'sync:message', {
    docKey: reviewerDocKey(id, reviewer.id),
    message: updateMessage(mapSetUpdate('votes', 'c1', { rating: 2, confidence: 'low', at: 1 })),
  });
  expect(r.ok).toBe(true);
  socket.close();
  return id;
}

/** The reason of a y-websocket "permission denied" message (type 2, subtype 0), or null. */
const deniedReason = (m: Uint8Array): string | null => {
  const d = decoding.createDecoder(m);
  if (decoding.readVarUint(d) !== 2 || decoding.readVarUint(d) !== 0) return null;
  return decoding.readVarString(d);
};

const archive = (id: string, who: TestUser, archived: boolean) => api(srv.url, 'PATCH', `/api/boards/${id}`, { token: who.token, body: { archived } });

describe('[B1] archive', () => {
  it('[B1][A8] refuses writes on Socket.IO with ARCHIVED and changes nothing; reads still work; unarchive restores', async () => {
    const id = await boardWithMembers();
    const ed = await rawSocket(srv.url, editor.token);
    const joined = await joinRaw(ed.socket, id);
    expect(joined).toMatchObject({ ok: true, value: { archived: false } });
    const pushes: BoardStatePush[] = [];
    ed.socket.on('board:state', (p) => pushes.push(p));

    expect((await archive(id, editor, true)).status).toBe(403);
    const a = await archive(id, owner, true);
    expect(a.status).toBe(200);
    expect(a.body.board).toMatchObject({ id, archived: true });
    expect(typeof a.body.board.archivedAt).toBe('number');
    await waitFor(() => pushes.length > 0, 'board:state push');
    expect(pushes[0]).toEqual({ boardId: id, archived: true });

    const boardBefore = await serverState(srv.app, boardDocKey(id));
    const ownDocBefore = await serverState(srv.app, reviewerDocKey(id, reviewer.id));
    const boardWrite = await emitAck(ed.socket, 'sync:message', { docKey: boardDocKey(id), message: updateMessage(mapSetUpdate('claims', 'x', 'forged')) });
    expect(boardWrite).toMatchObject({ ok: false, error: { code: 'ARCHIVED' } });
    // The board owner is refused too, and a reviewer on their own reviewer doc.
    const own = await rawSocket(srv.url, owner.token);
    await joinRaw(own.socket, id);
    expect(await emitAck(own.socket, 'sync:message', { docKey: boardDocKey(id), message: updateMessage(mapSetUpdate('claims', 'y', 'z')) })).toMatchObject({ ok: false, error: { code: 'ARCHIVED' } });
    const rev = await rawSocket(srv.url, reviewer.token);
    expect(await joinRaw(rev.socket, id)).toMatchObject({ ok: true, value: { archived: true } });
    expect(
      await emitAck(rev.socket, 'sync:message', {
        docKey: reviewerDocKey(id, reviewer.id),
        message: updateMessage(mapSetUpdate('votes', 'c2', { rating: 4, confidence: 'high', at: 2 })),
      }),
    ).toMatchObject({ ok: false, error: { code: 'ARCHIVED' } });
    // A viewer still hears READ_ONLY: the role decides before the archive does (A8).
    const vw = await rawSocket(srv.url, viewer.token);
    await joinRaw(vw.socket, id);
    expect(await emitAck(vw.socket, 'sync:message', { docKey: boardDocKey(id), message: updateMessage(mapSetUpdate('claims', 'v', 'w')) })).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    expect(await serverState(srv.app, boardDocKey(id))).toEqual(boardBefore);
    expect(await serverState(srv.app, reviewerDocKey(id, reviewer.id))).toEqual(ownDocBefore);

    // Reads: a step 1 is answered with the board's whole state.
    const read = await emitAck<{ reply: Uint8Array }>(rev.socket, 'sync:message', { docKey: boardDocKey(id), message: encodeSync(SyncType.Step1, Y.encodeStateVector(new Y.Doc())) });
    expect(read.ok).toBe(true);
    const exp = await api(srv.url, 'GET', `/api/boards/${id}/export?format=json`, { token: viewer.token });
    expect(exp.status).toBe(200);

    expect((await archive(id, owner, false)).status).toBe(200);
    await waitFor(() => pushes.length > 1, 'second board:state push');
    expect(pushes[1]).toEqual({ boardId: id, archived: false });
    const again = await emitAck(ed.socket, 'sync:message', { docKey: boardDocKey(id), message: updateMessage(mapSetUpdate('claims', 'x', 'after')) });
    expect(again).toEqual({ ok: true, value: {} });
    for (const s of [ed, own, rev, vw]) s.socket.close();
  });

  it('[B1][Y3] refuses writes on y-websocket with "ARCHIVED: …" and changes nothing; reads still work', async () => {
    const id = await boardWithMembers();
    expect((await archive(id, owner, true)).status).toBe(200);
    const before = await serverState(srv.app, boardDocKey(id));
    const c = await rawWs(srv.url, boardDocKey(id), editor.token);
    // The editor still receives the board (the server's step 2 on open, Y5).
    await waitFor(() => c.received.some((m) => m[0] === 0 && m[1] === 1), 'step 2');
    c.sendUpdate(mapSetUpdate('claims', 'x', 'forged'));
    await waitFor(() => c.received.some((m) => deniedReason(m) !== null), 'permission denied');
    expect(c.received.map(deniedReason).find((r) => r !== null)).toMatch(/^ARCHIVED: /);
    expect(await serverState(srv.app, boardDocKey(id))).toEqual(before);
    c.close();
    expect((await archive(id, owner, false)).status).toBe(200);
    const c2 = await rawWs(srv.url, reviewerDocKey(id, reviewer.id), reviewer.token);
    c2.sendUpdate(mapSetUpdate('votes', 'c3', { rating: 1, confidence: 'low', at: 3 }));
    await waitFor(async () => (await srv.app.registry.read(reviewerDocKey(id, reviewer.id), (d) => d.getMap('votes').has('c3'))), 'the write after unarchive');
    expect(c2.received.some((m) => deniedReason(m) !== null)).toBe(false);
    c2.close();
  });

  it('[B1] refuses REST writes (invites, live review) with 409 ARCHIVED; members still read', async () => {
    const id = await boardWithMembers();
    const inv = await api(srv.url, 'POST', `/api/boards/${id}/invites`, { token: owner.token, body: { role: 'viewer' } });
    expect(inv.status).toBe(201);
    expect((await archive(id, owner, true)).status).toBe(200);
    const refused = [
      await api(srv.url, 'POST', `/api/boards/${id}/invites`, { token: owner.token, body: { role: 'viewer' } }),
      await api(srv.url, 'DELETE', `/api/boards/${id}/invites/${inv.body.invite.id}`, { token: owner.token }),
      await api(srv.url, 'POST', `/api/boards/${id}/live`, { token: editor.token, body: {} }),
      await api(srv.url, 'PATCH', `/api/boards/${id}`, { token: editor.token, body: { title: 'Renamed while archived' } }),
    ];
    for (const r of refused) expect(r, JSON.stringify(r.body)).toMatchObject({ status: 409, body: { error: { code: 'ARCHIVED' } } });
    expect(await srv.app.registry.read(liveDocKey(id), (d) => d.getMap('live').size)).toBe(0);
    for (const route of ['', '/members', '/export', '/live', '/invites']) {
      expect((await api(srv.url, 'GET', `/api/boards/${id}${route}`, { token: owner.token })).status, route).toBe(200);
    }
    // The server's own live-review writes are refused too, whoever asks for them.
    await expect(srv.app.live.start(id, owner.id)).rejects.toMatchObject({ code: 'ARCHIVED' });
    expect((await archive(id, owner, false)).status).toBe(200);
    expect((await api(srv.url, 'POST', `/api/boards/${id}/live`, { token: editor.token, body: {} })).status).toBe(201);
  });

  it('[B2] GET /api/boards hides archived boards unless ?archived=true', async () => {
    const id = await boardWithMembers();
    const ids = async (q = '') => ((await api(srv.url, 'GET', `/api/boards${q}`, { token: viewer.token })).body.boards as Array<{ id: string; archived: boolean }>);
    expect((await ids()).find((b) => b.id === id)).toMatchObject({ archived: false });
    expect((await archive(id, owner, true)).status).toBe(200);
    expect((await ids()).some((b) => b.id === id)).toBe(false);
    expect((await ids('?archived=true')).find((b) => b.id === id)).toMatchObject({ archived: true });
    expect((await api(srv.url, 'GET', '/api/boards?archived=maybe', { token: viewer.token })).status).toBe(400);
    expect((await api(srv.url, 'GET', `/api/boards/${id}`, { token: viewer.token })).body.board).toMatchObject({ archived: true });
    const audit = await api(srv.url, 'GET', `/api/boards/${id}/audit`, { token: owner.token });
    expect(audit.body.audit.map((e: { action: string }) => e.action)).toContain('board.archived');
  });
});

describe('[B3] delete', () => {
  it('[B3] owners only; every row of the board leaves the SQLite file; live connections are told and closed', async () => {
    const id = await boardWithMembers();
    await api(srv.url, 'POST', `/api/boards/${id}/invites`, { token: owner.token, body: { role: 'viewer' } });
    await api(srv.url, 'POST', `/api/boards/${id}/live`, { token: owner.token, body: {} });
    const other = (await createBoard(srv.url, owner)).id; // must keep all of its rows
    const rev = await rawSocket(srv.url, reviewer.token);
    await joinRaw(rev.socket, id);
    const access: Array<{ boardId: string; role: string | null }> = [];
    rev.socket.on('board:access', (p) => access.push(p));
    const ws = await rawWs(srv.url, boardDocKey(id), editor.token);
    const wsClosed = new Promise<number>((r) => ws.ws.once('close', (code) => r(code)));

    expect((await api(srv.url, 'DELETE', `/api/boards/${id}`, { token: editor.token })).status).toBe(403);
    expect((await api(srv.url, 'DELETE', `/api/boards/${id}`, { token: stranger.token })).status).toBe(404);
    const del = await api(srv.url, 'DELETE', `/api/boards/${id}`, { token: owner.token });
    expect(del.status).toBe(204);
    await waitFor(() => access.length > 0, 'board:access push');
    expect(access[0]).toEqual({ boardId: id, role: null });
    expect(await wsClosed).toBe(4403);

    await srv.app.store.flush();
    const db = new Database(path.join(srv.dataDir, 'claimboard.sqlite'), { readonly: true });
    try {
      const keyed = (table: string) =>
        (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE doc_key = ? OR doc_key LIKE ? ESCAPE '\\'`).get(`board/${id}`, `board/${id.replace(/_/g, '\\_')}/%`) as { n: number }).n;
      const byBoard = (table: string, col = 'board_id') => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${col} = ?`).get(id) as { n: number }).n;
      expect({ updates: keyed('updates'), quarantine: keyed('quarantine'), doc_clients: keyed('doc_clients'), members: byBoard('members'), invites: byBoard('invites'), audit: byBoard('audit'), boards: byBoard('boards', 'id') }).toEqual({
        updates: 0, quarantine: 0, doc_clients: 0, members: 0, invites: 0, audit: 0, boards: 0,
      });
      // Before the deletion these held rows: the other board shows the same kinds still there.
      const otherRows = db.prepare('SELECT COUNT(*) AS n FROM updates WHERE doc_key = ?').get(`board/${other}`) as { n: number };
      expect(otherRows.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    await expect(srv.app.registry.read(boardDocKey(id), () => 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    rev.socket.close();
  });

  it('[B3] writes racing the deletion on both transports leave no row behind', async () => {
    const id = await boardWithMembers();
    const ws = await rawWs(srv.url, reviewerDocKey(id, reviewer.id), reviewer.token);
    const wsClosed = new Promise<number>((r) => ws.ws.once('close', (code) => r(code)));
    const ed = await rawSocket(srv.url, editor.token);
    await joinRaw(ed.socket, id);
    // A stream of writes from both transports, still arriving while the deletion runs.
    // REST too: a role read from the store mid-deletion must not be cached past it.
    let n = 0;
    const acks: Array<Promise<unknown>> = [];
    const restStatuses: number[] = [];
    const pump = setInterval(() => {
      n++;
      ws.sendUpdate(mapSetUpdate('votes', `c${n}`, { rating: 3, confidence: 'low', at: n }));
      acks.push(emitAck(ed.socket, 'sync:message', { docKey: boardDocKey(id), message: updateMessage(mapSetUpdate('claims', `k${n}`, n)) }).catch(() => null));
      acks.push(api(srv.url, 'POST', `/api/boards/${id}/invites`, { token: editor.token, body: { role: 'viewer' } }).then((r) => restStatuses.push(r.status)));
    }, 2);
    await waitFor(async () => (await srv.app.store.docKeysWithPrefix(`board/${id}/reviewer/`)).length > 0 && n > 20, 'writes landing');
    const del = await api(srv.url, 'DELETE', `/api/boards/${id}`, { token: owner.token });
    await wsClosed;
    const sent = n;
    clearInterval(pump);
    await Promise.all(acks);
    await srv.app.store.flush();
    console.log(`[B3] ${sent} writes per transport sent around the deletion; invite answers ${JSON.stringify(restStatuses)}`);
    expect(del.status).toBe(204);
    // Each racing invite was made before the deletion (201) or refused like an unknown board.
    expect(restStatuses.filter((st) => st !== 201 && st !== 404)).toEqual([]);
    const db = new Database(path.join(srv.dataDir, 'claimboard.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT COUNT(*) AS n FROM updates WHERE doc_key = ? OR (doc_key >= ? AND doc_key < ?)").get(`board/${id}`, `board/${id}/`, `board/${id}0`) as { n: number };
      const owners = db.prepare("SELECT COUNT(*) AS n FROM doc_clients WHERE doc_key = ? OR (doc_key >= ? AND doc_key < ?)").get(`board/${id}`, `board/${id}/`, `board/${id}0`) as { n: number };
      const members = db.prepare('SELECT COUNT(*) AS n FROM members WHERE board_id = ?').get(id) as { n: number };
      expect({ rows: rows.n, owners: owners.n, members: members.n }).toEqual({ rows: 0, owners: 0, members: 0 });
    } finally {
      db.close();
    }
    expect(srv.app.registry.isLoaded(boardDocKey(id))).toBe(false);
    for (const who of [editor, owner]) {
      expect((await api(srv.url, 'POST', `/api/boards/${id}/invites`, { token: who.token, body: { role: 'viewer' } })).status).toBe(404);
    }
    await srv.app.store.flush();
    const db2 = new Database(path.join(srv.dataDir, 'claimboard.sqlite'), { readonly: true });
    try {
      expect((db2.prepare('SELECT COUNT(*) AS n FROM invites WHERE board_id = ?').get(id) as { n: number }).n).toBe(0);
    } finally {
      db2.close();
    }
    ed.socket.close();
  });

  it('[B3][A5] afterwards REST, Socket.IO join and sync, and the y-websocket upgrade answer like an unknown board', async () => {
    const id = await boardWithMembers();
    const rev = await rawSocket(srv.url, reviewer.token);
    await joinRaw(rev.socket, id);
    expect((await api(srv.url, 'DELETE', `/api/boards/${id}`, { token: owner.token })).status).toBe(204);
    const unknown = 'b_neverexisted';
    for (const who of [owner, reviewer]) {
      for (const [method, route, body] of [
        ['GET', ''], ['GET', '/members'], ['GET', '/export'], ['GET', '/audit'], ['GET', '/invites'], ['GET', '/live'],
        ['PATCH', '', { title: 'x' }], ['DELETE', ''], ['POST', '/duplicate', {}], ['POST', '/invites', { role: 'viewer' }],
      ] as Array<[string, string, unknown?]>) {
        const gone = await api(srv.url, method, `/api/boards/${id}${route}`, { token: who.token, body });
        const never = await api(srv.url, method, `/api/boards/${unknown}${route}`, { token: who.token, body });
        expect(gone, `${method} ${route}`).toEqual(never);
        expect(gone.status).toBe(404);
      }
    }
    expect((await api(srv.url, 'GET', '/api/boards?archived=true', { token: reviewer.token })).body.boards.some((b: { id: string }) => b.id === id)).toBe(false);
    // Socket.IO: a join, and a sync on the connection that had joined before.
    const fresh = await rawSocket(srv.url, owner.token);
    const j = await joinRaw(fresh.socket, id);
    expect(j).toEqual(await joinRaw(fresh.socket, unknown));
    expect(j).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const sync = await emitAck(rev.socket, 'sync:message', { docKey: boardDocKey(id), message: encodeSync(SyncType.Step1, Y.encodeStateVector(new Y.Doc())) });
    const syncUnknown = await emitAck(rev.socket, 'sync:message', { docKey: boardDocKey(unknown), message: encodeSync(SyncType.Step1, Y.encodeStateVector(new Y.Doc())) });
    expect(sync).toMatchObject({ ok: false });
    expect(sync.ok === false && sync.error.code).toBe(syncUnknown.ok === false && syncUnknown.error.code);
    // y-websocket upgrade.
    const base = srv.url.replace(/^http/, 'ws');
    expect(await upgradeStatus(`${base}/yjs/${boardDocKey(id)}?token=${owner.token}`)).toBe(404);
    expect(await upgradeStatus(`${base}/yjs/${reviewerDocKey(id, reviewer.id)}?token=${reviewer.token}`)).toBe(404);
    expect(await upgradeStatus(`${base}/yjs/${boardDocKey(unknown)}?token=${owner.token}`)).toBe(404);
    fresh.socket.close();
    rev.socket.close();
  });
});

describe('[B4] rename', () => {
  it('[B4] owners and editors rename; the record, the board doc and live connections follow', async () => {
    const id = await boardWithMembers();
    const rev = await rawSocket(srv.url, reviewer.token);
    await joinRaw(rev.socket, id);
    const pushes: BoardStatePush[] = [];
    rev.socket.on('board:state', (p) => pushes.push(p));
    expect((await api(srv.url, 'PATCH', `/api/boards/${id}`, { token: reviewer.token, body: { title: 'No' } })).status).toBe(403);
    const r = await api(srv.url, 'PATCH', `/api/boards/${id}`, { token: editor.token, body: { title: '  Roads, revisited ' } });
    expect(r.status).toBe(200);
    expect(r.body.board).toMatchObject({ id, title: 'Roads, revisited', role: 'editor', archived: false });
    expect((await api(srv.url, 'GET', `/api/boards/${id}`, { token: viewer.token })).body.board.title).toBe('Roads, revisited');
    expect(await srv.app.registry.read(boardDocKey(id), (d) => readBoard(d).meta.title)).toBe('Roads, revisited');
    await waitFor(() => pushes.length > 0, 'board:state push');
    expect(pushes[0]).toEqual({ boardId: id, archived: false, title: 'Roads, revisited' });
    // The audit entry is written after the answer (AuditLog.record does not hold it up).
    const renamed = async () =>
      (await api(srv.url, 'GET', `/api/boards/${id}/audit`, { token: owner.token })).body.audit.find((e: { action: string }) => e.action === 'board.renamed');
    await waitFor(async () => (await renamed()) !== undefined, 'board.renamed in the audit log');
    expect(await renamed()).toMatchObject({ actor: editor.id, detail: { from: 'Test board', to: 'Roads, revisited' } });
    rev.socket.close();
  });

  it('[B4][H2] bad bodies are refused with 400 and change nothing', async () => {
    const id = await boardWithMembers();
    for (const body of [{}, { title: '' }, { title: 'x'.repeat(201) }, { archived: 'yes' }, { title: 'ok', extra: 1 }]) {
      const r = await api(srv.url, 'PATCH', `/api/boards/${id}`, { token: owner.token, body });
      expect(r, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    }
    const big = await api(srv.url, 'PATCH', `/api/boards/${id}`, { token: owner.token, raw: JSON.stringify({ title: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    expect((await api(srv.url, 'GET', `/api/boards/${id}`, { token: owner.token })).body.board).toMatchObject({ title: 'Test board', archived: false });
  });
});

describe('[B5] duplicate', () => {
  it("[B5] any member duplicates: a new board of theirs alone with the board doc's article, claims and settings, without votes", async () => {
    const id = await boardWithMembers();
    expect((await api(srv.url, 'POST', `/api/boards/${id}/duplicate`, { token: stranger.token, body: {} })).status).toBe(404);
    const r = await api(srv.url, 'POST', `/api/boards/${id}/duplicate`, { token: viewer.token, body: {} });
    expect(r.status).toBe(201);
    const copy = r.body.board;
    expect(copy).toMatchObject({ title: 'Test board (copy)', role: 'owner', archived: false });
    expect(copy.id).not.toBe(id);
    // Listed docs: the board and live docs only (nobody has voted on the copy).
    expect(copy.docs.slice(0, 2)).toEqual([boardDocKey(copy.id), liveDocKey(copy.id)]);
    const members = await api(srv.url, 'GET', `/api/boards/${copy.id}/members`, { token: viewer.token });
    expect(members.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([[viewer.id, 'owner']]);
    expect((await api(srv.url, 'GET', `/api/boards/${copy.id}`, { token: owner.token })).status).toBe(404);
    const orig = await srv.app.registry.read(boardDocKey(id), (d) => readBoard(d));
    const dup = await srv.app.registry.read(boardDocKey(copy.id), (d) => readBoard(d));
    expect(dup.article).toBe(orig.article);
    expect(dup.claims).toEqual(orig.claims);
    expect(dup.claims.length).toBeGreaterThan(0);
    expect(dup.meta.settings).toEqual(orig.meta.settings);
    expect(dup.meta).toMatchObject({ title: 'Test board (copy)', createdBy: viewer.id });
    expect(await srv.app.store.docKeysWithPrefix(reviewerDocKey(copy.id, ''))).toEqual([]);
    const named = await api(srv.url, 'POST', `/api/boards/${id}/duplicate`, { token: reviewer.token, body: { title: 'Mine' } });
    expect(named.body.board.title).toBe('Mine');
    // The copy is independent: writing it leaves the original alone.
    const before = await serverState(srv.app, boardDocKey(id));
    const ed = await rawSocket(srv.url, viewer.token);
    await joinRaw(ed.socket, copy.id);
    expect(await emitAck(ed.socket, 'sync:message', { docKey: boardDocKey(copy.id), message: updateMessage(mapSetUpdate('claims', 'x', 'y')) })).toEqual({ ok: true, value: {} });
    expect(await serverState(srv.app, boardDocKey(id))).toEqual(before);
    ed.socket.close();
    const audit = await api(srv.url, 'GET', `/api/boards/${id}/audit`, { token: owner.token });
    expect(audit.body.audit.filter((e: { action: string }) => e.action === 'board.duplicated')).toHaveLength(2);
  });
});
