/// <reference types="svelte" />
/**
 * BoardLink (client/src/lib/state/board-link.svelte.ts): the connection as the views see
 * it — role and documents from each join, connected and saved as booleans that flip when
 * they should, a removal that stops syncing for good, and which refusals are shown. Fake
 * socket (tests/helpers/fake-socket.ts); the browser suite runs it against the real server.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { castVote } from '../../shared/model/index.js';
import { reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import type { BoardInfo } from '../../shared/protocol/rest.js';
import { BoardLink } from '../../client/src/lib/state/board-link.svelte.js';
import { answerJoin, answerOpens, fakeSocket, joinResult, microtasks } from '../helpers/fake-socket.js';
import { flush, watch } from '../helpers/client-state.svelte.js';

const MINE = reviewerDocKey('b1', 'u1');
const info: BoardInfo = { id: 'b1', title: 'Board', role: 'reviewer', docs: [], writable: [] };

function setup() {
  const { socket } = fakeSocket({ connected: false });
  const calls: string[] = [];
  const link = new BoardLink(socket as never, info, true, {
    onJoin: (j) => calls.push(`join:${j.role}`),
    onDocs: (docs, why) => calls.push(`docs:${why}:${docs.length}`),
    onState: (p) => calls.push(`state:${p.archived}`),
    onSealed: () => calls.push('sealed'),
    onInfo: (i) => calls.push(`info:${i.role}`),
    onRemoved: () => calls.push('removed'),
  });
  return { socket, link, calls };
}

describe('BoardLink', () => {
  it('takes role and documents from each join; connected and saved flip with the connection and with writes', async () => {
    const { socket, link, calls } = setup();
    const connected = watch(() => link.connected);
    const saved = watch(() => link.saved);
    link.start();
    expect(socket.connected).toBe(true);
    const doc = new Y.Doc();
    link.conn.attach(MINE, doc);
    answerJoin(socket, joinResult({ role: 'editor', docs: [MINE], writable: [MINE] }));
    await microtasks();
    answerOpens(socket);
    flush();
    expect(link.info).toMatchObject({ role: 'editor', docs: [MINE], writable: [MINE], archived: false });
    expect(calls).toEqual(['info:editor', 'join:editor']);
    expect(connected.last).toBe(true);
    expect(saved.last).toBe(true);

    castVote(doc, 'c1', { rating: 4, confidence: 'high', at: 1 }, 'local');
    flush();
    expect(saved.last).toBe(false); // in flight: not saved yet
    socket.answer('sync:message', { ok: true, value: {} });
    flush();
    expect(saved.last).toBe(true);
    // Values flip, they do not repeat: one run per change.
    expect(saved.values).toEqual([false, true, false, true]);

    link.setOnline(false);
    flush();
    expect(connected.last).toBe(false);
    expect(link.online).toBe(false);
    castVote(doc, 'c2', { rating: 1, confidence: 'high', at: 2 }, 'local');
    link.setOnline(true);
    answerJoin(socket, joinResult({ role: 'editor', docs: [MINE], writable: [MINE] }));
    await microtasks();
    answerOpens(socket);
    flush();
    expect(saved.last).toBe(false); // the offline vote goes out with the exchange
    socket.answer('sync:message', { ok: true, value: {} });
    flush();
    expect(saved.last).toBe(true);
    connected.stop();
    saved.stop();
    link.destroy();
  });

  it('shows refusals except SEALED (handed to the sealed-vote layer); a membership push bumps the version; removal stops syncing', async () => {
    const { socket, link, calls } = setup();
    link.start();
    answerJoin(socket, joinResult({ docs: [], writable: [] }));
    calls.length = 0;
    socket.deliver('board:docs', { boardId: 'b1', docs: ['board/b1'] });
    socket.deliver('board:docs', { boardId: 'b1', added: [MINE] });
    expect(calls).toEqual(['info:reviewer', 'docs:membership:1', 'info:reviewer', 'docs:content:2']);
    expect(link.membershipVersion).toBe(1);
    expect(link.info.docs).toEqual(['board/b1', MINE]);

    // Rejoined with the doc writable (a membership push is followed by a fresh join).
    socket.disconnect();
    socket.connect();
    answerJoin(socket, joinResult({ docs: [MINE], writable: [MINE, 'board/b1'] }));
    const doc = new Y.Doc();
    link.conn.attach(MINE, doc);
    await microtasks();
    answerOpens(socket);
    castVote(doc, 'c1', { rating: 4, confidence: 'high', at: 1 }, 'local');
    socket.answer('sync:message', { ok: false, error: { code: 'SEALED', message: 'held' } });
    expect(calls.at(-1)).toBe('sealed');
    expect(link.lastError).toBeNull();
    // The held doc sends nothing more; another doc's refusal is shown.
    castVote(doc, 'c2', { rating: 4, confidence: 'high', at: 1 }, 'local');
    expect(socket.pending('sync:message')).toEqual([]);
    const other = new Y.Doc();
    link.conn.attach('board/b1', other);
    await microtasks();
    answerOpens(socket);
    other.getMap('meta').set('title', 'x'.repeat(10));
    socket.answer('sync:message', { ok: false, error: { code: 'UPDATE_TOO_LARGE', message: 'that change is too large' } });
    expect(link.lastError).toBe('that change is too large');

    socket.deliver('board:state', { boardId: 'b1', archived: true });
    expect(link.info.archived).toBe(true);
    expect(calls.at(-1)).toBe('state:true');

    socket.deliver('board:access', { boardId: 'b1', role: null });
    expect(link.removed).toBe(true);
    expect(socket.connected).toBe(false);
    expect(calls.at(-1)).toBe('removed');
    expect(link.membershipVersion).toBe(2);
    link.setOnline(true); // back online: a removed user stays disconnected
    expect(socket.connected).toBe(false);
    link.report('shown');
    expect(link.lastError).toBe('shown');
    link.destroy();
  });
});
