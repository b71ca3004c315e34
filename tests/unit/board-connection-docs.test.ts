/**
 * How BoardConnection keeps a board's document list [T8b, D3]: whole lists replace it,
 * `added` pushes extend it, and an `added` that arrives before the join's answer (the
 * server announces a doc's first content to every connection already on the board, which
 * can overtake the join's ack) still counts. The socket is tests/helpers/fake-socket.ts,
 * which delivers server events in an order a real server cannot be made to produce on
 * demand; tests/integration/sync.test.ts covers the same pushes against the real server.
 */
import { describe, expect, it } from 'vitest';
import { BoardConnection } from '../../client/src/lib/sync/board-connection.js';
import { fakeSocket, joinResult } from '../helpers/fake-socket.js';

const join = (docs: string[]) => joinResult({ docs });

describe('BoardConnection document list', () => {
  it('[T8b] an `added` push before the join answer is merged into it; later pushes extend or replace the list', () => {
    const { socket, emitted } = fakeSocket();
    const joins: string[][] = [];
    const pushes: Array<[string[], string]> = [];
    const conn = new BoardConnection(socket as never, 'b1', {
      onJoin: (j) => joins.push(j.docs),
      onDocs: (docs, why) => pushes.push([docs, why]),
    });
    const joinReq = emitted.find((e) => e.event === 'board:join');
    expect(joinReq?.ack).toBeTypeOf('function');

    // Ann's first vote is announced before our join is answered (and without our doc list).
    socket.deliver('board:docs', { boardId: 'b1', added: ['board/b1/reviewer/ann'] });
    socket.deliver('board:docs', { boardId: 'other', added: ['board/other/reviewer/x'] });
    expect(pushes).toEqual([]);
    joinReq!.ack!({ ok: true, value: join(['board/b1', 'board/b1/live']) });
    expect(joins).toEqual([['board/b1', 'board/b1/live', 'board/b1/reviewer/ann']]);
    expect(conn.joinResult!.docs).toEqual(joins[0]);

    // After the join: additions extend the list (a repeat is not doubled)...
    socket.deliver('board:docs', { boardId: 'b1', added: ['board/b1/reviewer/ben', 'board/b1/reviewer/ann'] });
    expect(pushes).toEqual([[['board/b1', 'board/b1/live', 'board/b1/reviewer/ann', 'board/b1/reviewer/ben'], 'content']]);
    // ...and a membership change replaces it.
    socket.deliver('board:docs', { boardId: 'b1', docs: ['board/b1', 'board/b1/live', 'board/b1/reviewer/ben'] });
    expect(pushes[1]).toEqual([['board/b1', 'board/b1/live', 'board/b1/reviewer/ben'], 'membership']);
    expect(conn.joinResult!.docs).toEqual(['board/b1', 'board/b1/live', 'board/b1/reviewer/ben']);

    // An early addition is used once: a later re-join does not bring it back.
    socket.deliver('disconnect', 'transport close');
    socket.deliver('connect', undefined);
    const rejoin = emitted.filter((e) => e.event === 'board:join')[1]!;
    rejoin.ack!({ ok: true, value: join(['board/b1', 'board/b1/live']) });
    expect(joins[1]).toEqual(['board/b1', 'board/b1/live']);
    conn.destroy();
  });
});
