/** Issue 16 on the server: merged and split originals are no longer "rejected", so every server-side view must skip them as replaced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { mergeClaims, readBoard } from '../../shared/model/index.js';
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
});
