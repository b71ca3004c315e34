/**
 * The clients of the performance benchmark, one kind per server, each the stock client of
 * its server (nothing here speaks a wire protocol itself):
 *
 * - Claimboard: Socket.IO with the real BoardConnection, behaving like the app: join, then
 *   attach every doc the join (or a later board:docs) lists, all on one connection.
 * - @y/websocket-server: a stock y-websocket WebsocketProvider on the board's one shared doc
 *   (`disableBc: true`, or providers in one process would sync without the server).
 * - Hocuspocus: a HocuspocusProvider on its own HocuspocusProviderWebsocket, awareness off.
 * - Claimboard's y-websocket endpoint (optional target): one WebsocketProvider per doc.
 *
 * Also counts every websocket message the process receives and sends (both copies of `ws`
 * in node_modules: the top-level one, which the Yjs providers get as their WebSocket, and
 * engine.io-client's own, under socket.io-client).
 *
 * Light clients: a client can be given a tap (`BenchClient.tap`) that sees each binary
 * frame it receives before its client library does, and drops the frame or hands the
 * library a replacement. The stock client still does the handshake, its initial sync and
 * its own sends; the tap saves the load generator the work a real reviewer's own machine
 * would do (applying every peer's update, or a whole board on join), which here would
 * share the two cores with the server under test.
 */
import { createRequire } from 'node:module';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { BoardConnection } from '../../client/src/lib/sync/board-connection.js';
import { claimboardSocket } from './claimboard-api.js';
import type { Target, Traffic } from './perf-common.js';

// ---------------------------------------------------------------------------------------
// Traffic

const traffic: Traffic = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0 };
let counting = false;

function byteSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((s: number, d) => s + byteSize(d), 0);
  return 0;
}

type WsClass = { prototype: { emit(event: string, ...args: unknown[]): boolean; send(data: unknown, ...rest: unknown[]): void } };

/** What a tap does with a received binary frame: leave it to the client library, drop it, or hand the library this instead. */
export type TapResult = 'pass' | 'drop' | Uint8Array;
export type Tap = (frame: Buffer) => TapResult;
/** Where a socket keeps its client's tap dispatcher. */
const TAP = Symbol('bench tap');

/** Set on a tapped socket whose library asked for ArrayBuffers (see tappedWebSocket). */
const WANTS_ARRAY_BUFFER = Symbol('bench wants ArrayBuffer');
type Tappable = { [TAP]?: Tap; [WANTS_ARRAY_BUFFER]?: boolean };

/** Runs the socket's tap on a received message; returns the message to deliver, or null to drop it. */
function tapped(socket: Tappable, data: unknown, isBinary: unknown): unknown {
  const tap = socket[TAP];
  if (!tap || isBinary !== true) return data;
  const frame = data instanceof ArrayBuffer ? Buffer.from(data) : Array.isArray(data) ? Buffer.concat(data as Buffer[]) : (data as Buffer);
  const r = tap(frame);
  if (r === 'drop') return null;
  const out = r === 'pass' ? frame : r;
  // What the library asked for, as a copy of its own (`out` may be a view into a larger,
  // pooled buffer); frames the tap drops are never copied.
  if (socket[WANTS_ARRAY_BUFFER]) return new Uint8Array(out).buffer;
  return r === 'pass' ? data : Buffer.from(out);
}

/**
 * Counts websocket messages from here on: `ws` hands each received message to its
 * listeners through `emit('message', data)`, and every message sent goes through `send`.
 * Returns the live counters.
 */
export function countWebSocketTraffic(): Traffic {
  if (counting) return traffic;
  counting = true;
  const require = createRequire(import.meta.url);
  const engineIoWs = createRequire(require.resolve('engine.io-client'))('ws') as WsClass;
  const classes = new Set<WsClass>([WebSocket as unknown as WsClass, engineIoWs]);
  for (const cls of classes) {
    const proto = cls.prototype;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string, ...args: unknown[]) {
      if (event === 'message') {
        traffic.framesIn++;
        traffic.bytesIn += byteSize(args[0]);
        const data = tapped(this as Tappable, args[0], args[1]);
        if (data === null) return true;
        args[0] = data;
      }
      return emit.call(this, event, ...args);
    };
    const send = proto.send;
    proto.send = function (this: unknown, data: unknown, ...rest: unknown[]) {
      traffic.framesOut++;
      traffic.bytesOut += byteSize(data);
      return send.call(this, data, ...rest);
    };
  }
  return traffic;
}

export const trafficSince = (a: Traffic): Traffic => ({
  framesIn: traffic.framesIn - a.framesIn,
  bytesIn: traffic.bytesIn - a.bytesIn,
  framesOut: traffic.framesOut - a.framesOut,
  bytesOut: traffic.bytesOut - a.bytesOut,
});

// ---------------------------------------------------------------------------------------
// Clients

export interface ClientEvents {
  /** A doc is about to be attached (observe it here). */
  onDoc?: (key: string, doc: Y.Doc) => void;
  /** Something the client library reported: a refused frame, a connection error. */
  onError: (message: string) => void;
  /** The connection dropped (after it was up). */
  onDisconnect: () => void;
  /** Called whenever the client's state changed; check `synced()`. */
  onStatus?: () => void;
}

export interface BenchClient {
  /** Doc key (Claimboard) or room (the references) → the client's replica. */
  readonly docs: Map<string, Y.Doc>;
  /** Connected, every doc attached and through its initial sync. */
  synced(): boolean;
  /**
   * From now on (and on every socket the client opens later) `t` sees each binary frame
   * first (null: none). A frame the tap drops or replaces still counts as the connection
   * being alive for the client library's own idle check.
   */
  tap(t: Tap | null): void;
  close(): void;
}

/** A client's one tap, installed on each socket it opens; `alive` feeds its idle check. */
class TapSlot {
  current: Tap | null = null;
  constructor(private readonly alive: () => void) {}
  readonly dispatch: Tap = (frame) => {
    if (!this.current) return 'pass';
    const r = this.current(frame);
    if (r !== 'pass') this.alive();
    return r;
  };
  install(socket: unknown): void {
    if (socket) (socket as Tappable)[TAP] = this.dispatch;
  }
}

/** A `ws` WebSocket class whose every instance gets `slot`'s dispatcher (for providers that take a WebSocket class). */
function tappedWebSocket(slot: TapSlot): typeof WebSocket {
  class Tapped extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      slot.install(this);
    }
  }
  // `ws` copies every binary message into an ArrayBuffer when asked for one; the providers
  // ask, but most frames go to a tap that drops them. So `ws` keeps Buffers here and
  // `tapped` makes the ArrayBuffer only for a frame the library gets.
  Object.defineProperty(Tapped.prototype, 'binaryType', {
    get: () => 'nodebuffer',
    set(this: Tappable, type: unknown) {
      this[WANTS_ARRAY_BUFFER] = type === 'arraybuffer';
    },
  });
  return Tapped as unknown as typeof WebSocket;
}

/** The app's client: one Socket.IO connection; the docs are those the join lists. */
function claimboardClient(base: string, token: string, boardId: string, ev: ClientEvents): BenchClient {
  const socket = claimboardSocket(base, token);
  const docs = new Map<string, Y.Doc>();
  let joined = false;
  const attachAll = (keys: string[]) => {
    // After the join callback returns, as the app does once its IndexedDB copies are
    // loaded: attaching inside it would make BoardConnection send each step 1 twice.
    queueMicrotask(() => {
      for (const key of keys) {
        if (docs.has(key)) continue;
        const doc = new Y.Doc({ guid: key }); // as the app does (client/src/lib/state/board-docs.svelte.ts)
        docs.set(key, doc);
        ev.onDoc?.(key, doc);
        conn.attach(key, doc);
      }
      joined = true;
      ev.onStatus?.();
    });
  };
  const conn = new BoardConnection(socket, boardId, {
    onJoin: (join) => attachAll(join.docs),
    onDocs: (keys) => attachAll(keys),
    onStatus: () => ev.onStatus?.(),
    onError: (e) => ev.onError(`${e.code} ${e.message}${e.docKey ? ` (${e.docKey})` : ''}`),
  });
  conn.awareness.setLocalState(null); // no presence: only document updates are measured
  // Engine.io's heartbeat is text frames, which no tap sees: nothing to keep alive.
  const slot = new TapSlot(() => undefined);
  const engineSocket = () => (socket.io.engine as unknown as { transport?: { ws?: unknown } } | undefined)?.transport?.ws;
  // The manager opens once engine.io's handshake is in, before any Socket.IO packet.
  socket.io.on('open', () => slot.install(engineSocket()));
  let up = false;
  socket.on('connect', () => (up = true));
  socket.on('disconnect', (reason) => {
    if (up) ev.onDisconnect();
    ev.onError(`disconnected: ${reason}`);
  });
  socket.on('connect_error', (err) => ev.onError(`connect_error: ${err.message}`));
  socket.on('protocol:error', (e) => ev.onError(`protocol:error ${e.code} ${e.message}`));
  return {
    docs,
    synced: () => joined && conn.synced,
    tap: (t) => {
      slot.current = t;
      slot.install(engineSocket());
    },
    close: () => {
      conn.destroy();
      socket.close();
    },
  };
}

/** A stock y-websocket provider per doc key (the references: the one shared doc). */
function yWebsocketClient(wsBase: string, rooms: string[], params: Record<string, string>, ev: ClientEvents): BenchClient {
  const docs = new Map<string, Y.Doc>();
  const providers: WebsocketProvider[] = [];
  // The provider reconnects after 30 s without a message: a tapped frame counts as one.
  const slot = new TapSlot(() => {
    const now = Date.now();
    for (const p of providers) p.wsLastMessageReceived = now;
  });
  const Socket = tappedWebSocket(slot);
  for (const room of rooms) {
    const doc = new Y.Doc();
    docs.set(room, doc);
    ev.onDoc?.(room, doc);
    const awareness = new Awareness(doc);
    awareness.setLocalState(null); // no presence
    const p = new WebsocketProvider(wsBase, room, doc, {
      params,
      WebSocketPolyfill: Socket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      awareness,
    });
    let up = false;
    p.on('status', ({ status }) => {
      if (status === 'connected') up = true;
    });
    p.on('sync', () => ev.onStatus?.());
    p.on('connection-close', (e) => {
      if (up) ev.onDisconnect();
      up = false;
      ev.onError(`${room}: connection closed${e ? ` (${e.code}${e.reason ? ` ${e.reason}` : ''})` : ''}`);
    });
    p.on('connection-error', (e) => ev.onError(`${room}: ${String((e as unknown as { message?: string }).message ?? 'connection error')}`));
    providers.push(p);
  }
  return {
    docs,
    synced: () => providers.every((p) => p.synced),
    tap: (t) => {
      slot.current = t;
    },
    close: () => {
      for (const p of providers) p.destroy();
    },
  };
}

/** A HocuspocusProvider on its own websocket, awareness off. */
function hocuspocusClient(wsBase: string, room: string, ev: ClientEvents): BenchClient {
  const doc = new Y.Doc();
  const docs = new Map([[room, doc]]);
  ev.onDoc?.(room, doc);
  // Its idle check (30 s without a message) reads lastMessageReceived: a tapped frame counts.
  const slot = new TapSlot(() => (socket.lastMessageReceived = Date.now()));
  const socket = new HocuspocusProviderWebsocket({ url: wsBase, WebSocketPolyfill: tappedWebSocket(slot) });
  let up = false;
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: room,
    document: doc,
    awareness: null,
    onSynced: () => ev.onStatus?.(),
    onConnect: () => (up = true),
    onDisconnect: () => {
      if (up) ev.onDisconnect();
      up = false;
      ev.onError(`${room}: disconnected`);
    },
    onAuthenticationFailed: ({ reason }) => ev.onError(`${room}: authentication failed: ${reason}`),
  });
  provider.attach();
  return {
    docs,
    synced: () => provider.synced,
    tap: (t) => {
      slot.current = t;
    },
    close: () => {
      provider.destroy();
      socket.destroy();
    },
  };
}

export interface ClientTarget {
  target: Target;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  boardId: string;
  /** The references' shared doc. */
  room: string;
  /** claimboard-yws only: the doc keys to open (it has no join to list them). */
  docKeys?: string[];
}

/** Opens one client of `t.target` for one user (the references ignore the token). */
export function openClient(t: ClientTarget, token: string, ev: ClientEvents): BenchClient {
  const ws = t.baseUrl.replace(/^http/, 'ws');
  switch (t.target) {
    case 'claimboard':
      return claimboardClient(t.baseUrl, token, t.boardId, ev);
    case 'claimboard-yws':
      return yWebsocketClient(`${ws}/yjs`, t.docKeys ?? [], { token }, ev);
    case 'reference':
      return yWebsocketClient(ws, [t.room], {}, ev);
    case 'hocuspocus':
      return hocuspocusClient(ws, t.room, ev);
  }
}
