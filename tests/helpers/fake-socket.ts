/**
 * A stand-in for a Socket.IO client socket, for unit tests of the client's sync and state
 * layers: it records what the client emits (with each ack callback) and lets the test
 * deliver server events, and answer acks, in an order it chooses — orders a real server
 * cannot be made to produce on demand. Integration tests (tests/integration/) cover the
 * same code against the real server.
 */
import * as Y from 'yjs';
import type { JoinResult } from '../../shared/protocol/events.js';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';

type Handler = (...args: unknown[]) => void;

export interface Emitted {
  event: string;
  payload: unknown;
  ack?: Handler;
}

export function fakeSocket(opts: { connected?: boolean } = {}) {
  const handlers = new Map<string, Set<Handler>>();
  const emitted: Emitted[] = [];
  const socket = {
    connected: opts.connected ?? true,
    on(event: string, h: Handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(h);
      return socket;
    },
    off(event: string, h: Handler) {
      handlers.get(event)?.delete(h);
      return socket;
    },
    emit(event: string, payload: unknown, ack?: Handler) {
      emitted.push({ event, payload, ack });
      return socket;
    },
    connect() {
      if (socket.connected) return socket;
      socket.connected = true;
      socket.deliver('connect', undefined);
      return socket;
    },
    disconnect() {
      if (!socket.connected) return socket;
      socket.connected = false;
      socket.deliver('disconnect', 'io client disconnect');
      return socket;
    },
    close() {
      return socket.disconnect();
    },
    /** Delivers a server event to the client's handlers. */
    deliver(event: string, payload: unknown) {
      for (const h of [...(handlers.get(event) ?? [])]) h(payload);
    },
    /** Emits of one event not yet answered, oldest first (each is answered at most once). */
    pending(event: string): Emitted[] {
      return emitted.filter((e) => e.event === event && e.ack && !answered.has(e));
    },
    /** Answers the oldest unanswered emit of `event` (throws when there is none). */
    answer(event: string, value: unknown): Emitted {
      const e = socket.pending(event)[0];
      if (!e) throw new Error(`no unanswered ${event}`);
      answered.add(e);
      e.ack!(value);
      return e;
    },
  };
  const answered = new Set<Emitted>();
  return { socket, emitted };
}

export type FakeSocket = ReturnType<typeof fakeSocket>['socket'];

export const joinResult = (over: Partial<JoinResult> & Pick<JoinResult, 'docs'>): JoinResult => ({
  boardId: 'b1',
  userId: 'u1',
  role: 'reviewer',
  writable: [],
  archived: false,
  protocolVersion: PROTOCOL_VERSION,
  ...over,
});

/** Answers the oldest pending `board:join`. */
export function answerJoin(socket: FakeSocket, join: JoinResult): void {
  socket.answer('board:join', { ok: true, value: join });
}

/**
 * Answers every pending `sync:open` as the server would, from `serverDocs` (the server's
 * copy of each doc; a key without one is an empty doc): what the client lacks and the
 * server's state vector.
 */
export function answerOpens(socket: FakeSocket, serverDocs: ReadonlyMap<string, Y.Doc> = new Map()): string[] {
  const keys: string[] = [];
  while (socket.pending('sync:open').length > 0) {
    const e = socket.pending('sync:open')[0]!;
    const { docs } = e.payload as { docs: Array<{ docKey: string; stateVector: Uint8Array }> };
    const answer = docs.map(({ docKey, stateVector }) => {
      keys.push(docKey);
      const doc = serverDocs.get(docKey) ?? new Y.Doc();
      return { docKey, ok: true, update: Y.encodeStateAsUpdate(doc, stateVector), stateVector: Y.encodeStateVector(doc) };
    });
    socket.answer('sync:open', { ok: true, value: { docs: answer } });
  }
  return keys;
}

/** The server broadcasts a change it made to `serverDoc` (its copy of `docKey`). */
export function pushChange(socket: FakeSocket, docKey: string, serverDoc: Y.Doc, change: (doc: Y.Doc) => void): void {
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (update = u);
  serverDoc.on('update', grab);
  serverDoc.transact(() => change(serverDoc), 'server');
  serverDoc.off('update', grab);
  if (update) socket.deliver('sync:message', { docKey, message: encodeSync(SyncType.Update, update) });
}

/** Lets queued microtasks run (BoardConnection batches one tick's state exchanges). */
export const microtasks = (): Promise<void> => new Promise((r) => queueMicrotask(r));
