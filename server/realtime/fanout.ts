/**
 * Fan-out of committed updates to the connections subscribed to their docs [T5], for both
 * transports: never back to the sender, everything committed in one turn together, one
 * frame per recipient per flush, encoded once per group of recipients that get the same
 * updates, and flushes spaced by load.
 */
import type { Logger } from 'pino';
import { encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import type { CommittedUpdate } from '../docs/registry.js';
import { sourceConn } from '../docs/origins.js';

/** One committed update as the fan-out hands it to a transport. */
export interface OutboundUpdate {
  readonly docKey: string;
  /** The Yjs update (validated and committed). */
  readonly update: Uint8Array;
  /** The same update as a y-protocols sync message (type 2), encoded once per flush. */
  readonly message: Uint8Array;
}

/**
 * How a transport delivers committed updates. The fan-out groups the recipients of one
 * flush that get exactly the same updates and calls `sendUpdates` once per group, so a
 * transport can encode the frame once and write it to every connection of the group.
 */
export interface UpdateChannel {
  sendUpdates(conns: readonly Recipient[], updates: readonly OutboundUpdate[]): void;
}

/** What the fan-out needs of a connection (the hub's `Conn` is one). */
export interface Recipient {
  readonly id: string;
  readonly channel: UpdateChannel;
}

/**
 * A flush costs one frame (one write) per recipient. The next flush waits `fanoutIntervalMs`
 * per FANOUT_STRETCH_FROM recipients of the last one, so up to 160 recipients the server
 * writes about 8,000 frames a second at most (with the default 10 ms) whatever the number
 * of writers, while small rooms, which gain nothing from waiting, get their updates within
 * a millisecond or two (W2, rooms of 5: p50 7.5 -> 1.5 ms against a fixed 10 ms window).
 * The wait is capped at FANOUT_STRETCH_MAX times `fanoutIntervalMs` (20 ms), as it adds
 * straight to latency. Measured in W1 (tests/bench/RESULTS.md), with N=200 CPU per 1,000
 * updates against the reference y-websocket server's in the same runs:
 *   cap 25 ms: N=400 p99 36-51 ms (near the 50 ms target); N=200 0.21 frames per update per
 *     recipient, CPU 0.83-0.87x;
 *   cap 17.5 ms: N=400 p99 24-27 ms; N=200 0.30 frames, CPU 0.87-1.01x;
 *   cap 19-20 ms: N=400 p99 26-30 ms; N=200 0.27 frames, about 5% less CPU than 17.5 ms.
 */
const FANOUT_STRETCH_FROM = 80;
const FANOUT_STRETCH_MAX = 2;


export class FanOut {
  /** Updates committed since the last flush, in commit order [T5]. */
  #pending: CommittedUpdate[] = [];
  #flushQueued = false;
  /** performance.now() of the last flush. */
  #lastFlush = -Infinity;
  /** The least time from the last flush to the next (ms). */
  #interval = 0;

  constructor(
    /** The connections subscribed to a doc now (undefined: none). */
    private readonly subscribers: (docKey: string) => ReadonlySet<Recipient> | undefined,
    private readonly logger: Logger,
    /** See Config.fanoutIntervalMs. */
    private readonly intervalMs: number,
  ) {}

  /**
   * Queues a committed update for the next flush [T5]. Everything committed in one
   * event-loop turn (a group commit resolves many updates at once) goes out together, and
   * under load the next flush waits in proportion to the last one's recipients (see
   * FANOUT_STRETCH_FROM), so the frames per second stay bounded however many peers write;
   * after a quiet spell an update goes at once.
   */
  add(u: CommittedUpdate): void {
    if (!this.subscribers(u.docKey)) return;
    this.#pending.push(u);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    const wait = this.#lastFlush + this.#interval - performance.now();
    if (wait >= 1) setTimeout(this.#flush, wait);
    else setImmediate(this.#flush);
  }

  /**
   * Sends the queued updates: each subscriber gets, in commit order, the updates of the docs
   * it subscribes to except its own (no echo). Subscribers that get the same list form one
   * group, and the transport writes one frame per group member, encoded once per group.
   */
  #flush = (): void => {
    this.#flushQueued = false;
    this.#lastFlush = performance.now();
    const batch = this.#pending;
    this.#pending = [];
    const out: OutboundUpdate[] = batch.map((u) => ({
      docKey: u.docKey,
      update: u.update,
      message: encodeSync(SyncType.Update, u.update),
    }));
    const perConn = new Map<Recipient, number[]>();
    batch.forEach((u, i) => {
      const set = this.subscribers(u.docKey);
      if (!set) return;
      const skip = sourceConn(u.origin);
      for (const c of set) {
        if (c.id === skip) continue;
        const list = perConn.get(c);
        if (list) list.push(i);
        else perConn.set(c, [i]);
      }
    });
    this.#interval = this.intervalMs * Math.min(FANOUT_STRETCH_MAX, perConn.size / FANOUT_STRETCH_FROM);
    const groups = new Map<UpdateChannel, Map<string, { conns: Recipient[]; indices: number[] }>>();
    for (const [c, indices] of perConn) {
      let byList = groups.get(c.channel);
      if (!byList) groups.set(c.channel, (byList = new Map()));
      const sig = indices.join(',');
      const g = byList.get(sig);
      if (g) g.conns.push(c);
      else byList.set(sig, { conns: [c], indices });
    }
    for (const [channel, byList] of groups) {
      for (const g of byList.values()) {
        try {
          channel.sendUpdates(g.conns, g.indices.map((i) => out[i]!));
        } catch (err) {
          this.logger.warn({ err, conns: g.conns.length }, 'send failed');
        }
      }
    }
  };
}
