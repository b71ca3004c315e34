/**
 * Seeded malformed-input fuzz of the realtime layer [T11][T12][P4][Y4]: a few thousand
 * upgrade requests (random paths, percent-encodings, query strings, headers), y-websocket
 * frames and Socket.IO frames (random bytes, truncated and mutated valid frames, random
 * MessagePack values as events) against a real server. The server must answer every
 * upgrade with a status below 500, never throw (vitest fails the run on an uncaught error),
 * and afterwards a legitimate client on each transport still syncs.
 *
 * FUZZ_SEED=<n> replays a run; the seed is printed at the start and on failure. FUZZ_CASES
 * scales the number of cases (default 1: about 4,000 in all).
 */
import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { encodeAwareness, encodeSync, SyncType, wsAwarenessFrame, wsSyncFrame } from '../../shared/protocol/sync-codec.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { Encoder, PacketType, type Packet } from '../../shared/protocol/wire.js';
import { addMember, api, createBoard, createUser, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';
import { rawEngine, rawEngineJoined, rawHttp, type RawEngine } from '../helpers/raw-engine.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261207 : Math.floor(Math.random() * 2 ** 31);
const SCALE = Number(process.env.FUZZ_CASES ?? 1);
const UPGRADES = Math.round(1000 * SCALE);
const WS_FRAMES = Math.round(1500 * SCALE);
const SIO_FRAMES = Math.round(1500 * SCALE);

/** mulberry32: small, fast and good enough to pick fuzz cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof rng>;

const withSeed = async (what: string, fn: () => Promise<void>) => {
  try {
    await fn();
  } catch (err) {
    console.error(`[fuzz] ${what} failed with FUZZ_SEED=${SEED}; replay with FUZZ_SEED=${SEED} npx vitest run tests/property/realtime-fuzz.test.ts`);
    throw err;
  }
};

// ---- mutations of valid inputs ----

function mutate(r: Rng, input: Uint8Array): Uint8Array {
  const b = Uint8Array.from(input);
  switch (r.int(5)) {
    case 0: // truncate
      return b.subarray(0, r.int(b.length + 1));
    case 1: // flip a few bytes
      for (let i = 0, n = 1 + r.int(4); i < n && b.length; i++) b[r.int(b.length)] = r.int(256);
      return b;
    case 2: { // insert random bytes
      const at = r.int(b.length + 1);
      return Uint8Array.from([...b.subarray(0, at), ...r.bytes(1 + r.int(8)), ...b.subarray(at)]);
    }
    case 3: // huge varuint / length prefixes
      return Uint8Array.from([...b.subarray(0, 1 + r.int(3)), 0xff, 0xff, 0xff, 0xff, 0x7f, ...b.subarray(1 + r.int(3))]);
    default: // append garbage
      return Uint8Array.from([...b, ...r.bytes(1 + r.int(16))]);
  }
}

// ---- upgrade requests ----

const PATH_PIECES = ['/yjs/', '/socket.io/', 'board/', 'reviewer/', '%', '%2', '%E0%A4%A', '%ZZ', '%00', '%2F', '%C0%AF', '..', '/', '//', '\\', '[', ']', '@', ':', '#', ';', '\u00e9', '\u00ff', '*', 'x'.repeat(300)];
const QUERY_PIECES = ['token=', 'EIO=4', 'EIO=3', 'transport=websocket', 'transport=polling', 'sid=', '%', '&', '=', '%E0', '+', 'token=%FF%FE'];
const HEADER_VALUES = ['', ' ', 'x', '%%%', 'http://evil.example', 'null', 'http://127.0.0.1', '\u00e9\u00e9', 'a'.repeat(2000), 'dGhlIHNhbXBsZSBub25jZQ==', '13', '8', 'websocket', 'Upgrade', 'keep-alive, Upgrade'];

function randomUpgrade(r: Rng, validToken: string): string {
  let target = r.next() < 0.9 ? '/' : r.pick(['', '*', 'http://[', '//[', 'x']);
  for (let i = 0, n = r.int(6); i < n; i++) target += r.pick(PATH_PIECES);
  if (r.next() < 0.7) {
    target += '?';
    for (let i = 0, n = r.int(5); i < n; i++) target += r.pick([...QUERY_PIECES, `token=${validToken}`]) + (r.next() < 0.5 ? '&' : '');
  }
  // Request targets are bytes; keep them on one line.
  target = target.replace(/[\r\n ]/g, '');
  const headers: Array<[string, string]> = [
    ['Host', r.next() < 0.9 ? '127.0.0.1' : r.pick(HEADER_VALUES)],
    ['Upgrade', r.next() < 0.9 ? 'websocket' : r.pick(HEADER_VALUES)],
    ['Connection', r.next() < 0.9 ? 'Upgrade' : r.pick(HEADER_VALUES)],
    ['Sec-WebSocket-Key', r.next() < 0.8 ? 'dGhlIHNhbXBsZSBub25jZQ==' : r.pick(HEADER_VALUES)],
    ['Sec-WebSocket-Version', r.next() < 0.8 ? '13' : r.pick(HEADER_VALUES)],
  ];
  if (r.next() < 0.4) headers.push(['Origin', r.pick(HEADER_VALUES)]);
  if (r.next() < 0.2) headers.push(['Sec-WebSocket-Protocol', r.pick(HEADER_VALUES)]);
  if (r.next() < 0.2) headers.push(['Sec-WebSocket-Extensions', r.pick(['permessage-deflate', 'permessage-deflate; client_max_window_bits=99', ';;;'])]);
  return `GET ${target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

// ---- random MessagePack values ----

function randomValue(r: Rng, depth = 0): unknown {
  const k = r.int(depth > 4 ? 6 : 9);
  switch (k) {
    case 0: return null;
    case 1: return r.next() < 0.5;
    case 2: return r.pick([0, -1, 1, 2 ** 31, -(2 ** 53), 1.5, Number.NaN, Infinity, PROTOCOL_VERSION]);
    case 3: return r.pick(['', 'board:join', 'sync:message', 'sync:open', 'awareness:update', 'board:leave', '__proto__', 'constructor', 'x'.repeat(r.int(300))]);
    case 4: return r.bytes(r.int(40));
    case 5: return r.pick(['board/', 'board/x/reviewer/y', 'not/a/key']);
    case 6: return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    case 7: {
      const o: Record<string, unknown> = {};
      for (let i = 0, n = r.int(5); i < n; i++) o[r.pick(['boardId', 'docKey', 'message', 'docs', 'update', 'stateVector', 'protocolVersion', '__proto__', 'x'])] = randomValue(r, depth + 1);
      return o;
    }
    default: return { docKey: randomValue(r, depth + 1), message: randomValue(r, depth + 1) };
  }
}

// ---- the run ----

let srv: TestServer;
let owner: TestUser, reviewer: TestUser;
let boardId: string;

beforeAll(async () => {
  console.log(`[fuzz] FUZZ_SEED=${SEED} (${UPGRADES} upgrades, ${WS_FRAMES} y-websocket frames, ${SIO_FRAMES} Socket.IO frames)`);
  srv = await startServer();
  owner = await createUser(srv.url, 'Olga');
  reviewer = await createUser(srv.url, 'Rita');
  boardId = (await createBoard(srv.url, owner)).id;
  await addMember(srv.url, owner, boardId, reviewer, 'reviewer');
});
afterAll(() => srv.close());

describe('realtime fuzz (seeded)', () => {
  it('[T12] random upgrade requests are all answered below 500', async () => {
    await withSeed('upgrades', async () => {
      const r = rng(SEED);
      const answers = new Map<string, number>();
      for (let i = 0; i < UPGRADES; i += 25) {
        const batch = Array.from({ length: Math.min(25, UPGRADES - i) }, () => randomUpgrade(r, reviewer.token));
        const lines = await Promise.all(batch.map((req) => rawHttp(srv.port, req)));
        lines.forEach((line, j) => {
          const status = /^HTTP\/1\.1 (\d{3})/.exec(line)?.[1] ?? 'none';
          answers.set(status, (answers.get(status) ?? 0) + 1);
          if (status !== 'none') expect(Number(status), batch[j]!.split('\r\n')[0]).toBeLessThan(500);
        });
      }
      console.log(`[fuzz] upgrade answers: ${JSON.stringify(Object.fromEntries(answers))}`);
      expect((await api(srv.url, 'GET', '/health')).status).toBe(200);
    });
  });

  it('[Y4] random and mutated y-websocket frames never end the process', async () => {
    await withSeed('y-websocket frames', async () => {
      const r = rng(SEED + 1);
      const key = reviewerDocKey(boardId, reviewer.id);
      const d = new Y.Doc();
      d.getMap('votes').set('c1', { rating: 3, confidence: 'low', at: 1 });
      const valid = [
        wsSyncFrame(encodeSync(SyncType.Step1, Y.encodeStateVector(d))),
        wsSyncFrame(encodeSync(SyncType.Step2, Y.encodeStateAsUpdate(d))),
        wsSyncFrame(encodeSync(SyncType.Update, Y.encodeStateAsUpdate(d))),
        wsAwarenessFrame(encodeAwareness([{ clientId: 77, clock: 1, state: { claimId: 'c1' } }])),
        Uint8Array.of(3),
      ];
      let ws: WebSocket | null = null;
      let reconnects = 0;
      const open = async () => {
        const w = new WebSocket(`${srv.url.replace(/^http/, 'ws')}/yjs/${key}?token=${reviewer.token}`);
        w.on('error', () => undefined);
        await new Promise<void>((res, rej) => {
          w.once('open', () => res());
          w.once('unexpected-response', (_q, s) => rej(new Error(`HTTP ${s.statusCode}`)));
        });
        return w;
      };
      for (let i = 0; i < WS_FRAMES; i++) {
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          ws = await open();
          reconnects++;
        }
        const kind = r.int(4);
        const frame = kind === 0 ? r.bytes(r.int(64)) : kind === 1 ? Uint8Array.from([r.int(5), ...r.bytes(r.int(32))]) : mutate(r, r.pick(valid));
        if (r.next() < 0.02) ws.send('text frame'); // text, refused
        else ws.send(frame);
        for (let t = 0; t < 2; t++) await new Promise((res) => setImmediate(res));
      }
      ws?.close();
      console.log(`[fuzz] y-websocket: ${WS_FRAMES} frames over ${reconnects} connection(s)`);
    });
  });

  it('[T11][P4] random bytes, mutated packets and random MessagePack events on Socket.IO never end the process', async () => {
    await withSeed('Socket.IO frames', async () => {
      const r = rng(SEED + 2);
      const enc = new Encoder();
      const key = reviewerDocKey(boardId, reviewer.id);
      const d = new Y.Doc();
      d.getMap('votes').set('c2', { rating: 2, confidence: 'high', at: 2 });
      const packets: Packet[] = [
        { type: PacketType.EVENT, nsp: '/', data: ['sync:message', { docKey: key, message: encodeSync(SyncType.Update, Y.encodeStateAsUpdate(d)) }], id: 5 },
        { type: PacketType.EVENT, nsp: '/', data: ['sync:open', { docs: [{ docKey: boardDocKey(boardId), stateVector: Y.encodeStateVector(d) }] }], id: 6 },
        { type: PacketType.EVENT, nsp: '/', data: ['awareness:update', { boardId, update: encodeAwareness([{ clientId: 78, clock: 1, state: {} }]) }] },
        { type: PacketType.EVENT, nsp: '/', data: ['board:join', { boardId, protocolVersion: PROTOCOL_VERSION }], id: 7 },
      ];
      const valid = packets.map((p) => enc.encode(p)[0]!);
      let e: RawEngine | null = null;
      let reconnects = 0;
      for (let i = 0; i < SIO_FRAMES; i++) {
        if (!e || !e.isOpen()) {
          // Half the time not even authenticated: the pre-auth path gets the same inputs.
          e = r.next() < 0.5 ? await rawEngineJoined(srv.url, reviewer.token, boardId) : await rawEngine(srv.url);
          reconnects++;
        }
        const kind = r.int(5);
        let frame: Uint8Array;
        if (kind === 0) frame = r.bytes(r.int(64));
        else if (kind === 1) frame = mutate(r, r.pick(valid));
        else if (kind === 2) {
          const data = [r.pick(['sync:message', 'sync:open', 'awareness:update', 'board:join', 'board:leave', 'nope', 'constructor']), ...Array.from({ length: r.int(3) }, () => randomValue(r))];
          frame = encode({ type: r.pick([0, 1, 2, 2, 2, 3, 4, 5, 6, 9]), nsp: r.pick(['/', '/', '/admin', 'x']), data, id: r.next() < 0.5 ? r.int(1000) : undefined }, { ignoreUndefined: true });
        } else if (kind === 3) frame = encode(randomValue(r));
        else frame = r.pick(valid);
        if (r.next() < 0.02) e.ws.send(r.pick(['4garbage', '1', '6', '5', '2probe', 'x'])); // engine.io text packets
        else e.send(frame);
        // The server shares this process: give it a few turns to read the frame (and to close
        // the connection over it) so the next frame is not sent into a connection already lost.
        for (let t = 0; t < 4; t++) await new Promise((res) => setImmediate(res));
      }
      e?.close();
      console.log(`[fuzz] Socket.IO: ${SIO_FRAMES} frames over ${reconnects} connection(s)`);
    });
  });

  it('afterwards a legitimate client on each transport still syncs', async () => {
    const key = reviewerDocKey(boardId, reviewer.id);
    const a = socketClient(srv.url, reviewer.token, boardId, [key]);
    const b = wsProvider(srv.url, owner.token, key);
    try {
      await waitFor(() => a.conn.synced && b.provider.synced, 'both synced', 15_000);
      a.docs.get(key)!.getMap('votes').set('after-fuzz', { rating: 5, confidence: 'high', at: 3 });
      await waitFor(() => b.doc.getMap('votes').has('after-fuzz'), 'the update reaches the y-websocket peer', 15_000);
    } finally {
      a.close();
      b.close();
    }
  });
});
