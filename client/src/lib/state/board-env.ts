/**
 * What a BoardState needs from its surroundings: the socket, the device's storage and
 * online state, the window's events and the REST calls it makes. The browser's by default;
 * unit tests hand in a fake socket, a Map-backed storage and in-memory doc stores.
 */
import { io } from 'socket.io-client';
import { wireParser } from '../../../../shared/protocol/wire.js';
import { cacheBoard, checkSession, forgetBoard, liveApi, members, type BoardInfo, type User } from '../api.js';
import type { ClientSocket } from '../sync/board-connection.js';
import type { OpenLocalStore } from './board-docs.svelte.js';
import type { KeyValueStore } from './board-storage.js';
import type { LiveReviewDeps } from './live-review.svelte.js';
import type { FetchMembers } from './member-names.svelte.js';

/** What a BoardState needs from its surroundings; the browser's by default, stand-ins in tests. */
export interface BoardStateEnv {
  socket: ClientSocket;
  storage: KeyValueStore;
  openStore?: OpenLocalStore;
  online: boolean;
  /** Browser events (online/offline, page hidden); null where there is no window. */
  window: Pick<Window, 'addEventListener' | 'removeEventListener'> | null;
  members: FetchMembers;
  liveApi: LiveReviewDeps['api'] & Pick<typeof liveApi, 'time'>;
  cacheInfo(info: BoardInfo): void;
  forgetInfo(): void;
}

export function browserEnv(info: BoardInfo, user: User): BoardStateEnv {
  return {
    socket: sessionSocket(),
    storage: localStorage,
    online: navigator.onLine,
    window,
    members: () => members(info.id),
    liveApi,
    cacheInfo: (i) => cacheBoard(user.id, i),
    forgetInfo: () => forgetBoard(user.id, info.id),
  };
}

/**
 * The board's Socket.IO connection, authenticated by the session cookie that the same-origin
 * upgrade carries. Closed by the server (signed out elsewhere, expired) or the session refused:
 * a REST call's 401 then tells the Session, which returns to the start page.
 */
function sessionSocket(): ClientSocket {
  const socket = io({ parser: wireParser, autoConnect: false, transports: ['websocket'] }) as ClientSocket;
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') void checkSession();
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'UNAUTHORIZED') void checkSession();
  });
  return socket;
}
