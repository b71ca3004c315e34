/** Issue 16 over REST: CSV tables with a BOM, the table parameter, and bad input as 400. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardDocKey } from '../../shared/protocol/doc-keys.js';
import { api, createUser, socketClient, startServer, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { addNote, castVote, readBoard } from '../../shared/model/index.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';

let srv: TestServer;
let owner: TestUser;
beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga Owner');
});
afterAll(async () => {
  await srv.close();
});

async function csv(boardId: string, query: string): Promise<{ status: number; body: string; disposition: string | null }> {
  const res = await fetch(`${srv.url}/api/boards/${boardId}/export?format=csv${query}`, { headers: { authorization: `Bearer ${owner.token}` } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()).toString('utf8'), disposition: res.headers.get('content-disposition') };
}

describe('CSV export tables', () => {
  it('serves claims, votes, notes and all three, each UTF-8 with a BOM; a note cannot become a formula', async () => {
    const created = await api(srv.url, 'POST', '/api/boards', {
      token: owner.token,
      body: { title: 'Tables', text: 'The city spent $4.2 million on roads in 2023, the mayor said.', source: { url: 'https://news.example/a', headline: 'Roads', publisher: 'News' } },
    });
    expect(created.status).toBe(201);
    const boardId: string = created.body.board.id;
    const rKey = reviewerDocKey(boardId, owner.id);
    const c = socketClient(srv.url, owner.token, boardId, [boardDocKey(boardId), rKey]);
    try {
      await waitFor(() => c.conn.synced, 'sync');
      const claimId = readBoard(c.docs.get(boardDocKey(boardId))!).claims[0]!.id;
      expect(castVote(c.docs.get(rKey)!, claimId, { rating: 4, confidence: 'high', rationale: '“Checked”', at: 1 }, null).ok).toBe(true);
      expect(addNote(c.docs.get(rKey)!, 'n1', { claimId, body: '=HYPERLINK("http://evil")', at: 2 }, null).ok).toBe(true);
      await c.conn.whenSaved();
    } finally {
      c.close();
    }
    const claims = await csv(boardId, '');
    expect(claims.status).toBe(200);
    expect(claims.body.startsWith('\uFEFFposition,claim_id,')).toBe(true);
    expect(claims.body).toContain(',https://news.example/a,Roads,News,,');
    expect(claims.disposition).toContain(`${boardId}.csv`);
    const votes = await csv(boardId, '&table=votes');
    expect(votes.body).toMatch(/^\uFEFFclaim_position,.*\r\n1,s1,Olga Owner,4,high,“Checked”,,1970-01-01T00:00:00.001Z,yes\r\n$/s);
    expect(votes.disposition).toContain(`${boardId}.votes.csv`);
    const notes = await csv(boardId, '&table=notes');
    expect(notes.body).toContain(`,Olga Owner,"'=HYPERLINK(""http://evil"")",`);
    const all = await csv(boardId, '&table=all');
    expect(all.body.startsWith('\uFEFFclaims\r\n')).toBe(true);
    expect(all.body).toContain('\r\n\r\nvotes\r\nclaim_position,');
    expect(all.body).toContain('\r\n\r\nnotes\r\nclaim_position,');
    expect((await csv(boardId, '&table=sheets')).status).toBe(400);
  });

  it('refuses a source URL that is not a web link, and keeps nothing', async () => {
    const before = (await api(srv.url, 'GET', '/api/boards', { token: owner.token })).body.boards.length;
    const bad = await api(srv.url, 'POST', '/api/boards', { token: owner.token, body: { title: 'x', text: 'Alpha rose 5% in 2023.', source: { url: 'javascript:alert(1)' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    expect((await api(srv.url, 'GET', '/api/boards', { token: owner.token })).body.boards.length).toBe(before);
  });
});
