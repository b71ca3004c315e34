/**
 * Socket.IO transport [T1–T5, P1–P4, T11–T15]. Handshake `auth: { token }` or the session
 * cookie of the handshake request; then
 * `board:join`, `sync:message`, `awareness:update`, `board:leave`. Every handler goes
 * through `handle`, which parses the payload with its schema, checks the ack, and catches
 * sync and async errors, so no client input can throw into Socket.IO. Before a connection
 * has authenticated it may send only a few bytes and no attachments, for a short while.
 */
import type { AddressOf } from '../http/client-address.js';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Socket as EngineSocket } from 'engine.io';
import type { z } from 'zod';
import {
  CLIENT_EVENTS,
  type BoardDocsPush,
  type BoardStatePush,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '../../shared/protocol/events.js';
import { ErrorCode, fail, ok, type Ack } from '../../shared/protocol/errors.js';
import {
  AwarenessUpdateSchema,
  BoardJoinSchema,
  BoardLeaveSchema,
  SyncMessageSchema,
  SyncOpenSchema,
} from '../../shared/protocol/schemas.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import type { Auth } from '../auth/index.js';
import type { Conn, Hub, OutboundUpdate, UpdateChannel } from './hub.js';
import { Encoder, MAX_PACKET_DEPTH, PacketType, wireParserWith } from '../../shared/protocol/wire.js';
import { MAX_OPEN_DOCS } from '../../shared/protocol/schemas.js';
import { guardUpgradeListeners } from './upgrade.js';
import { binaryFrame, writePrebuiltEngine } from './ws-frames.js';
import { originAllowed } from './origin-check.js';
import { sessionSecretFrom } from '../auth/session-cookie.js';
import type { Role } from '../../shared/protocol/roles.js';
import type { Config, RealtimeLimits } from '../config.js';
import { FrameLimiter, type FloodCooldown, type KeyedBuckets } from '../limits.js';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SocketIoOptions {
  hub: Hub;
  auth: Auth;
  logger: Logger;
  allowedOrigins: string[];
  maxUpdateBytes: number;
  limits: Config['limits'];
  /** Connection attempts per IP, shared with the y-websocket transport. */
  connectionBuckets: KeyedBuckets;
  /** The client's address for the per-address limits (TRUST_PROXY) [K9]. */
  addressOf: AddressOf;
  /** Users closed for flooding, refused for a while (shared with y-websocket) [P6]. */
  floodCooldown: FloodCooldown;
  realtime: RealtimeLimits;
}

/**
 * Attachments one packet from a client may carry [T15]: a client sends bytes of 64 KiB or
 * more (a large step 2) as one; nothing it sends needs more than one.
 */
const MAX_CLIENT_ATTACHMENTS = 2;
/**
 * Values one packet from a client may hold [T11]: a full `sync:open` (MAX_OPEN_DOCS entries
 * of five values each) with room to spare; a packet past it is closed as malformed.
 */
const MAX_CLIENT_PACKET_ITEMS = MAX_OPEN_DOCS * 5 * 4;

class SocketIoConn implements Conn {
  readonly transport = 'socket.io' as const;
  constructor(
    readonly socket: IoSocket,
    readonly channel: UpdateChannel,
  ) {}
  get id() {
    return this.socket.id;
  }
  /** Writes a prebuilt frame of one whole packet to this socket now, if nothing is queued before it. */
  writePrebuilt(frame: Buffer): boolean {
    return this.socket.connected && writePrebuiltEngine(this.socket.conn, frame);
  }
  get userId() {
    return this.socket.data.userId;
  }
  get userName() {
    return this.socket.data.userName;
  }
  get tokenExpiresAt() {
    return this.socket.data.tokenExpiresAt;
  }
  get credentialId() {
    return this.socket.data.credentialId;
  }
  sendSync(docKey: string, message: Uint8Array): void {
    this.socket.emit('sync:message', { docKey, message });
  }
  sendAwareness(boardId: string, update: Uint8Array): void {
    this.socket.emit('awareness:update', { boardId, update });
  }
  accessChanged(boardId: string, role: Role | null): void {
    this.socket.emit('board:access', { boardId, role });
  }
  docsChanged(push: BoardDocsPush): void {
    this.socket.emit('board:docs', push);
  }
  boardStateChanged(push: BoardStatePush): void {
    this.socket.emit('board:state', push);
  }
  close(code: ErrorCode, reason: string): void {
    this.socket.emit('protocol:error', { code, message: reason });
    this.socket.disconnect(true);
  }
}

export function attachSocketIo(httpServer: HttpServer, o: SocketIoOptions): IoServer {
  const maxFrameBytes = o.maxUpdateBytes + 64 * 1024;
  const upgradeListeners = new Set(httpServer.listeners('upgrade'));
  const io: IoServer = new Server(httpServer, {
    serveClient: false,
    parser: wireParserWith({
      maxAttachments: MAX_CLIENT_ATTACHMENTS,
      maxAttachmentBytes: maxFrameBytes,
      maxDepth: MAX_PACKET_DEPTH,
      maxItems: MAX_CLIENT_PACKET_ITEMS,
    }),
    // Room for the largest update plus its envelope; bigger frames close the connection.
    maxHttpBufferSize: maxFrameBytes,
    // A client sends its CONNECT at once; one that does not is holding a socket open [T15].
    connectTimeout: o.realtime.connectTimeoutMs,
    // Leave other upgrade paths (y-websocket at /yjs/) alone.
    destroyUpgrade: false,
    allowRequest: (req, cb) => {
      if (!originAllowed(req, o.allowedOrigins)) return cb(ErrorCode.OriginForbidden, false);
      // Counted before the upgrade so a connection storm costs next to nothing; the
      // refusal's HTTP body carries the code (engine.io answers 400/403 with it).
      if (!o.connectionBuckets.take(o.addressOf(req))) return cb(ErrorCode.RateLimited, false);
      cb(null, true);
    },
  });
  // engine.io's upgrade handler parses the request; a throw there must not end the process [T12].
  guardUpgradeListeners(httpServer, upgradeListeners, o.logger);

  // Bytes a connection sends before it has authenticated [T15]: a CONNECT packet with a
  // token is all it needs. Socket.IO's decoder has seen each frame before this listener
  // (registered after its own), so closing releases whatever it buffered.
  const authenticated = new WeakSet<object>();
  io.engine.on('connection', (eng: EngineSocket) => {
    let bytes = 0;
    const onData = (data: unknown) => {
      if (authenticated.has(eng)) return eng.off('data', onData);
      bytes += typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
      if (bytes <= o.realtime.maxPreauthBytes) return;
      o.logger.info({ bytes, ip: eng.remoteAddress }, 'closing a connection that sent too much before authenticating');
      eng.off('data', onData);
      eng.close();
      // And stop reading now: a graceful close would still take in whatever it sent after.
      eng.request?.socket?.destroy();
    };
    eng.on('data', onData);
  });

  const refuse = (next: (err?: Error) => void, code: ErrorCode, message: string) => {
    const err = new Error(code) as Error & { data?: unknown };
    err.data = { code, message };
    next(err);
  };

  // A token in `auth` (scripts, tests), else the session cookie the handshake request
  // carried (browsers on this origin: allowRequest already refused foreign origins) [T1, AC1].
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    o.auth.authn.authenticate(token !== undefined ? token : sessionSecretFrom(socket.handshake.headers)).then(
      (found) => {
        if (!found) return refuse(next, ErrorCode.Unauthorized, 'a valid token or session is required');
        const { user, credential } = found;
        const wait = o.floodCooldown.remaining(user.id);
        if (wait > 0) return refuse(next, ErrorCode.RateLimited, `closed for flooding: connect again in ${Math.ceil(wait / 1000)} s`);
        socket.data.userId = user.id;
        socket.data.userName = user.name;
        socket.data.credentialId = credential.id;
        if (credential.expiresAt !== undefined) socket.data.tokenExpiresAt = credential.expiresAt;
        next();
      },
      (err: unknown) => {
        o.logger.error({ err }, 'authentication failed');
        next(new Error(ErrorCode.Internal));
      },
    );
  });

  // One `sync:updates` event per group of recipients, encoded and framed once; the frame
  // goes straight to each socket whose engine.io has nothing queued, and the rest get it
  // through Socket.IO's broadcast, behind what they have queued [T5].
  const encoder = new Encoder();
  const channel: UpdateChannel = {
    sendUpdates(conns: readonly Conn[], updates: readonly OutboundUpdate[]) {
      const payload = { updates: updates.map((u) => ({ docKey: u.docKey, message: u.message })) };
      const packets = encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['sync:updates', payload] });
      const frame = packets.length === 1 ? binaryFrame(packets[0]!) : null;
      const rest = frame ? conns.filter((c) => !(c as SocketIoConn).writePrebuilt(frame)) : conns;
      if (rest.length === 1) (rest[0] as SocketIoConn).socket.emit('sync:updates', payload);
      else if (rest.length > 1) io.to(rest.map((c) => c.id)).emit('sync:updates', payload);
    },
  };

  io.on('connection', (socket) => {
    authenticated.add(socket.conn);
    const conn = new SocketIoConn(socket, channel);
    o.hub.add(conn);
    const log = o.logger.child({ conn: socket.id, user: socket.data.userId });
    const frames = new FrameLimiter(o.limits.framesPerSec, o.limits.framesBurst);
    /** False when the frame is over the rate (and disconnects a connection that keeps at it). */
    const withinRate = (): boolean => {
      const verdict = frames.take();
      if (verdict === 'abusive') {
        log.warn('frame flood: disconnecting');
        o.floodCooldown.start(socket.data.userId);
        socket.disconnect(true);
      }
      return verdict === 'ok';
    };

    const handle = <S extends z.ZodType, R>(
      event: keyof ClientToServerEvents,
      schema: S,
      ackRequired: boolean,
      fn: (payload: z.output<S>) => Ack<R> | Promise<Ack<R>>,
    ) => {
      socket.on(event, (...args: unknown[]) => {
        const last = args.length > 1 ? args[args.length - 1] : undefined;
        const ack = typeof last === 'function' ? (last as (r: Ack<R>) => void) : undefined;
        const reply = (r: Ack<R>) => {
          if (ack) ack(r);
          else if (!r.ok) socket.emit('protocol:error', { ...r.error, event });
        };
        if (!withinRate()) {
          return reply(fail(ErrorCode.RateLimited, `more than ${o.limits.framesPerSec} frames per second`));
        }
        if (args.length > 1 && !ack) {
          return reply(fail(ErrorCode.BadRequest, 'the last argument must be the acknowledgement callback'));
        }
        if (ackRequired && !ack) {
          return socket.emit('protocol:error', {
            code: ErrorCode.AckRequired,
            message: `${event} needs an acknowledgement callback`,
            event,
          });
        }
        if (args.length > 2) return reply(fail(ErrorCode.BadRequest, 'expected one payload argument'));
        const parsed = schema.safeParse(args[0]);
        if (!parsed.success && parsed.error.issues.some((i) => i.code === 'too_big' && i.path.join('.') === 'docs')) {
          return reply(fail(ErrorCode.TooManyDocs, `at most ${MAX_OPEN_DOCS} docs per ${event}`));
        }
        if (!parsed.success) {
          return reply(fail(ErrorCode.BadRequest, `invalid ${event} payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`));
        }
        Promise.resolve()
          .then(() => fn(parsed.data))
          .then(reply, (err: unknown) => {
            log.error({ err, event }, 'handler failed');
            reply(fail(ErrorCode.Internal, 'internal error'));
          });
      });
    };

    handle('board:join', BoardJoinSchema, true, async (p) => {
      if (p.protocolVersion < PROTOCOL_VERSION) {
        return fail(ErrorCode.ClientTooOld, `server speaks protocol ${PROTOCOL_VERSION}; please reload`);
      }
      if (p.protocolVersion > PROTOCOL_VERSION) {
        return fail(ErrorCode.ServerTooOld, `server speaks protocol ${PROTOCOL_VERSION}`);
      }
      const role = await o.auth.members.roleOf(p.boardId, conn.userId);
      if (!role) return fail(ErrorCode.NotFound, 'no such board');
      o.hub.joinBoard(conn, p.boardId);
      return ok({
        boardId: p.boardId,
        userId: conn.userId,
        role,
        docs: await o.auth.catalogue.docsFor(p.boardId, conn.userId, role),
        writable: o.auth.catalogue.writableDocs(p.boardId, conn.userId, role),
        archived: await o.auth.boards.isArchived(p.boardId),
        protocolVersion: PROTOCOL_VERSION,
      });
    });

    handle('board:leave', BoardLeaveSchema, true, (p) => {
      o.hub.leaveBoard(conn, p.boardId);
      return ok(null);
    });

    handle('sync:message', SyncMessageSchema, true, (p) => o.hub.handleSync(conn, p.docKey, p.message));

    handle('sync:open', SyncOpenSchema, true, (p) => o.hub.openDocs(conn, p.docs));

    handle('awareness:update', AwarenessUpdateSchema, false, (p) =>
      o.hub.applyAwareness(conn, p.boardId, p.update),
    );

    socket.onAny((event: string, ...args: unknown[]) => {
      if (CLIENT_EVENTS.has(event) || !withinRate()) return;
      const last = args[args.length - 1];
      const error = { code: ErrorCode.UnknownEvent, message: `unknown event ${JSON.stringify(String(event).slice(0, 64))}` };
      if (typeof last === 'function') (last as (r: Ack<never>) => void)({ ok: false, error });
      else socket.emit('protocol:error', { ...error, event: String(event).slice(0, 64) });
    });

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'disconnected');
      o.hub.remove(conn);
    });
  });

  return io;
}
