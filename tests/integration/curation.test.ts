/** Issue 16 on the server: merged and split originals are no longer "rejected", so every server-side view must skip them as replaced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { clearEditorVerdict, mergeClaims, readBoard, setClaimStatus, setEditorVerdict } from '../../shared/model/index.js';
import { api, createUser, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';

let srv: TestServer;
let owner: TestUser;
beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga Owner');
});
afterAll(() => srv.close());

describe('replaced claims on the server', () => {
  it('[L1] the default agenda of a live review leaves out the originals of a merge', async () => {
    const text = 'The city spent $4.2 million on roads in 2023, the mayor said. Unemployment fell to 3.1% in March, the state said. The bridge will carry 40,000 vehicles a day, officials reported.';
    const created = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Agenda', text } });
    const boardId: string = created.body.board.id;
    const key = boardDocKey(boardId);
    const c = socketClient(srv.url, owner.token, boardId, [key]);
    let ids: string[] = [];
    let merged = '';
    try {
      await waitFor(() => c.conn.synced, 'sync');
      ids = readBoard(c.docs.get(key)!).claims.map((x) => x.id);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      // Accepted, so that they belong on the default agenda; the merged claim of two accepted ones is accepted.
      for (const id of ids) expect(setClaimStatus(c.docs.get(key)!, id, 'accepted', null).ok).toBe(true);
      const r = mergeClaims(c.docs.get(key)!, { ids: [ids[0]!, ids[2]!], by: owner.id, at: 1 }, null);
      expect(r.ok).toBe(true);
      merged = r.ok ? r.value.id : '';
      await c.conn.whenSaved();
    } finally {
      c.close();
    }
    const live = await api(srv.url, 'POST', `/api/boards/${boardId}/live`, { token: owner.token, body: {} });
    expect(live.status).toBe(201);
    expect([...live.body.live.agenda].sort()).toEqual([merged, ...ids.filter((id, i) => i !== 0 && i !== 2)].sort());
  });

  it('every verdict set, changed or removed is in the audit log, by the authenticated writer', async () => {
    const created = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'Verdicts', text: 'The city spent $4.2 million on roads in 2023, the mayor said.' } });
    const boardId: string = created.body.board.id;
    const key = boardDocKey(boardId);
    const c = socketClient(srv.url, owner.token, boardId, [key]);
    let claimId = '';
    try {
      await waitFor(() => c.conn.synced, 'sync');
      const doc = c.docs.get(key)!;
      claimId = readBoard(doc).claims[0]!.id;
      // `by` is what the client claims; the audit log names the authenticated writer
      expect(setEditorVerdict(doc, claimId, { rating: 4, explanation: 'x', url: 'https://desk.example/a', by: 'someone-else', at: 1 }, null).ok).toBe(true);
      expect(setEditorVerdict(doc, claimId, { rating: 2, explanation: 'corrected', url: 'https://desk.example/a', by: 'someone-else', at: 2 }, null).ok).toBe(true);
      expect(clearEditorVerdict(doc, claimId, null).ok).toBe(true);
      await c.conn.whenSaved();
    } finally {
      c.close();
    }
    await waitFor(async () => (await api(srv.url, 'GET', `/api/boards/${boardId}/audit`, { token: owner.token })).body.audit.length >= 3, 'audit entries');
    const audit = (await api(srv.url, 'GET', `/api/boards/${boardId}/audit`, { token: owner.token })).body.audit;
    const verdicts = audit.filter((e: { action: string }) => e.action.startsWith('claim.verdict'));
    expect(verdicts.map((e: { action: string; actor: string; detail: unknown }) => [e.action, e.actor, e.detail])).toEqual([
      ['claim.verdict', owner.id, { claimId, from: null, to: 4, url: 'https://desk.example/a' }],
      ['claim.verdict', owner.id, { claimId, from: 4, to: 2, url: 'https://desk.example/a' }],
      ['claim.verdict_removed', owner.id, { claimId, from: 2, to: null, url: null }],
    ]);
  });
});
