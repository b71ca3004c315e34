/**
 * [C1] Convergence: seeded random edits from 5 Socket.IO clients and 1 stock y-websocket
 * provider, with random disconnects and reconnects (offline edits included), end with every
 * replica and the server identical. A failing seed is printed; add it to REGRESSION_SEEDS.
 *
 * CONVERGENCE_SEEDS (default 10) and CONVERGENCE_SEED_START (default 1) widen a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { addMember, createBoard, createUser, serverState, socketClient, startServer, waitFor, wsProvider, type TestServer, type TestUser } from '../helpers/server.js';
import { seededRandom } from '../helpers/updates.js';
import { content, equalSv, randomEdit, toDoc } from '../helpers/random-edits.js';

const SEEDS = Number(process.env.CONVERGENCE_SEEDS ?? 10);
const SEED_START = Number(process.env.CONVERGENCE_SEED_START ?? 1);
const STEPS = 80;
/** Seeds that once failed; each stays as a named test. */
const REGRESSION_SEEDS: number[] = [];

let srv: TestServer;
let owner: TestUser;
let editors: TestUser[];

beforeAll(async () => {
  srv = await startServer();
  owner = await createUser(srv.url, 'Owner');
  editors = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => createUser(srv.url, `Editor ${i}`)));
});
afterAll(() => srv.close());

type Replica = {
  name: string;
  docs: Map<string, Y.Doc>;
  writable: string[];
  online: () => boolean;
  goOffline: () => void;
  goOnline: () => void;
  settled: () => boolean;
  errors?: unknown[];
  debug?: () => unknown;
  close: () => void;
};

async function runSeed(seed: number): Promise<void> {
  const rand = seededRandom(seed);
  const board = await createBoard(srv.url, owner, `Seed ${seed}: the council approved 3 budgets.`);
  const users = editors;
  for (const u of users) await addMember(srv.url, owner, board.id, u, 'editor');
  const bKey = boardDocKey(board.id);
  const allKeys = [bKey, ...users.map((u) => reviewerDocKey(board.id, u.id))];
  const replicas: Replica[] = [];
  // Five Socket.IO clients: the board doc and every reviewer doc.
  for (const u of users.slice(0, 5)) {
    const c = socketClient(srv.url, u.token, board.id, allKeys);
    replicas.push({
      name: u.name,
      docs: c.docs,
      writable: [bKey, reviewerDocKey(board.id, u.id)],
      // `active`: connected or connecting. Calling connect() again while a connection is
      // opening would send a second CONNECT packet, which the server rightly refuses.
      online: () => c.socket.active,
      goOffline: () => c.socket.disconnect(),
      goOnline: () => c.socket.connect(),
      settled: () => c.conn.saved,
      errors: c.errors,
      debug: () => ({ sock: c.socket.connected, conn: c.conn.connected, synced: c.conn.synced, saved: c.conn.saved, join: c.conn.joinResult?.role }),
      close: c.close,
    });
  }
  // One stock y-websocket provider per doc for the sixth user.
  const six = users[5]!;
  const providers = allKeys.map((k) => wsProvider(srv.url, six.token, k));
  let wsOnline = true;
  replicas.push({
    name: 'ws',
    docs: new Map(allKeys.map((k, i) => [k, providers[i]!.doc])),
    writable: [bKey, reviewerDocKey(board.id, six.id)],
    online: () => wsOnline,
    goOffline: () => {
      wsOnline = false;
      for (const p of providers) p.provider.disconnect();
    },
    goOnline: () => {
      wsOnline = true;
      for (const p of providers) void p.provider.connect();
    },
    settled: () => providers.every((p) => p.provider.synced && p.provider.wsconnected),
    close: () => providers.forEach((p) => p.close()),
  });
  try {
    await waitFor(() => replicas.every((r) => r.settled()), 'initial sync', 10_000);
    for (let step = 0; step < STEPS; step++) {
      const rep = replicas[Math.floor(rand() * replicas.length)]!;
      const action = rand();
      if (action < 0.08 && rep.online()) rep.goOffline();
      else if (action < 0.16 && !rep.online()) rep.goOnline();
      else if (action < 0.22) await new Promise((r) => setTimeout(r, Math.floor(rand() * 30)));
      else {
        const key = rep.writable[Math.floor(rand() * rep.writable.length)]!;
        randomEdit(rand, rep.docs.get(key)!, rep.name.replace(/\s/g, ''), step, key === bKey);
      }
    }
    for (const r of replicas) if (!r.online()) r.goOnline();
    const server = async () => new Map(await Promise.all(allKeys.map(async (k) => [k, await serverState(srv.app, k)] as const)));
    const same = async () => {
      if (!replicas.every((r) => r.settled())) return false;
      const s = await server();
      return replicas.every((r) => allKeys.every((k) => {
        const a = Y.encodeStateVector(r.docs.get(k)!);
        const b = Y.encodeStateVector(toDoc(s.get(k)!));
        return equalSv(a, b);
      }));
    };
    try {
      await waitFor(same, 'replicas to converge', 20_000);
    } catch (err) {
      for (const r of replicas) console.error(r.name, 'settled', r.settled(), JSON.stringify(r.debug?.()), 'errors', JSON.stringify(r.errors ?? []).slice(0, 500));
      throw err;
    }
    const s = await server();
    for (const k of allKeys) {
      const expected = content(toDoc(s.get(k)!));
      for (const r of replicas) expect(content(r.docs.get(k)!), `${r.name} ${k}`).toEqual(expected);
    }
  } finally {
    for (const r of replicas) r.close();
  }
}

async function checkSeed(seed: number) {
  try {
    await runSeed(seed);
  } catch (err) {
    console.error(`convergence failed for seed ${seed}; reproduce with CONVERGENCE_SEED_START=${seed} CONVERGENCE_SEEDS=1`);
    throw err;
  }
}

describe('convergence under random edits, disconnects and reconnects', () => {
  for (const seed of REGRESSION_SEEDS) it(`[C1] regression seed ${seed}`, () => checkSeed(seed), 60_000);
  it(`[C1] ${SEEDS} seeds from ${SEED_START}: 5 Socket.IO clients + 1 y-websocket provider converge with the server`, async () => {
    for (let seed = SEED_START; seed < SEED_START + SEEDS; seed++) await checkSeed(seed);
  }, 600_000);
});
