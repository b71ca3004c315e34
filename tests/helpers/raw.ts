/** Raw protocol clients for tests that forge frames. */
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Ack } from '../../shared/protocol/errors.js';
import { encodeSync, SyncType, wsSyncFrame } from '../../shared/protocol/sync-codec.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { connectSocket } from './server.js';

/** Emits with an ack and resolves with the answer (or rejects after `ms`). */
export function emitAck<T = unknown>(socket: ReturnType<typeof connectSocket>, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return (socket as any).timeout(5000).emitWithAck(event, ...args) as Promise<Ack<T>>;
}

export async function rawSocket(base: string, token: string, extra: Record<string, unknown> = {}) {
  const socket = connectSocket(base, token, extra);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  const protocolErrors: any[] = [];
  socket.on('protocol:error', (e) => protocolErrors.push(e));
  return { socket, protocolErrors };
}

export async function joinRaw(socket: ReturnType<typeof connectSocket>, boardId: string) {
  return emitAck<any>(socket, 'board:join', { boardId, protocolVersion: PROTOCOL_VERSION });
}

/** A real Yjs update that sets one key in a map, from a fresh client. */
export function mapSetUpdate(mapName: string, key: string, value: unknown): Uint8Array {
  const d = new Y.Doc();
  d.getMap(mapName).set(key, value);
  return Y.encodeStateAsUpdate(d);
}

export const updateMessage = (update: Uint8Array) => encodeSync(SyncType.Update, update);

/** A raw websocket speaking y-websocket frames; collects what the server sends. */
export async function rawWs(base: string, docKey: string, token: string | null, headers: Record<string, string> = {}) {
  const q = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/yjs/${docKey}${q}`, { headers });
  const received: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => received.push(new Uint8Array(d)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    received,
    sendUpdate: (u: Uint8Array) => ws.send(wsSyncFrame(updateMessage(u))),
    close: () => ws.close(),
  };
}

/** Status code of a refused websocket upgrade (or 101 if it opened). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}
