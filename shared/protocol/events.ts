/**
 * The only place Socket.IO event names and payload shapes exist. Both the server
 * (`Server<ClientToServerEvents, ServerToClientEvents, …>`) and the client
 * (`Socket<ServerToClientEvents, ClientToServerEvents>`) are typed from here.
 * Types describe; schemas.ts validates.
 */
import type { Ack, ErrorBody } from './errors.js';
import type { Role } from './roles.js';
import type {
  AwarenessUpdatePayload,
  BoardJoinPayload,
  BoardLeavePayload,
  SyncMessagePayload,
  SyncOpenPayload,
} from './schemas.js';

/**
 * The most docs one `sync:open` may name [T14]: a join needs the board's listed docs (its
 * board and live docs plus the reviewer docs of members who voted, D3), and a client with
 * more sends several frames. Each entry costs the server a read check and a diff.
 */
export const MAX_OPEN_DOCS = 256;

export const Events = {
  BoardJoin: 'board:join',
  BoardLeave: 'board:leave',
  BoardAccess: 'board:access',
  BoardDocs: 'board:docs',
  BoardState: 'board:state',
  SyncMessage: 'sync:message',
  SyncOpen: 'sync:open',
  SyncUpdates: 'sync:updates',
  AwarenessUpdate: 'awareness:update',
  ProtocolError: 'protocol:error',
} as const;

export interface JoinResult {
  boardId: string;
  userId: string;
  role: Role;
  /**
   * The board's listed docs [D3] (board doc first; reviewer docs with content), plus the
   * caller's own reviewer and sealed docs if they vote. Any member may also read the
   * unlisted, empty reviewer docs of other members.
   */
  docs: string[];
  /** The subset the caller's role may write; while `archived` they write nothing [B1]. */
  writable: string[];
  /** The board is archived: read-only for everyone until an owner unarchives it [B1]. */
  archived: boolean;
  protocolVersion: number;
}

export interface SyncReply {
  /** For a step 1: the step 2 answer (a y-protocols sync message). */
  reply?: Uint8Array;
}

/** One doc's answer to `sync:open`: the server's step 2 and its state vector, or an error. */
export type SyncOpenResult =
  | { docKey: string; ok: true; update: Uint8Array; stateVector: Uint8Array }
  | { docKey: string; ok: false; error: ErrorBody };

/** Binary as it arrives: Buffer in Node, ArrayBuffer in the browser. */
export type WireBytes = Uint8Array | ArrayBuffer;

export interface ClientToServerEvents {
  'board:join': (payload: BoardJoinPayload, ack: (res: Ack<JoinResult>) => void) => void;
  'board:leave': (payload: BoardLeavePayload, ack: (res: Ack<null>) => void) => void;
  'sync:message': (payload: SyncMessagePayload, ack: (res: Ack<SyncReply>) => void) => void;
  /**
   * Opens many docs in one round trip [T3b]: for each `{ docKey, stateVector }` the ack
   * carries the server's step 2 (`update`) and its state vector, and subscribes the
   * connection, exactly as a step 1 `sync:message` would.
   */
  'sync:open': (payload: SyncOpenPayload, ack: (res: Ack<{ docs: SyncOpenResult[] }>) => void) => void;
  /** The ack is optional here: presence is frequent and loss-tolerant. */
  'awareness:update': (payload: AwarenessUpdatePayload, ack?: (res: Ack<null>) => void) => void;
}

export interface ServerToClientEvents {
  /** Server step 1 after a sync request (and a resync request). */
  'sync:message': (payload: { docKey: string; message: WireBytes }) => void;
  /**
   * Other clients' committed updates, in commit order: everything committed in one server
   * turn for the docs this connection subscribes to, in one frame [T5]. Each `message` is a
   * y-protocols sync message of type 2 (update).
   */
  'sync:updates': (payload: { updates: Array<{ docKey: string; message: WireBytes }> }) => void;
  'awareness:update': (payload: { boardId: string; update: WireBytes }) => void;
  /** The caller's role on a board changed (null: no longer a member). */
  'board:access': (payload: { boardId: string; role: Role | null }) => void;
  /** The board's list of documents changed [T8b]. */
  'board:docs': (payload: BoardDocsPush) => void;
  /** The board was archived, unarchived or renamed [B1, B4]. */
  'board:state': (payload: BoardStatePush) => void;
  /** A frame that could not be answered through an ack (no ack, unknown event). */
  'protocol:error': (payload: ErrorBody & { event?: string }) => void;
}

/**
 * A change to a board's list of documents [T8b, D3]: the whole list (`docs`, as in
 * JoinResult but without the caller's own sealed doc) after a membership change, or the
 * reviewer docs that just got their first content (`added`).
 */
export type BoardDocsPush = { boardId: string; docs: string[]; added?: undefined } | { boardId: string; added: string[]; docs?: undefined };

/** A board's lifecycle state as pushed to its connections [B1, B4]. */
export interface BoardStatePush {
  boardId: string;
  archived: boolean;
  /** Present when the board was renamed. */
  title?: string;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  userId: string;
  userName: string;
  /** When the token the connection authenticated with expires (epoch ms); absent: never. */
  tokenExpiresAt?: number;
  /** The credential (token or browser session) it authenticated with: ending it closes the connection. */
  credentialId: string;
}

export const CLIENT_EVENTS: ReadonlySet<string> = new Set<keyof ClientToServerEvents>([
  'board:join',
  'board:leave',
  'sync:message',
  'sync:open',
  'awareness:update',
]);
