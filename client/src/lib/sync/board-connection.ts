/**
 * BoardConnection: keeps a board's Y.Docs in sync with the server over Socket.IO
 * (PROTOCOL.md). Works in the browser and in Node (tests, bots); no DOM APIs.
 *
 * - join → one `sync:open` for every attached doc (docs attached later in one tick share
 *   one too): the ack carries, per doc, the server's step 2 and its state vector; we
 *   answer with a step 2 of whatever the server lacks, then stream local updates.
 * - Local updates are sent only while joined; anything made offline or unacknowledged is
 *   carried by the state-vector exchange after every (re)connect, so nothing is lost.
 * - `saved` is true when every local change has been acknowledged as stored [S1];
 *   `onStatus` fires whenever it may have changed, from the moment a write goes out.
 */
import type { Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Ack, ErrorBody } from '../../../../shared/protocol/errors.js';
import {
  MAX_OPEN_DOCS,
  type BoardDocsPush,
  type BoardStatePush,
  type ClientToServerEvents,
  type JoinResult,
  type ServerToClientEvents,
  type SyncOpenResult,
  type WireBytes,
} from '../../../../shared/protocol/events.js';
import { decodeSync, encodeSync, SyncType } from '../../../../shared/protocol/sync-codec.js';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/version.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const bytes = (b: WireBytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** `list` followed by the keys of `more` it lacks. */
const union = (list: string[], more: Iterable<string>): string[] => [...new Set([...list, ...more])];

/**
 * Applies a server update unless it is the empty one ([0 structs, 0 delete-set clients]),
 * which is what most docs of a large board answer a join with: a transaction per empty doc
 * costs more than the rest of the join.
 */
function applyServerUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  if (update.length === 2 && update[0] === 0 && update[1] === 0) return;
  Y.applyUpdate(doc, update, origin);
}

export interface BoardConnectionEvents {
  /** Something the server refused (a write this user may not make, malformed data…). */
  onError?: (error: ErrorBody & { docKey?: string }) => void;
  /** Joined (again) with this role and these docs. */
  onJoin?: (join: JoinResult) => void;
  onStatus?: () => void;
  onAccess?: (role: string | null) => void;
  /**
   * The board's document list changed (attach the new ones you want) [T8b]: a membership
   * change (`membership`), or reviewer docs that got their first content (`content`).
   */
  onDocs?: (docs: string[], why: 'membership' | 'content') => void;
  /** The board was archived, unarchived or renamed [B1, B4]. */
  onState?: (push: BoardStatePush) => void;
}

export class BoardConnection {
  readonly socket: ClientSocket;
  readonly boardId: string;
  readonly awareness: awarenessProtocol.Awareness;
  readonly #docs = new Map<string, Y.Doc>();
  readonly #handlers = new Map<string, (u: Uint8Array, origin: unknown) => void>();
  readonly #synced = new Set<string>();
  /** Docs whose server step 1 was answered: from then on local updates stream directly. */
  readonly #streaming = new Set<string>();
  #join: JoinResult | null = null;
  #unacked = 0;
  /** Local changes not yet sent (made while offline or before joining). */
  #dirty = new Set<string>();
  #events: BoardConnectionEvents;
  #waiters: Array<() => void> = [];
  /** Docs whose local changes the server holds back for now (SEALED). */
  readonly #held = new Set<string>();
  #destroyed = false;

  constructor(socket: ClientSocket, boardId: string, events: BoardConnectionEvents = {}, awarenessDoc?: Y.Doc) {
    this.socket = socket;
    this.boardId = boardId;
    this.#events = events;
    this.awareness = new awarenessProtocol.Awareness(awarenessDoc ?? new Y.Doc());
    this.awareness.on('update', this.#onLocalAwareness);
    socket.on('connect', this.#onConnect);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('sync:message', this.#onSyncMessage);
    socket.on('sync:updates', this.#onSyncUpdates);
    socket.on('awareness:update', this.#onAwareness);
    socket.on('board:access', this.#onAccess);
    socket.on('board:docs', this.#onDocs);
    socket.on('board:state', this.#onState);
    if (socket.connected) this.#onConnect();
  }

  get role(): string | null {
    return this.#join?.role ?? null;
  }
  get joinResult(): JoinResult | null {
    return this.#join;
  }
  get connected(): boolean {
    return this.socket.connected && this.#join !== null;
  }
  /** Every attached doc finished its state exchange since the last (re)connect. */
  get synced(): boolean {
    return this.connected && [...this.#docs.keys()].every((k) => this.#synced.has(k));
  }
  /** Nothing local is waiting to reach the store. */
  get saved(): boolean {
    return this.synced && this.#unacked === 0 && this.#dirty.size === 0;
  }

  /** Adds a doc to keep in sync; the same Y.Doc may carry offline state from IndexedDB. */
  attach(docKey: string, doc: Y.Doc): void {
    if (this.#docs.has(docKey)) return;
    this.#docs.set(docKey, doc);
    const h = (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      if (!this.#mayWrite(docKey)) {
        if (this.#join) this.#events.onError?.({ code: 'READ_ONLY', message: `you may not write ${docKey}`, docKey });
        return;
      }
      if (!this.connected || !this.#streaming.has(docKey)) {
        this.#dirty.add(docKey);
        this.#status();
        return;
      }
      this.#send(docKey, encodeSync(SyncType.Update, update));
    };
    this.#handlers.set(docKey, h);
    doc.on('update', h);
    if (this.connected) this.#syncDoc(docKey);
  }

  /** Docs with local changes the server refused for now (a sealed round). */
  get held(): ReadonlySet<string> {
    return this.#held;
  }

  /** Runs the state exchange again for held docs (call it after a reveal). */
  retryHeld(): void {
    const keys = [...this.#held];
    this.#held.clear();
    if (this.connected) for (const k of keys) this.#syncDoc(k);
  }

  doc(docKey: string): Y.Doc | undefined {
    return this.#docs.get(docKey);
  }

  /** Resolves when connected, synced and everything local is acknowledged. */
  whenSaved(): Promise<void> {
    if (this.saved) return Promise.resolve();
    return new Promise((r) => this.#waiters.push(r));
  }

  #mayWrite(docKey: string): boolean {
    // Before the first join we do not know yet; the server decides and refuses if need be.
    // While the board is archived local changes wait here (they are refused anyway) [B1].
    return this.#join === null || (!this.#join.archived && this.#join.writable.includes(docKey));
  }

  #status(): void {
    if (this.saved) {
      const w = this.#waiters;
      this.#waiters = [];
      for (const r of w) r();
    }
    this.#events.onStatus?.();
  }

  #send(docKey: string, message: Uint8Array): void {
    if (++this.#unacked === 1) this.#status(); // "saved" ends as a write goes out, not at its ack
    this.socket.emit('sync:message', { docKey, message }, (res: Ack<{ reply?: Uint8Array }>) => {
      this.#unacked--;
      if (res.ok && (this.#backoff.get(docKey) ?? 0) > 0) this.#backoff.delete(docKey);
      if (!res.ok) {
        this.#events.onError?.({ ...res.error, docKey });
        // Refused for a reason a fresh exchange can cure (missing dependencies, a restart):
        // run the state-vector exchange again; it carries whatever the server lacks.
        if (res.error.code === 'SEALED') {
          // A public vote on a claim under a sealed round: kept locally and sent again by
          // `retry` once the round is revealed (the live doc says when).
          this.#dirty.add(docKey);
          this.#streaming.delete(docKey);
          this.#held.add(docKey);
        } else if (res.error.code === 'RATE_LIMITED' || res.error.code === 'STORE_UNAVAILABLE') {
          // Over the server's budget, or nothing could be stored [K7]: kept, and sent again
          // with the next exchange after a pause.
          this.#dirty.add(docKey);
          this.#streaming.delete(docKey);
          this.#retryLater(docKey, res.error.code === 'STORE_UNAVAILABLE' ? 4_000 : 30_000);
        } else if (res.error.code !== 'READ_ONLY' && res.error.code !== 'UPDATE_TOO_LARGE' && this.connected) {
          this.#dirty.add(docKey);
          this.#streaming.delete(docKey);
          this.#syncDoc(docKey);
        }
      }
      this.#status();
    });
  }

  /** Docs waiting out a RATE_LIMITED refusal, and the pause before the next try (ms). */
  readonly #backoff = new Map<string, number>();

  /** `maxMs`: the longest pause (a store outage retries often, so the change lands soon after it ends). */
  #retryLater(docKey: string, maxMs = 30_000): void {
    if (this.#backoff.has(docKey) && this.#backoff.get(docKey)! < 0) return; // a retry is scheduled
    const wait = Math.min(maxMs, (this.#backoff.get(docKey) ?? 500) * 2);
    this.#backoff.set(docKey, -wait);
    setTimeout(() => {
      this.#backoff.set(docKey, wait);
      if (!this.#destroyed && this.connected) this.#syncDoc(docKey);
    }, wait * (0.75 + Math.random() / 2));
  }

  #onConnect = () => {
    if (this.#destroyed) return;
    this.socket.emit(
      'board:join',
      { boardId: this.boardId, protocolVersion: PROTOCOL_VERSION },
      (res: Ack<JoinResult>) => {
        if (!res.ok) {
          this.#events.onError?.(res.error);
          return;
        }
        this.#join = { ...res.value, docs: union(res.value.docs, this.#addedEarly) };
        this.#addedEarly.clear();
        this.#events.onJoin?.(this.#join);
        for (const k of this.#docs.keys()) this.#syncDoc(k);
        const local = this.awareness.getLocalState();
        if (local !== null) this.#sendAwareness([this.awareness.clientID]);
        this.#status();
      },
    );
  };

  #onDisconnect = () => {
    this.#join = null;
    this.#synced.clear();
    this.#streaming.clear();
    // Acks for frames in flight will never come; the next exchange carries their content.
    if (this.#unacked > 0) for (const k of this.#docs.keys()) this.#dirty.add(k);
    this.#unacked = 0;
    const others = [...this.awareness.getStates().keys()].filter((c) => c !== this.awareness.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, 'disconnect');
    this.#status();
  };

  /** Docs waiting for the next `sync:open`: every exchange of one tick goes in one frame. */
  readonly #opening = new Set<string>();
  #openQueued = false;

  #syncDoc(docKey: string): void {
    if (!this.#docs.has(docKey)) return;
    this.#opening.add(docKey);
    if (this.#openQueued) return;
    this.#openQueued = true;
    queueMicrotask(this.#open);
  }

  /**
   * The state exchange for every queued doc in one round trip [T3b]: our state vectors
   * out; the server's missing content and its state vectors back; then what the server
   * lacks (offline edits) goes out as step 2 for each doc we may write.
   */
  #open = (): void => {
    this.#openQueued = false;
    const keys = [...this.#opening].filter((k) => this.#docs.has(k));
    this.#opening.clear();
    if (keys.length === 0 || !this.socket.connected) return;
    // The server takes at most MAX_OPEN_DOCS per frame [T14].
    for (let i = 0; i < keys.length; i += MAX_OPEN_DOCS) this.#openSome(keys.slice(i, i + MAX_OPEN_DOCS));
  };

  #openSome(keys: string[]): void {
    const docs = keys.map((docKey) => ({ docKey, stateVector: Y.encodeStateVector(this.#docs.get(docKey)!) }));
    this.socket.emit('sync:open', { docs }, (res: Ack<{ docs: SyncOpenResult[] }>) => {
      if (!res.ok) {
        this.#events.onError?.(res.error);
        return;
      }
      for (const r of res.value.docs) {
        const doc = this.#docs.get(r.docKey);
        if (!doc) continue;
        if (!r.ok) {
          this.#events.onError?.({ ...r.error, docKey: r.docKey });
          continue;
        }
        applyServerUpdate(doc, bytes(r.update), this);
        this.#answerServerState(r.docKey, doc, bytes(r.stateVector));
        this.#synced.add(r.docKey);
      }
      this.#status();
    });
  }

  /** The server's state vector: send it what it lacks (our offline edits), then stream. */
  #answerServerState(docKey: string, doc: Y.Doc, stateVector: Uint8Array): void {
    // Held back by the server (a sealed round): stays dirty until `retryHeld`.
    if (this.#held.has(docKey)) return;
    if (this.#mayWrite(docKey)) {
      const diff = Y.encodeStateAsUpdate(doc, stateVector);
      if (diff.length > 2) this.#send(docKey, encodeSync(SyncType.Step2, diff));
    }
    this.#streaming.add(docKey);
    this.#dirty.delete(docKey);
  }

  #onSyncMessage = ({ docKey, message }: { docKey: string; message: WireBytes }) => {
    this.#applyServerMessage(docKey, bytes(message));
  };

  #onSyncUpdates = ({ updates }: { updates: Array<{ docKey: string; message: WireBytes }> }) => {
    for (const u of updates) this.#applyServerMessage(u.docKey, bytes(u.message));
  };

  #applyServerMessage(docKey: string, message: Uint8Array): void {
    const doc = this.#docs.get(docKey);
    if (!doc) return;
    const m = decodeSync(message);
    if (m.type === SyncType.Step1) {
      this.#answerServerState(docKey, doc, m.payload);
      this.#status();
      return;
    }
    applyServerUpdate(doc, m.payload, this);
  }

  #onAwareness = ({ boardId, update }: { boardId: string; update: WireBytes }) => {
    if (boardId !== this.boardId) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes(update), this);
  };

  #onAccess = ({ boardId, role }: { boardId: string; role: string | null }) => {
    if (boardId !== this.boardId) return;
    this.#events.onAccess?.(role);
    if (role === null) this.#join = null;
    else if (this.socket.connected) this.#onConnect();
  };

  /**
   * Archived or unarchived [B1]: after an unarchive, join again so that changes held back
   * meanwhile go out with the fresh exchange.
   */
  #onState = (push: BoardStatePush) => {
    if (push.boardId !== this.boardId) return;
    const was = this.#join?.archived;
    if (this.#join) this.#join = { ...this.#join, archived: push.archived };
    this.#events.onState?.(push);
    if (was === true && !push.archived && this.socket.connected) this.#onConnect();
  };

  /** Docs announced as added before the join's answer came (merged into it) [T8b]. */
  readonly #addedEarly = new Set<string>();

  #onDocs = (push: BoardDocsPush) => {
    if (push.boardId !== this.boardId) return;
    if (push.docs) {
      if (this.#join) this.#join = { ...this.#join, docs: push.docs };
      this.#events.onDocs?.(push.docs, 'membership');
      return;
    }
    if (!this.#join) {
      for (const k of push.added) this.#addedEarly.add(k);
      return;
    }
    const docs = union(this.#join.docs, push.added);
    this.#join = { ...this.#join, docs };
    this.#events.onDocs?.(docs, 'content');
  };

  #onLocalAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === this || origin === 'disconnect') return;
    const changed = [...added, ...updated, ...removed].filter((c) => c === this.awareness.clientID);
    if (changed.length && this.connected) this.#sendAwareness(changed);
  };

  #sendAwareness(clients: number[]): void {
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
    this.socket.emit('awareness:update', { boardId: this.boardId, update });
  }

  destroy(): void {
    this.#destroyed = true;
    for (const [k, h] of this.#handlers) this.#docs.get(k)?.off('update', h);
    this.socket.off('connect', this.#onConnect);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('sync:message', this.#onSyncMessage);
    this.socket.off('sync:updates', this.#onSyncUpdates);
    this.socket.off('awareness:update', this.#onAwareness);
    this.socket.off('board:access', this.#onAccess);
    this.socket.off('board:docs', this.#onDocs);
    this.socket.off('board:state', this.#onState);
    this.awareness.destroy();
  }
}
