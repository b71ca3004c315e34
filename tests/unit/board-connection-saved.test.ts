/**
 * [S1] What BoardConnection reports as saved: a local change is "saved" only once the server
 * acknowledged it (which it does after its store committed), and the status callback fires
 * the moment a write goes out, so a view can show "saving…" while it is in flight. Fake
 * socket (tests/helpers/fake-socket.ts): the test holds the ack back as long as it likes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { castVote } from '../../shared/model/index.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { BoardConnection } from '../../client/src/lib/sync/board-connection.js';
import { answerJoin, answerOpens, fakeSocket, joinResult, microtasks } from '../helpers/fake-socket.js';

const MINE = reviewerDocKey('b1', 'u1');

describe('BoardConnection saved', () => {
  it('[S1] turns false (with a status call) when a write goes out and true only at its ack; a refusal keeps it false', async () => {
    const { socket } = fakeSocket();
    const seen: boolean[] = [];
    const conn: BoardConnection = new BoardConnection(socket as never, 'b1', { onStatus: () => seen.push(conn.saved) });
    const doc = new Y.Doc();
    conn.attach(MINE, doc);
    expect(conn.saved).toBe(false); // not joined yet
    answerJoin(socket, joinResult({ docs: [MINE], writable: [MINE] }));
    await microtasks();
    answerOpens(socket);
    expect(conn.saved).toBe(true);

    seen.length = 0;
    castVote(doc, 'c1', { rating: 4, confidence: 'high', at: 1 }, 'local');
    expect(seen).toEqual([false]);
    expect(conn.saved).toBe(false);
    socket.answer('sync:message', { ok: true, value: {} });
    expect(seen).toEqual([false, true]);

    // Two writes in flight: saved after the second ack, not the first.
    castVote(doc, 'c1', { rating: 3, confidence: 'high', at: 2 }, 'local');
    castVote(doc, 'c2', { rating: 3, confidence: 'high', at: 3 }, 'local');
    socket.answer('sync:message', { ok: true, value: {} });
    expect(conn.saved).toBe(false);
    socket.answer('sync:message', { ok: true, value: {} });
    expect(conn.saved).toBe(true);

    // A refused write is not saved: the fresh exchange it triggers carries it again.
    castVote(doc, 'c3', { rating: 1, confidence: 'low', at: 4 }, 'local');
    socket.answer('sync:message', { ok: false, error: { code: 'INTERNAL', message: 'try again' } });
    expect(conn.saved).toBe(false);
    await microtasks();
    answerOpens(socket);
    expect(socket.pending('sync:message')).toHaveLength(1); // the step 2 with the vote
    expect(conn.saved).toBe(false);
    socket.answer('sync:message', { ok: true, value: {} });
    expect(conn.saved).toBe(true);
    conn.destroy();
  });
});
