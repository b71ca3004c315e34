/**
 * Presence across processes [W8]: who is on a board, whichever process they are connected
 * to. Each process relays the awareness changes its own connections make on the board's
 * Redis channel; a process that opens a board asks the others for what their connections
 * hold; every process says it is alive every second on a shared channel, and the states of a
 * process not heard from for 5 s leave every board (a process killed without a goodbye).
 * Presence is ephemeral: while Redis is down it stays per process and catches up after.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Hub } from '../realtime/hub.js';
import type { RedisPeerBus } from './redis-peer-bus.js';

const UPDATE = 0;
const QUERY = 1;
const ALIVE_CHANNEL = 'cb:nodes';
const presenceChannel = (boardId: string) => `cb:aw:{${boardId}}`;

export interface PresenceRelayOptions {
  aliveEveryMs?: number;
  /** A node not heard from for this long has its states removed. */
  deadAfterMs?: number;
}

function frame(kind: number, nodeId: string, boardId: string, update?: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, kind);
  encoding.writeVarString(e, nodeId);
  encoding.writeVarString(e, boardId);
  if (update) encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export class PresenceRelay {
  readonly #hub: Hub;
  readonly #bus: RedisPeerBus;
  readonly #lastHeard = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  readonly #deadAfterMs: number;

  constructor(hub: Hub, bus: RedisPeerBus, o: PresenceRelayOptions = {}) {
    this.#hub = hub;
    this.#bus = bus;
    this.#deadAfterMs = o.deadAfterMs ?? 5_000;
    hub.relayPresence({
      local: (boardId, update) => bus.send(presenceChannel(boardId), frame(UPDATE, bus.nodeId, boardId, update)),
      opened: (boardId) => {
        void bus.listen(presenceChannel(boardId), this.#onBoardMessage).then(() => bus.send(presenceChannel(boardId), frame(QUERY, bus.nodeId, boardId)));
      },
      closed: (boardId) => bus.unlisten(presenceChannel(boardId)),
    });
    void bus.listen(ALIVE_CHANNEL, this.#onAlive);
    this.#timer = setInterval(() => this.#tick(), o.aliveEveryMs ?? 1_000);
    this.#timer.unref();
  }

  #tick(): void {
    this.#bus.send(ALIVE_CHANNEL, encoding.encode((e) => encoding.writeVarString(e, this.#bus.nodeId)));
    const now = Date.now();
    for (const [node, at] of this.#lastHeard) {
      if (now - at < this.#deadAfterMs) continue;
      this.#lastHeard.delete(node);
      for (const p of this.#hub.boardPresences()) p.forgetNode(node);
    }
  }

  readonly #onAlive = (message: Buffer): void => {
    try {
      const node = decoding.readVarString(decoding.createDecoder(new Uint8Array(message)));
      if (node !== this.#bus.nodeId) this.#lastHeard.set(node, Date.now());
    } catch {
      // not ours
    }
  };

  readonly #onBoardMessage = (message: Buffer): void => {
    try {
      const d = decoding.createDecoder(new Uint8Array(message));
      const kind = decoding.readUint8(d);
      const nodeId = decoding.readVarString(d);
      const boardId = decoding.readVarString(d);
      if (nodeId === this.#bus.nodeId) return;
      const presence = this.#hub.boardPresence(boardId);
      if (!presence) return;
      if (!this.#lastHeard.has(nodeId)) this.#lastHeard.set(nodeId, Date.now());
      if (kind === QUERY) {
        const mine = presence.localSnapshot();
        if (mine) this.#bus.send(presenceChannel(boardId), frame(UPDATE, this.#bus.nodeId, boardId, mine));
      } else if (kind === UPDATE) {
        presence.applyRemote(nodeId, decoding.readVarUint8Array(d));
      }
    } catch {
      // a frame that does not decode is dropped
    }
  };

  close(): void {
    clearInterval(this.#timer);
  }
}
