/**
 * [T16] The per-user update byte budget: a member who writes heavy updates faster than
 * UPDATE_BYTES_PER_SEC (after a burst) is answered RATE_LIMITED and nothing of the refused
 * update applies, while another member keeps syncing; the real client keeps what was refused
 * and gets it through after a pause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadConfig } from '../../server/config.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, createBoard, createUser, serverState, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, rawSocket, updateMessage } from '../helpers/raw.js';

let srv: TestServer;
let owner: TestUser, heavy: TestUser, peer: TestUser;
let boardId: string;
const BUDGET_PER_SEC = 64 * 1024;
const BUDGET_BURST = 256 * 1024;

beforeAll(async () => {
  srv = await startServer({ realtime: { ...loadConfig({}).realtime, updateBytesPerSec: BUDGET_PER_SEC, updateBytesBurst: BUDGET_BURST } });
  [owner, heavy, peer] = (await Promise.all(['Olga', 'Hank', 'Pia'].map((n) => createUser(srv.url, n)))) as [TestUser, TestUser, TestUser];
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, heavy, 'reviewer');
  await addMember(srv.url, owner, boardId, peer, 'reviewer');
});
afterAll(() => srv.close());

/** A valid update of about `bytes` bytes of notes from a fresh Yjs client. */
function notesUpdate(bytes: number): Uint8Array {
  const d = new Y.Doc();
  d.getMap('notes').set(`n-${d.clientID}`, { claimId: 'c', body: 'x'.repeat(bytes), at: 1 });
  return Y.encodeStateAsUpdate(d);
}

describe('update byte budget [T16]', () => {
  it('heavy writes past the burst are refused RATE_LIMITED and change nothing; another member keeps syncing', async () => {
    const key = reviewerDocKey(boardId, heavy.id);
    const { socket } = await rawSocket(srv.url, heavy.token);
    expect((await joinRaw(socket, boardId)).ok).toBe(true);
    // Five updates of 100 KB at once: the 256 KB burst lets two through, then refuses.
    const answers = await Promise.all(Array.from({ length: 5 }, () => emitAck(socket, 'sync:message', { docKey: key, message: updateMessage(notesUpdate(100_000)) })));
    const refused = answers.filter((a) => !a.ok);
    expect(answers.filter((a) => a.ok).length).toBe(2);
    expect(refused.length).toBe(3);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const notes = new Y.Doc();
    Y.applyUpdate(notes, await serverState(srv.app, key));
    expect(notes.getMap('notes').size).toBe(2);

    // The budget is per user: another member's small write goes through at once.
    const peerKey = reviewerDocKey(boardId, peer.id);
    const p = await rawSocket(srv.url, peer.token);
    expect((await joinRaw(p.socket, boardId)).ok).toBe(true);
    const d = new Y.Doc();
    d.getMap('votes').set('c1', { rating: 4, confidence: 'high', at: 1 });
    expect(await emitAck(p.socket, 'sync:message', { docKey: peerKey, message: updateMessage(Y.encodeStateAsUpdate(d)) })).toEqual({ ok: true, value: {} });
    socket.close();
    p.socket.close();
  });

  it('the client keeps a refused change and gets it through after a pause', async () => {
    const key = reviewerDocKey(boardId, peer.id);
    const c = socketClient(srv.url, peer.token, boardId, [key]);
    await waitFor(() => c.conn.synced, 'client synced');
    const doc = c.docs.get(key)!;
    // 400 KB of notes in four changes: more than the burst, so some are refused and retried.
    for (let i = 0; i < 4; i++) doc.getMap('notes').set(`big-${i}`, { claimId: 'c', body: String(i).repeat(100_000), at: i });
    const started = Date.now();
    await waitFor(async () => {
      const s = new Y.Doc();
      Y.applyUpdate(s, await serverState(srv.app, key));
      return [0, 1, 2, 3].every((i) => s.getMap('notes').has(`big-${i}`));
    }, 'every note stored', 30_000);
    console.log(`400 KB through a 256 KB burst + 64 KB/s budget in ${Date.now() - started} ms; refusals seen: ${c.errors.filter((e) => e.code === 'RATE_LIMITED').length}`);
    expect(c.errors.some((e) => e.code === 'RATE_LIMITED')).toBe(true);
    await c.conn.whenSaved();
    c.close();
  });
});
