/**
 * Presence per board [W1–W3]: one y-protocols Awareness shared by every connection of a
 * board on both transports. A connection may publish states only for the Yjs client ids
 * it introduced itself; its states are removed when it leaves or drops.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeAwareness, encodeAwareness, type AwarenessEntry } from '../../shared/protocol/sync-codec.js';
import { ErrorCode, fail, ok, type Ack } from '../../shared/protocol/errors.js';

export interface PresencePeer {
  readonly id: string;
  sendAwareness(boardId: string, update: Uint8Array): void;
}

export class BoardPresence {
  readonly awareness: awarenessProtocol.Awareness;
  readonly #doc = new Y.Doc();
  readonly #owner = new Map<number, string>();
  readonly #byConn = new Map<string, Set<number>>();
  readonly peers = new Map<string, PresencePeer>();

  constructor(
    readonly boardId: string,
    private readonly maxStateBytes: number,
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
   * try to change it (spoofing). Oversized states are dropped with PAYLOAD_TOO_LARGE.
   */
  apply(peerId: string, update: Uint8Array): Ack<null> {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwareness(update);
    } catch (err) {
      return fail(ErrorCode.BadRequest, `malformed awareness update: ${(err as Error).message}`);
    }
    let refusal: Ack<null> | null = null;
    const accepted: AwarenessEntry[] = [];
    for (const e of entries) {
      const owner = this.#owner.get(e.clientId);
      if (owner !== undefined && owner !== peerId) {
        const known = this.awareness.meta.get(e.clientId)?.clock ?? -1;
        if (e.clock > known) refusal = fail(ErrorCode.Forbidden, `awareness client ${e.clientId} belongs to another connection`);
        continue;
      }
      if (e.state !== null && JSON.stringify(e.state).length > this.maxStateBytes) {
        refusal = fail(ErrorCode.PayloadTooLarge, `awareness state over ${this.maxStateBytes} bytes`);
        continue;
      }
      accepted.push(e);
    }
    if (accepted.length > 0) {
      let mine = this.#byConn.get(peerId);
      if (!mine) this.#byConn.set(peerId, (mine = new Set()));
      for (const e of accepted) {
        this.#owner.set(e.clientId, peerId);
        mine.add(e.clientId);
      }
      const bytes = accepted.length === entries.length ? update : encodeAwareness(accepted);
      awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, peerId);
    }
    return refusal ?? ok(null);
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
