/**
 * Presence per board [W1–W7]: one y-protocols Awareness shared by every connection of a
 * board on both transports. A connection may publish states only for the Yjs client ids
 * it introduced itself, and only a few of them; the `user` of every state it publishes is
 * the connection's own user; its states are removed when it leaves or drops.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeAwareness, encodeAwareness, type AwarenessEntry } from '../../shared/protocol/sync-codec.js';
import { ErrorCode, fail, ok, type Ack } from '../../shared/protocol/errors.js';

export interface PresencePeer {
  readonly id: string;
  sendAwareness(boardId: string, update: Uint8Array): void;
}

/** Who sends an awareness update: the connection, and the user it authenticated as. */
export interface PresenceSender {
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state as published [W7]: `user` is the sender's `{ id, name }` whatever the client
 * put there (other fields of a `user` object, such as a colour, are kept), so nobody can
 * appear as someone else. The client reads exactly these two fields (client/src/lib/state/presence.svelte.ts).
 */
function stamp(state: Record<string, unknown>, by: PresenceSender): Record<string, unknown> {
  const user = isPlainObject(state.user) ? state.user : {};
  return { ...state, user: { ...user, id: by.userId, name: by.userName } };
}

/** Origin of states that came from another process (cluster mode) [W8]. */
export const REMOTE = Symbol('remote presence');

/** What a board's presence tells the cluster relay: every change made here (not those that came from elsewhere). */
export type LocalPresenceListener = (boardId: string, update: Uint8Array) => void;

export class BoardPresence {
  readonly awareness: awarenessProtocol.Awareness;
  readonly #doc = new Y.Doc();
  readonly #owner = new Map<number, string>();
  readonly #byConn = new Map<string, Set<number>>();
  readonly peers = new Map<string, PresencePeer>();

  /** Remote client id → the node (process) it lives on [W8]. */
  readonly #remote = new Map<number, string>();

  constructor(
    readonly boardId: string,
    private readonly maxStateBytes: number,
    /** Distinct client ids one connection may introduce [W5]. */
    private readonly maxClientsPerConn: number = Infinity,
    private readonly onLocal: LocalPresenceListener | null = null,
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.#doc);
    this.awareness.setLocalState(null);
    this.awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        if (changed.length === 0) return;
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        for (const p of this.peers.values()) if (p.id !== origin) p.sendAwareness(this.boardId, update);
        if (origin !== REMOTE) {
          // Changes made here go to the other processes; a state timed out here that came
          // from elsewhere is that process's to time out, not ours to announce.
          const mine = changed.filter((c) => !this.#remote.has(c));
          if (mine.length > 0) this.onLocal?.(this.boardId, mine.length === changed.length ? update : awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine));
        }
        for (const c of removed) this.#remote.delete(c);
      },
    );
  }

  join(peer: PresencePeer): void {
    this.peers.set(peer.id, peer);
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length > 0) {
      peer.sendAwareness(this.boardId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    }
  }

  /**
   * Applies a presence update from a peer. Entries for client ids another connection
   * introduced are dropped: silently when they merely repeat what the server already has
   * (stock y-websocket providers echo every state they receive), with FORBIDDEN when they
   * try to change it (spoofing). Echoes of departed clients (a removal, or a state no newer
   * than the server's) belong to nobody and are dropped silently too. A new client id past
   * the connection's cap is dropped with AWARENESS_CLIENT_LIMIT [W5]; an oversized state
   * with PAYLOAD_TOO_LARGE; a state that is not an object with BAD_REQUEST. Accepted
   * states carry the sender's user [W7]. What is accepted is charged to `budget` (bytes, as
   * re-encoded) before it is applied, so echoes that are dropped cost a stock provider
   * nothing [W6]; a refusal from it drops the whole update.
   */
  apply(by: PresenceSender, update: Uint8Array, budget: (bytes: number) => Ack<never> | null = () => null): Ack<null> {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwareness(update);
    } catch (err) {
      return fail(ErrorCode.BadRequest, `malformed awareness update: ${(err as Error).message}`);
    }
    const peerId = by.id;
    let mine = this.#byConn.get(peerId);
    const introduced = new Set<number>();
    let refusal: Ack<null> | null = null;
    const accepted: AwarenessEntry[] = [];
    for (const e of entries) {
      const owner = this.#owner.get(e.clientId);
      const known = this.awareness.meta.get(e.clientId)?.clock ?? -1;
      if (owner !== undefined && owner !== peerId) {
        if (e.clock > known) refusal = fail(ErrorCode.Forbidden, `awareness client ${e.clientId} belongs to another connection`);
        continue;
      }
      if (owner === undefined) {
        if (e.state === null || e.clock <= known) continue;
        if (!introduced.has(e.clientId) && (mine?.size ?? 0) + introduced.size >= this.maxClientsPerConn) {
          refusal = fail(ErrorCode.AwarenessClientLimit, `more than ${this.maxClientsPerConn} awareness clients on one connection`);
          continue;
        }
      }
      if (e.state !== null) {
        if (!isPlainObject(e.state)) {
          refusal = fail(ErrorCode.BadRequest, 'an awareness state must be an object');
          continue;
        }
        if (JSON.stringify(e.state).length > this.maxStateBytes) {
          refusal = fail(ErrorCode.PayloadTooLarge, `awareness state over ${this.maxStateBytes} bytes`);
          continue;
        }
      }
      if (owner === undefined) introduced.add(e.clientId);
      accepted.push(e.state === null ? e : { ...e, state: stamp(e.state as Record<string, unknown>, by) });
    }
    if (accepted.length > 0) {
      const bytes = encodeAwareness(accepted);
      const over = budget(bytes.length);
      if (over) return over;
      if (!mine) this.#byConn.set(peerId, (mine = new Set()));
      for (const e of accepted) {
        this.#owner.set(e.clientId, peerId);
        mine.add(e.clientId);
      }
      awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, peerId);
    }
    return refusal ?? ok(null);
  }

  /**
   * States published by another process [W8]: applied as they are (that process checked and
   * stamped them), never over a state a connection of this process owns. They are marked as
   * the node's, so a local connection cannot take them over, and dropped with `forgetNode`.
   */
  applyRemote(nodeId: string, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwareness(update);
    } catch {
      return;
    }
    const accepted = entries.filter((e) => !this.#owner.has(e.clientId) || this.#remote.has(e.clientId));
    if (accepted.length === 0) return;
    for (const e of accepted) {
      this.#owner.set(e.clientId, `remote:${nodeId}`);
      this.#remote.set(e.clientId, nodeId);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, accepted.length === entries.length ? update : encodeAwareness(accepted), REMOTE);
    for (const e of accepted) if (e.state === null) this.#owner.delete(e.clientId);
  }

  /** The states this process's own connections hold, for another process that just opened the board. */
  localSnapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()].filter((c) => !this.#remote.has(c));
    return clients.length ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  /** A process stopped answering: its states leave (told to local peers as removals). */
  forgetNode(nodeId: string): void {
    const gone = [...this.#remote].filter(([, n]) => n === nodeId).map(([c]) => c);
    if (gone.length === 0) return;
    for (const c of gone) this.#owner.delete(c);
    awarenessProtocol.removeAwarenessStates(this.awareness, gone, REMOTE);
  }

  /** Everything the board's awareness holds, for a y-websocket query. */
  snapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    return clients.length ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients) : null;
  }

  /** Drops a peer and its states (told to the others as removals). */
  leave(peerId: string): void {
    this.peers.delete(peerId);
    const mine = this.#byConn.get(peerId);
    this.#byConn.delete(peerId);
    if (mine && mine.size > 0) {
      for (const c of mine) this.#owner.delete(c);
      awarenessProtocol.removeAwarenessStates(this.awareness, [...mine], 'disconnect');
    }
  }

  get empty(): boolean {
    return this.peers.size === 0;
  }

  destroy(): void {
    this.awareness.destroy();
    this.#doc.destroy();
  }
}
