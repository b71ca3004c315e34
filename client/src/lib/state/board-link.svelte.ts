/**
 * BoardLink: one open board's connection to the server as the views see it — the socket
 * and its BoardConnection, whether the device is online and the board connected and saved,
 * this user's role and document list as the server last said (`info`), whether the server
 * removed the user, and the last refusal to show. What the server's pushes mean for the
 * documents, names and drafts is left to the hooks.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { BoardStatePush, JoinResult } from '../../../../shared/protocol/events.js';
import type { BoardInfo } from '../../../../shared/protocol/rest.js';
import { BoardConnection, type ClientSocket } from '../sync/board-connection.js';

export interface BoardLinkHooks {
  /** Joined (again): `info` holds the new role and documents. */
  onJoin?(join: JoinResult): void;
  /** The document list changed (a membership change, or reviewer docs got content). */
  onDocs?(docs: string[], why: 'membership' | 'content'): void;
  /** Archived, unarchived or renamed [B1, B4]. */
  onState?(push: BoardStatePush): void;
  /** The server refused a public vote on a sealed claim (SEALED). */
  onSealed?(): void;
  /** `info` changed (to cache it for offline starts). */
  onInfo?(info: BoardInfo): void;
  /** The server removed this user from the board. */
  onRemoved?(): void;
}

export class BoardLink {
  readonly socket: ClientSocket;
  readonly conn: BoardConnection;
  #hooks: BoardLinkHooks;
  #info: BoardInfo = $state.raw() as BoardInfo;
  #online = $state(true);
  /** Set when the server says this user is no longer a member: syncing stops for good. */
  #removed = $state(false);
  #lastError = $state<string | null>(null);
  /** Bumped whenever the server reports that the board's membership changed. */
  #membershipVersion = $state(0);
  #notifyStatus: (() => void) | null = null;
  #subscribeStatus = createSubscriber((update) => {
    this.#notifyStatus = update;
    return () => {
      this.#notifyStatus = null;
    };
  });
  #destroyed = false;

  constructor(socket: ClientSocket, info: BoardInfo, online: boolean, hooks: BoardLinkHooks = {}) {
    this.socket = socket;
    this.#info = info;
    this.#online = online;
    this.#hooks = hooks;
    const status = () => this.#notifyStatus?.();
    this.conn = new BoardConnection(socket, info.id, {
      onStatus: status,
      onJoin: (join) => {
        this.#setInfo({ ...this.#info, role: join.role, docs: join.docs, writable: join.writable, archived: join.archived });
        this.#hooks.onJoin?.(join);
        status();
      },
      // A new role arrives through the re-join BoardConnection makes (onJoin above).
      onAccess: (role) => {
        if (role === null) this.#stopRemoved();
        status();
      },
      onDocs: (docs, why) => {
        this.#setInfo({ ...this.#info, docs });
        if (why === 'membership') this.#membershipVersion++;
        this.#hooks.onDocs?.(docs, why);
      },
      onState: (push) => {
        this.#setInfo({ ...this.#info, archived: push.archived });
        this.#hooks.onState?.(push);
      },
      onError: (e) => {
        if (e.code === 'SEALED') {
          this.#hooks.onSealed?.();
          return;
        }
        this.#lastError = e.message;
        status();
      },
    });
  }

  #setInfo(info: BoardInfo): void {
    this.#info = info;
    this.#hooks.onInfo?.(info);
  }

  /** Connects unless offline or removed. */
  start(): void {
    if (this.#online && !this.#destroyed && !this.#removed) this.socket.connect();
  }

  /** The device went online or offline (the browser's events). */
  setOnline(online: boolean): void {
    this.#online = online;
    if (online) this.start();
    else this.socket.disconnect();
  }

  /** Removed from the board: stop syncing (the server already dropped our subscriptions)
   * and keep what is on screen read-only. */
  #stopRemoved(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#lastError = null;
    this.socket.disconnect();
    this.#membershipVersion++;
    this.#hooks.onRemoved?.();
  }

  /** Connection status as booleans, so views update only when a value flips. */
  #connected = $derived.by(() => {
    this.#subscribeStatus();
    return this.conn.connected;
  });
  #saved = $derived.by(() => {
    this.#subscribeStatus();
    return this.conn.saved;
  });

  get info(): BoardInfo {
    return this.#info;
  }
  get online(): boolean {
    return this.#online;
  }
  get connected(): boolean {
    return this.#connected;
  }
  /** Connected, synced, and every local change acknowledged as stored. */
  get saved(): boolean {
    return this.#saved;
  }
  get removed(): boolean {
    return this.#removed;
  }
  get membershipVersion(): number {
    return this.#membershipVersion;
  }
  get lastError(): string | null {
    return this.#lastError;
  }
  /** Shows a refusal (or clears it with null). */
  report(message: string | null): void {
    this.#lastError = message;
  }

  destroy(): void {
    this.#destroyed = true;
    this.conn.destroy();
    this.socket.close();
  }
}
