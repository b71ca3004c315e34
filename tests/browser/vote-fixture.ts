/** A board whose first claim is voted 4 / U / U (Alice 4, Bob and Carol "unverifiable"),
 * the votes written from scripts through the real BoardConnection. */
import { expect } from 'vitest';
import { castVote } from '../../shared/model/index.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { socketClient } from '../helpers/server.js';
import { ARTICLE } from './fixtures.js';
import { addMember, api, createUser, waitFor, type TestServer, type TestUser } from './helpers.js';

export interface VotedBoard {
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  boardId: string;
  claimId: string;
}

export async function boardVoted4UU(server: TestServer): Promise<VotedBoard> {
  const alice = await createUser(server.url, 'Alice Owner');
  const bob = await createUser(server.url, 'Bob Reviewer');
  const carol = await createUser(server.url, 'Carol Reviewer');
  const created = await api(server.url, 'POST', '/api/boards', { token: alice.token, body: { title: 'Roads and budgets', text: ARTICLE, format: 'text' } });
  expect(created.status).toBe(201);
  const boardId: string = created.body.board.id;
  for (const u of [bob, carol]) await addMember(server.url, alice, boardId, u, 'reviewer');
  const exported = await api(server.url, 'GET', `/api/boards/${boardId}/export?format=json`, { token: alice.token });
  const claimId = exported.body.claims[0].id as string;
  for (const [u, rating] of [[alice, 4], [bob, 'unverifiable'], [carol, 'unverifiable']] as const) {
    const key = reviewerDocKey(boardId, u.id);
    const c = socketClient(server.url, u.token, boardId, [key]);
    await waitFor(() => c.conn.synced, 'script client synced');
    expect(castVote(c.docs.get(key)!, claimId, { rating, confidence: 'high', at: Date.now() }, 'script').ok).toBe(true);
    await c.conn.whenSaved();
    c.close();
  }
  return { alice, bob, carol, boardId, claimId };
}
