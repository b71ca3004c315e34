/**
 * [V1–V5][P4] Bad input on every event and transport: each gets a clear error, the
 * process stays up, and a healthy client on another board keeps syncing throughout.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeSync, SyncType, wsSyncFrame } from '../../shared/protocol/sync-codec.js';
import { addMember, api, createBoard, createUser, emailFor, serverState, socketClient, startServer, strongPassword, waitFor, type TestServer, type TestUser } from '../helpers/server.js';
import { emitAck, joinRaw, mapSetUpdate, rawSocket, rawWs, updateMessage } from '../helpers/raw.js';
import { heavyUpdate, seededRandom } from '../helpers/updates.js';

const MAX_UPDATE = 1024 * 1024;
let srv: TestServer;
let mallory: TestUser;
let boardId: string;
let healthy: ReturnType<typeof startHealthyTraffic>;

/** Two clients on another board: one writes every 25 ms, the other must see every write. */
function startHealthyTraffic(url: string, writer: TestUser, reader: TestUser, board: string) {
  const key = reviewerDocKey(board, writer.id);
  const w = socketClient(url, writer.token, board, [key]);
  const r = socketClient(url, reader.token, board, [key]);
  let sent = 0;
  let stopped = false;
  const loop = (async () => {
    await waitFor(() => w.conn.synced && r.conn.synced, 'healthy clients synced');
    while (!stopped) {
      w.docs.get(key)!.getMap('votes').set(`c${sent}`, { rating: 3, confidence: 'low', at: sent });
      sent++;
      await new Promise((res) => setTimeout(res, 25));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await waitFor(() => r.docs.get(key)!.getMap('votes').size === sent, `healthy reader sees all ${sent} writes`, 10_000);
      w.close();
      r.close();
      return sent;
    },
  };
}

beforeAll(async () => {
  // A deadline far above what a healthy update needs (well under 1 ms) and far below what
  // the crafted update needs (over a second).
  srv = await startServer({ maxUpdateBytes: MAX_UPDATE, validateTimeoutMs: 150 });
  mallory = await createUser(srv.url, 'Mallory');
  boardId = (await createBoard(srv.url, mallory)).id;
  const w = await createUser(srv.url, 'Writer');
  const r = await createUser(srv.url, 'Reader');
  const other = (await createBoard(srv.url, w)).id;
  await addMember(srv.url, w, other, r, 'reviewer');
  healthy = startHealthyTraffic(srv.url, w, r, other);
});

afterAll(async () => {
  const sent = await healthy.stop();
  expect(sent).toBeGreaterThan(10);
  expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
  await srv.close();
});

const myDoc = () => reviewerDocKey(boardId, mallory.id);

describe('Socket.IO bad input', () => {
  it('[V1] malformed sync messages, truncated and random updates are refused', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    await joinRaw(socket, boardId);
    const before = await serverState(srv.app, myDoc());
    const rand = seededRandom(42);
    const good = mapSetUpdate('votes', 'c1', { rating: 4, confidence: 'high', at: 1, rationale: 'x'.repeat(40) });
    const cases: Array<[string, Uint8Array]> = [
      ['empty message', new Uint8Array()],
      ['unknown sync type', new Uint8Array([7, 1, 0])],
      ['truncated envelope', encodeSync(SyncType.Update, good).subarray(0, 5)],
      ['truncated update', encodeSync(SyncType.Update, good.subarray(0, good.length - 7))],
      ['random bytes as message', Uint8Array.from({ length: 64 }, () => Math.floor(rand() * 256))],
      ...Array.from({ length: 20 }, (_, i): [string, Uint8Array] => [
        `random update ${i}`,
        encodeSync(SyncType.Update, Uint8Array.from({ length: 8 + i * 3 }, () => Math.floor(rand() * 256))),
      ]),
      ['malformed state vector', encodeSync(SyncType.Step1, new Uint8Array([5, 200]))],
    ];
    for (const [name, message] of cases) {
      const r = await emitAck(socket, 'sync:message', { docKey: myDoc(), message });
      // Some random byte strings happen to be valid empty updates; everything else is refused.
      if (r.ok) continue;
      expect(['BAD_REQUEST', 'UPDATE_MALFORMED', 'UPDATE_MISSING_DEPENDENCIES'], name).toContain(r.error.code);
      expect(r.error.message.length, name).toBeGreaterThan(5);
    }
    expect(await serverState(srv.app, myDoc())).toEqual(before);
    socket.close();
  });

  it('[V2] an update that depends on content the server lacks is refused', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    await joinRaw(socket, boardId);
    const d = new Y.Doc();
    d.getMap('votes').set('a', 1);
    const sv = Y.encodeStateVector(d);
    d.getMap('votes').set('b', 2);
    const second = Y.encodeStateAsUpdate(d, sv); // starts at clock 1: clock 0 is missing
    const before = await serverState(srv.app, myDoc());
    const r = await emitAck(socket, 'sync:message', { docKey: myDoc(), message: updateMessage(second) });
    expect(r).toMatchObject({ ok: false, error: { code: 'UPDATE_MISSING_DEPENDENCIES' } });
    expect(await serverState(srv.app, myDoc())).toEqual(before);
    socket.close();
  });

  it('[V3] an update that takes too long to decode is cut off by the deadline', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    await joinRaw(socket, boardId);
    const bomb = heavyUpdate(MAX_UPDATE - 1024);
    const before = await serverState(srv.app, myDoc());
    const timeoutsBefore = srv.app.validator.timeouts;
    const r = await emitAck(socket, 'sync:message', { docKey: myDoc(), message: updateMessage(bomb) });
    expect(r).toMatchObject({ ok: false, error: { code: 'UPDATE_TIMEOUT' } });
    expect(srv.app.validator.timeouts).toBeGreaterThan(timeoutsBefore); // the worker was cut off
    expect(await serverState(srv.app, myDoc())).toEqual(before);
    // The validator recovers: the next good update goes through.
    const ok = await emitAck(socket, 'sync:message', { docKey: myDoc(), message: updateMessage(mapSetUpdate('votes', 'z', { rating: 1, confidence: 'low', at: 9 })) });
    expect(ok, JSON.stringify(ok)).toEqual({ ok: true, value: {} });
    socket.close();
  });

  it('[V4] an update over the size cap is refused; a frame over the transport cap drops only that connection', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    await joinRaw(socket, boardId);
    const big = new Uint8Array(MAX_UPDATE + 10);
    const r = await emitAck(socket, 'sync:message', { docKey: myDoc(), message: updateMessage(big) });
    expect(r).toMatchObject({ ok: false, error: { code: 'UPDATE_TOO_LARGE' } });
    const disconnected = new Promise<string>((res) => socket.once('disconnect', (reason) => res(reason)));
    socket.emit('sync:message', { docKey: myDoc(), message: new Uint8Array(MAX_UPDATE + 200 * 1024) }, () => undefined);
    expect(await disconnected).toBe('transport close');
    expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
  });

  it('[P4] missing and non-function acks, unknown events and wrongly typed payloads get clear errors', async () => {
    const { socket, protocolErrors } = await rawSocket(srv.url, mallory.token);
    (socket as any).emit('board:join', { boardId, protocolVersion: 1 }); // no ack
    await waitFor(() => protocolErrors.length >= 1, 'ACK_REQUIRED');
    expect(protocolErrors[0]).toMatchObject({ code: 'ACK_REQUIRED', event: 'board:join' });
    (socket as any).emit('board:join', { boardId, protocolVersion: 1 }, 'not a function');
    await waitFor(() => protocolErrors.length >= 2, 'non-function ack');
    expect(protocolErrors[1]).toMatchObject({ code: 'BAD_REQUEST' });
    (socket as any).emit('no:such:event', { a: 1 });
    await waitFor(() => protocolErrors.length >= 3, 'unknown event');
    expect(protocolErrors[2]).toMatchObject({ code: 'UNKNOWN_EVENT' });
    expect(await emitAck(socket, 'no:such:event', 1)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    const wrong: Array<[string, unknown]> = [
      ['board:join', null],
      ['board:join', 'b_x'],
      ['board:join', { boardId: 42, protocolVersion: 1 }],
      ['board:join', { boardId: '../etc', protocolVersion: 1 }],
      ['board:join', { boardId }],
      ['sync:message', { docKey: myDoc(), message: 'not bytes' }],
      ['sync:message', { docKey: 7, message: new Uint8Array([0, 0]) }],
      ['sync:message', [1, 2, 3]],
      ['awareness:update', { boardId, update: 5 }],
      ['board:leave', {}],
    ];
    for (const [event, payload] of wrong) {
      const r = await emitAck(socket, event, payload);
      expect(r, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await emitAck(socket, 'board:join', { boardId, protocolVersion: 0 })).toMatchObject({ ok: false, error: { code: 'CLIENT_TOO_OLD' } });
    expect(await emitAck(socket, 'board:join', { boardId, protocolVersion: 99 })).toMatchObject({ ok: false, error: { code: 'SERVER_TOO_OLD' } });
    expect(await emitAck(socket, 'sync:message', { docKey: 'nonsense', message: new Uint8Array([0, 0]) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(socket, 'awareness:update', { boardId, update: new Uint8Array([1]) })).toMatchObject({ ok: false });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('[T3b] sync:open: malformed, oversized and unauthorized entries get clear errors; good ones still open', async () => {
    const { socket } = await rawSocket(srv.url, mallory.token);
    await joinRaw(socket, boardId);
    const sv = new Uint8Array([0]);
    for (const bad of [{}, { docs: [] }, { docs: 'x' }, { docs: [{ docKey: myDoc() }] }, { docs: [{ docKey: 7, stateVector: sv }] }]) {
      const r = await emitAck(socket, 'sync:open', bad);
      expect(r, JSON.stringify(bad).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    const other = await createUser(srv.url, 'Other');
    const otherBoard = (await createBoard(srv.url, other)).id;
    const r = await emitAck<{ docs: Array<{ docKey: string; ok: boolean; error?: { code: string } }> }>(socket, 'sync:open', {
      docs: [
        { docKey: myDoc(), stateVector: sv },
        { docKey: boardDocKey(otherBoard), stateVector: sv },
        { docKey: 'not/a/key', stateVector: sv },
        { docKey: boardDocKey(boardId), stateVector: new Uint8Array([5, 200]) },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.docs.map((d) => [d.ok, d.error?.code])).toEqual([
      [true, undefined],
      [false, 'NOT_JOINED'],
      [false, 'NOT_FOUND'],
      [false, 'BAD_REQUEST'],
    ]);
    socket.close();
  });

  it('[T2] a connection without a valid token is refused at the handshake', async () => {
    await expect(rawSocket(srv.url, 'x'.repeat(43))).rejects.toThrow('UNAUTHORIZED');
    await expect(rawSocket(srv.url, '')).rejects.toThrow('UNAUTHORIZED');
  });
});

describe('y-websocket bad input', () => {
  it('[Y4] malformed frames are denied with a reason and the connection keeps working', async () => {
    const c = await rawWs(srv.url, myDoc(), mallory.token);
    const rand = seededRandom(7);
    const frames: Uint8Array[] = [
      new Uint8Array([9]),
      new Uint8Array([0]),
      new Uint8Array([0, 2, 200]),
      new Uint8Array([1, 50, 1, 2]),
      wsSyncFrame(encodeSync(SyncType.Update, Uint8Array.from({ length: 40 }, () => Math.floor(rand() * 256)))),
    ];
    for (const f of frames) c.ws.send(f);
    c.ws.send('text frame');
    await waitFor(() => c.received.filter((m) => m[0] === 2).length >= frames.length, 'a denial per bad frame');
    // Still connected and able to write.
    c.sendUpdate(mapSetUpdate('votes', 'ws1', { rating: 2, confidence: 'low', at: 1 }));
    await waitFor(async () => {
      const d = new Y.Doc();
      Y.applyUpdate(d, await serverState(srv.app, myDoc()));
      return d.getMap('votes').has('ws1');
    }, 'good update after bad ones');
    c.close();
  });

  it('[Y3] an update with missing dependencies is denied and answered with a fresh step 1', async () => {
    const c = await rawWs(srv.url, myDoc(), mallory.token);
    await waitFor(() => c.received.length >= 2, 'opening messages');
    const d = new Y.Doc();
    d.getMap('votes').set('g1', 1);
    const sv = Y.encodeStateVector(d);
    d.getMap('votes').set('g2', 2);
    const before = c.received.length;
    c.sendUpdate(Y.encodeStateAsUpdate(d, sv)); // clock 1 without clock 0
    const isStep1 = (m: Uint8Array) => m[0] === 0 && m[1] === 0;
    await waitFor(() => c.received.slice(before).some((m) => m[0] === 2) && c.received.slice(before).some(isStep1), 'denial and step 1');
    c.close();
  });

  it('[Y4] a frame over the cap closes only that connection', async () => {
    const c = await rawWs(srv.url, boardDocKey(boardId), mallory.token);
    const closed = new Promise<number>((res) => c.ws.once('close', (code) => res(code)));
    c.ws.send(new Uint8Array(MAX_UPDATE + 4096));
    expect(await closed).toBe(1009);
    expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
  });
});

describe('REST bad input', () => {
  it('[H1] malformed JSON, wrong types and oversized bodies get 4xx with an error body', async () => {
    const bad = await api(srv.url, 'POST', '/api/users', { raw: '{"name":' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const typed = await api(srv.url, 'POST', '/api/users', { body: { name: 42, email: emailFor('typed'), password: strongPassword() } });
    expect(typed).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    expect(typed.body.error.message).toMatch(/^name: /);
    const board = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, body: { title: 'x', text: 5 } });
    expect(board).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const huge = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, raw: JSON.stringify({ title: 't', text: 'a'.repeat(5 * 1024 * 1024) }) });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const noAuth = await api(srv.url, 'GET', '/api/boards');
    expect(noAuth).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const unknown = await api(srv.url, 'GET', '/api/nothing', { token: mallory.token });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    for (const r of [bad, typed, board, huge, noAuth, unknown]) expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('REST bodies are bounded before they are parsed', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  const noStack = (r: { body: unknown }) => expect(JSON.stringify(r.body)).not.toMatch(/at .*\.[jt]s:\d+/);

  it('[H2] a deeply nested 3.8 MB body on the unauthenticated account route is refused by its small limit', async () => {
    const t0 = performance.now();
    const r = await api(srv.url, 'POST', '/api/users', { raw: deep(1_900_000) });
    console.log(`deep 3.8 MB body on /api/users answered in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(r).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    noStack(r);
  });

  it('[H2] nesting past MAX_JSON_DEPTH is refused with 400 on small and large routes alike', async () => {
    const small = await api(srv.url, 'POST', '/api/users', { raw: `{"name":${deep(5000)}}` });
    expect(small).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(small.body.error.message).toMatch(/nests deeper than 32/);
    const big = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, raw: `{"title":"t","text":"x","source":${deep(1_500_000)}}` });
    expect(big).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(big.body.error.message).toMatch(/nests deeper than 32/);
    // Brackets inside strings are text, not nesting.
    const inString = await api(srv.url, 'POST', '/api/users', { body: { name: `[{${'['.repeat(60)}"\\`, email: emailFor('in string'), password: strongPassword() } });
    expect(inString.status).toBe(201);
    noStack(small);
    noStack(big);
  });

  it('[H2] board creation reads no body before authentication', async () => {
    // A body that would be refused for its nesting if it were read at all.
    const r = await api(srv.url, 'POST', '/api/boards', { raw: `{"title":"t","text":${deep(1_500_000)}}` });
    expect(r).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });

  it('[H2] small routes take small bodies; only board creation takes MAX_BODY_BYTES', async () => {
    const pad = 'p'.repeat(20 * 1024);
    expect(await api(srv.url, 'POST', '/api/users', { body: { name: 'A', pad } })).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await api(srv.url, 'POST', `/api/boards/${boardId}/invites`, { token: mallory.token, body: { role: 'viewer', pad } })).toMatchObject({ status: 413 });
    expect(await api(srv.url, 'PATCH', `/api/boards/${boardId}/members/${mallory.id}`, { token: mallory.token, body: { role: 'owner', pad } })).toMatchObject({ status: 413 });
    expect(await api(srv.url, 'PUT', `/api/boards/${boardId}/live/timer`, { token: mallory.token, body: { claimId: 'c', seconds: 5, pad } })).toMatchObject({ status: 413 });
    const article = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, body: { title: 'Long', text: 'The council spent $4.2 million on roads in 2023. '.repeat(2000) } });
    expect(article.status).toBe(201);
  });

  it('[H2] bodies that are not UTF-8 JSON get 415', async () => {
    const text = await api(srv.url, 'POST', '/api/users', { raw: 'name=Eve', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    const utf16 = await api(srv.url, 'POST', '/api/users', { raw: '{"name":"Eve"}', headers: { 'content-type': 'application/json; charset=utf-16le' } });
    expect(utf16).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    const latin1 = await api(srv.url, 'POST', '/api/users', { raw: '{"name":"Eve"}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
  });

  it("[H1] requests Node's HTTP parser refuses get the same error body (found by the REST fuzz)", async () => {
    // An OPTIONS with a body but no length: the body reaches the parser as a garbled request.
    const socket = net.connect(srv.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.end('OPTIONS /api/invites/x/accept HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n{"name":"nnnn"}');
    await closed;
    const text = Buffer.concat(chunks).toString('latin1');
    const refusal = text.slice(text.lastIndexOf('HTTP/1.1 '));
    expect(refusal).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(refusal.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'BAD_REQUEST', message: 'malformed HTTP request' } });
  });

  it('[H8] a source URL that is not http(s) is refused', async () => {
    for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(document.cookie)', 'data:text/html,<b>x</b>', 'ftp://files.example/a']) {
      const r = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, body: { title: 't', text: 'Some text.', source: { url } } });
      expect(r, url).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
      expect(r.body.error.message, url).toMatch(/source\.url: expected an http\(s\) URL/);
    }
    const ok = await api(srv.url, 'POST', '/api/boards', { token: mallory.token, body: { title: 't', text: 'Some text.', source: { url: 'https://news.example/a' } } });
    expect(ok.status).toBe(201);
  });

  it("[H1] express's own errors (bad percent-encoding, unparsable bodies) are 4xx error bodies", async () => {
    for (const path of [`/api/boards/%E0%A4%A`, `/api/boards/%zz/members`, `/api/invites/%/accept`]) {
      const method = path.endsWith('accept') ? 'POST' : 'GET';
      const r = await api(srv.url, method, path, { token: mallory.token });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(r.body.error.code, path).toMatch(/^[A-Z_]+$/);
      noStack(r);
    }
    const trailing = await api(srv.url, 'POST', '/api/users', { raw: '{"name":"x"} trailing' });
    expect(trailing).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });
});
