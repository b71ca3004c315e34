/**
 * y-websocket transport at /yjs/<docKey>?token=… (or the session cookie) [Y1–Y5]: the standard protocol, so a
 * stock `WebsocketProvider` (room name = doc key, `params: { token }`) takes part. Same
 * authentication, authority and DocRegistry as Socket.IO. A write the connection may not
 * make is answered with the y-protocols auth message "permission denied" and dropped.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import { parseDocKey } from '../../shared/protocol/doc-keys.js';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { Role } from '../../shared/protocol/roles.js';
import {
  encodeSync,
  readBytes,
  SyncType,
  WsMessage,
  wsAwarenessFrame,
  wsPermissionDeniedFrame,
  wsSyncFrame,
} from '../../shared/protocol/sync-codec.js';
import type { Auth } from '../auth/index.js';
import type { Authenticated } from '../persistence/store.js';
import { sessionSecretFrom } from '../auth/session-cookie.js';
import type { Conn, Hub, OutboundUpdate, UpdateChannel } from './hub.js';
import { originAllowed } from './origin-check.js';
import type { AddressOf } from '../http/client-address.js';
import { parseUpgradeUrl, refuseUpgrade as refuse } from './upgrade.js';
import { binaryFrame, writePrebuilt } from './ws-frames.js';
import type { Config } from '../config.js';
import { FrameLimiter, type FloodCooldown, type KeyedBuckets } from '../limits.js';

/** WebSocket close code 1013 "Try Again Later" (RFC 6455 §7.4 registry): the store is unavailable [K7]. */
const STORE_UNAVAILABLE_CLOSE = 1013;

export const YJS_PATH_PREFIX = '/yjs/';
const SOCKET_IO_PATH = '/socket.io/';

export interface YWebsocketOptions {
  hub: Hub;
  auth: Auth;
  logger: Logger;
  allowedOrigins: string[];
  maxUpdateBytes: number;
  limits: Config['limits'];
  connectionBuckets: KeyedBuckets;
  /** The client's address for the per-address limits (TRUST_PROXY) [K9]. */
  addressOf: AddressOf;
  /** Users closed for flooding, refused for a while (shared with Socket.IO) [P6]. */
  floodCooldown: FloodCooldown;
}

/**
 * A y-websocket connection carries one document and the protocol one sync message per
 * frame: each update's frame is encoded once for the whole group [T5]. (Merging a group's
 * updates into one would save frames, but Y.mergeUpdates on the main thread is what the
 * validator keeps away from it: see TOOLCHAIN, yjs issue 687.)
 */
const wsChannel: UpdateChannel = {
  sendUpdates(conns: readonly Conn[], updates: readonly OutboundUpdate[]) {
    for (const u of updates) {
      const frame = wsSyncFrame(u.message);
      const prebuilt = binaryFrame(frame);
      for (const c of conns) {
        const ws = (c as WsConn).ws;
        if (!writePrebuilt(ws, prebuilt)) (c as WsConn).sendFrame(frame);
      }
    }
  },
};

class WsConn implements Conn {
  readonly transport = 'y-websocket' as const;
  readonly channel = wsChannel;
  readonly id = `ws-${randomUUID()}`;
  readonly userId: string;
  readonly userName: string;
  readonly tokenExpiresAt?: number;
  readonly credentialId: string;
  constructor(
    readonly ws: WebSocket,
    { user, credential }: Authenticated,
    readonly docKey: string,
    readonly boardId: string,
  ) {
    this.userId = user.id;
    this.userName = user.name;
    this.credentialId = credential.id;
    if (credential.expiresAt !== undefined) this.tokenExpiresAt = credential.expiresAt;
  }
  sendFrame(frame: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
  }
  sendSync(docKey: string, message: Uint8Array): void {
    if (docKey === this.docKey) this.sendFrame(wsSyncFrame(message));
  }
  sendAwareness(_boardId: string, update: Uint8Array): void {
    this.sendFrame(wsAwarenessFrame(update));
  }
  accessChanged(_boardId: string, role: Role | null): void {
    if (role === null) this.ws.close(4403, 'membership removed');
  }
  docsChanged(): void {
    // The y-websocket protocol has no message for it; stock clients connect per document.
  }
  boardStateChanged(): void {
    // No message for it either: writes to an archived board are denied frame by frame (Y3).
  }
  close(code: ErrorCode, reason: string): void {
    this.ws.close(4401, `${code}: ${reason}`);
  }
  deny(reason: string): void {
    this.sendFrame(wsPermissionDeniedFrame(reason));
  }
}

export function attachYWebsocket(httpServer: HttpServer, o: YWebsocketOptions): WebSocketServer {
  // Room for the largest update plus the sync envelope.
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxUpdateBytes + 1024 });

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Nothing here may throw into the HTTP server: that would end the process [T12].
    try {
      onUpgrade(req, socket, head);
    } catch (err) {
      o.logger.info({ err: (err as Error).message }, 'y-websocket upgrade refused');
      refuse(socket, 400, 'Bad Request');
    }
  });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Socket.IO's own upgrades, by engine.io's own test (it answers what it cannot parse).
    if (req.url?.startsWith(SOCKET_IO_PATH)) return;
    const url = parseUpgradeUrl(req.url);
    socket.on('error', () => socket.destroy());
    if (!url) return refuse(socket, 400, 'Bad Request');
    if (!url.rawPath.startsWith(YJS_PATH_PREFIX)) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req, o.allowedOrigins)) return refuse(socket, 403, 'Forbidden');
    if (!o.connectionBuckets.take(o.addressOf(req))) return refuse(socket, 429, 'Too Many Requests');
    const docKey = url.path.slice(YJS_PATH_PREFIX.length);
    const parsed = parseDocKey(docKey);
    if (!parsed) return refuse(socket, 404, 'Not Found');
    void (async () => {
      // `?token=` (stock clients, scripts), else the session cookie of the upgrade request
      // (a browser on this origin: a foreign Origin was refused above) [Y1, AC1].
      const token = url.query.get('token');
      const found = await o.auth.authn.authenticate(token !== null ? token : sessionSecretFrom(req.headers));
      if (!found) return refuse(socket, 401, 'Unauthorized');
      if (o.floodCooldown.remaining(found.user.id) > 0) return refuse(socket, 429, 'Too Many Requests');
      const allowed = await o.auth.docs.check(docKey, found.user.id, 'read');
      if (!allowed.ok) return refuse(socket, 404, 'Not Found');
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, found, docKey, parsed.boardId));
    })().catch((err: unknown) => {
      // The directory unreachable (cluster mode, PostgreSQL cut): a retryable 503 [K7].
      o.logger.error({ err }, 'y-websocket upgrade failed');
      refuse(socket, 503, 'Service Unavailable');
    });
  }

  function onConnection(ws: WebSocket, found: Authenticated, docKey: string, boardId: string) {
    const userId = found.user.id;
    const conn = new WsConn(ws, found, docKey, boardId);
    const log = o.logger.child({ conn: conn.id, user: userId, docKey });
    o.hub.add(conn);
    o.hub.joinBoard(conn, boardId);
    ws.binaryType = 'nodebuffer';
    const frames = new FrameLimiter(o.limits.framesPerSec, o.limits.framesBurst);
    ws.on('error', (err) => log.debug({ err }, 'websocket error'));
    ws.on('close', () => o.hub.remove(conn));

    const onSync = (syncMessage: Uint8Array) => {
      o.hub.handleSync(conn, docKey, syncMessage).then(
        (r) => {
          if (r.ok) {
            if (r.value.reply) conn.sendSync(docKey, r.value.reply);
          } else {
            log.info({ code: r.error.code }, 'sync message refused');
            // Nothing was stored [K7]: close with "try again later"; the provider reconnects,
            // and its state exchange sends again whatever the server still lacks.
            if (r.error.code === ErrorCode.StoreUnavailable) return ws.close(STORE_UNAVAILABLE_CLOSE, 'store unavailable');
            conn.deny(`${r.error.code}: ${r.error.message}`);
            if (r.error.code === ErrorCode.UpdateMissingDeps || r.error.code === ErrorCode.Internal) {
              void o.hub.requestResync(conn, docKey).catch((err: unknown) => log.warn({ err }, 'resync request failed'));
            }
          }
        },
        (err: unknown) => log.error({ err }, 'sync failed'),
      );
    };

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const rate = frames.take();
      if (rate !== 'ok') {
        if (rate === 'abusive') {
          o.floodCooldown.start(conn.userId);
          ws.close(1008, 'frame flood');
        }
        else conn.deny(`RATE_LIMITED: more than ${o.limits.framesPerSec} frames per second`);
        return;
      }
      try {
        if (!isBinary) return conn.deny('BAD_REQUEST: binary frames only');
        // A copy: frames arrive as views into pooled memory.
        const bytes = new Uint8Array(data);
        const d = decoding.createDecoder(bytes);
        const type = decoding.readVarUint(d);
        switch (type) {
          case WsMessage.Sync:
            return onSync(bytes.subarray(d.pos));
          case WsMessage.Awareness: {
            const r = o.hub.applyAwareness(conn, boardId, readBytes(d));
            if (!r.ok) conn.deny(`${r.error.code}: ${r.error.message}`);
            return;
          }
          case WsMessage.QueryAwareness: {
            const snap = o.hub.awarenessSnapshot(boardId);
            if (snap) conn.sendAwareness(boardId, snap);
            return;
          }
          default:
            return conn.deny(`BAD_REQUEST: unknown message type ${type}`);
        }
      } catch (err) {
        log.info({ err: (err as Error).message }, 'malformed y-websocket frame');
        conn.deny('BAD_REQUEST: malformed frame');
      }
    });

    // Standard opening: the server's step 1, so the client sends what the server lacks.
    // (The client's own step 1 subscribes it, through the hub, like any reader.)
    void o.hub
      .handleSync(conn, docKey, encodeSync(SyncType.Step1, new Uint8Array([0])))
      .then((r) => {
        // Answering our own empty step 1 subscribed us and sent the server's step 1;
        // its reply is the full state, which the client also needs.
        if (r.ok && r.value.reply) conn.sendSync(docKey, r.value.reply);
        else if (!r.ok && r.error.code === ErrorCode.StoreUnavailable) ws.close(STORE_UNAVAILABLE_CLOSE, 'store unavailable');
      })
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === ErrorCode.StoreUnavailable) return ws.close(STORE_UNAVAILABLE_CLOSE, 'store unavailable');
        log.error({ err }, 'initial sync failed');
      });
  }

  return wss;
}
