/**
 * Seeded random edits for convergence suites: the board doc (article text, claims) and
 * reviewer docs (votes, notes), and plain-value views of a doc for comparing replicas.
 */
import * as Y from 'yjs';
import { wsProvider, type socketClient } from './server.js';

/** Content of a doc as plain values, for comparison independent of key order. */
export function content(doc: Y.Doc) {
  return {
    article: doc.getText('article').toString(),
    claims: doc.getMap('claims').toJSON(),
    votes: doc.getMap('votes').toJSON(),
    notes: doc.getArray('notes-log').toJSON(),
  };
}

export function randomEdit(rand: () => number, doc: Y.Doc, who: string, step: number, isBoard: boolean) {
  const r = rand();
  if (isBoard) {
    const text = doc.getText('article');
    if (r < 0.4) {
      text.insert(Math.floor(rand() * (text.length + 1)), `${who}${step} `);
    } else if (r < 0.6 && text.length > 0) {
      const at = Math.floor(rand() * text.length);
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(rand() * 5)));
    } else if (r < 0.85) {
      const claims = doc.getMap<Y.Map<unknown>>('claims');
      const id = `c${Math.floor(rand() * 6)}`;
      let claim = claims.get(id);
      if (!claim || rand() < 0.2) {
        claim = new Y.Map();
        claims.set(id, claim);
      }
      claim.set(rand() < 0.5 ? 'status' : 'text', `${who}-${step}`);
    } else {
      const claims = doc.getMap('claims');
      const keys = [...claims.keys()];
      if (keys.length) claims.delete(keys[Math.floor(rand() * keys.length)]!);
    }
  } else if (r < 0.7) {
    doc.getMap('votes').set(`c${Math.floor(rand() * 6)}`, { rating: 1 + Math.floor(rand() * 5), confidence: 'low', at: step });
  } else {
    const log = doc.getArray('notes-log');
    if (rand() < 0.7 || log.length === 0) log.insert(Math.floor(rand() * (log.length + 1)), [`${who}:${step}`]);
    else log.delete(Math.floor(rand() * log.length));
  }
}

export const toDoc = (u: Uint8Array) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, u);
  return d;
};
export const equalSv = (a: Uint8Array, b: Uint8Array) => {
  const x = Y.decodeStateVector(a);
  const y = Y.decodeStateVector(b);
  return x.size === y.size && [...x].every(([c, k]) => y.get(c) === k);
};


/** One client's copies of a board's docs, with what a seeded run does to it. */
export interface Replica {
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
}

/** A Socket.IO client (through the app's BoardConnection) holding `keys`, writing `writable`. */
export function socketReplica(name: string, c: ReturnType<typeof socketClient>, writable: string[]): Replica {
  return {
    name,
    docs: c.docs,
    writable,
    // `active`: connected or connecting. Calling connect() again while a connection is
    // opening would send a second CONNECT packet, which the server rightly refuses.
    online: () => c.socket.active,
    goOffline: () => c.socket.disconnect(),
    goOnline: () => c.socket.connect(),
    settled: () => c.conn.saved,
    errors: c.errors,
    debug: () => ({ sock: c.socket.connected, conn: c.conn.connected, synced: c.conn.synced, saved: c.conn.saved, join: c.conn.joinResult?.role }),
    close: c.close,
  };
}

/** Stock y-websocket providers, one per doc key, as one replica. */
export function wsReplica(name: string, base: string, token: string, keys: string[], writable: string[]): Replica {
  const providers = keys.map((k) => wsProvider(base, token, k));
  let online = true;
  return {
    name,
    docs: new Map(keys.map((k, i) => [k, providers[i]!.doc])),
    writable,
    online: () => online,
    goOffline: () => {
      online = false;
      for (const p of providers) p.provider.disconnect();
    },
    goOnline: () => {
      online = true;
      for (const p of providers) void p.provider.connect();
    },
    settled: () => providers.every((p) => p.provider.synced && p.provider.wsconnected),
    close: () => providers.forEach((p) => p.close()),
  };
}
