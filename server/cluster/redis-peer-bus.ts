/**
 * Document frames between processes over Redis sharded pub/sub [K6], one channel per
 * document, subscribed while the document is in memory. Redis is never on the acknowledgement
 * path: publishing happens after the commit and the local broadcast, is fire-and-forget, and
 * is dropped while Redis is unreachable (no offline queue: the catch-up tick reads what was
 * missed from PostgreSQL [K5]). A subscription that cannot be made at once (Redis down) does
 * not hold a load up; after a reconnect every channel is subscribed again and `onReconnect`
 * listeners catch up.
 */
import type { Logger } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import { decodePeerFrame, encodePeerFrame, type PeerFrame } from './peer-frame.js';

export interface PeerBusOptions {
  /** Updates larger than this are published as a pointer only. */
  maxInlineBytes?: number;
  /** How long a load waits for its subscription before going on without it. */
  subscribeTimeoutMs?: number;
}

const channelOf = (docKey: string): string => `cb:doc:{${docKey}}`;

export class RedisPeerBus {
  readonly nodeId: string;
  readonly #logger: Logger;
  readonly #pub: RedisClientType;
  readonly #sub: RedisClientType;
  /** Subscribed channels and who reads each (document frames, presence) [K6, W8]. */
  readonly #channels = new Map<string, (message: Buffer) => void>();
  readonly #frameListeners: Array<(f: PeerFrame) => void> = [];
  readonly #reconnectListeners: Array<() => void> = [];
  readonly #maxInline: number;
  readonly #subscribeTimeoutMs: number;
  readonly stats = { published: 0, dropped: 0, received: 0, malformed: 0 };
  #closed = false;

  constructor(url: string, nodeId: string, logger: Logger, o: PeerBusOptions = {}) {
    this.nodeId = nodeId;
    this.#logger = logger;
    this.#maxInline = o.maxInlineBytes ?? 64 * 1024;
    this.#subscribeTimeoutMs = o.subscribeTimeoutMs ?? 500;
    const options = {
      url,
      disableOfflineQueue: true,
      pingInterval: 2_000,
      socket: {
        connectTimeout: 2_000,
        socketTimeout: 5_000,
        // Retry for ever, quickly at first: Redis coming back must heal fan-out on its own.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000),
      },
    };
    this.#pub = createClient(options) as RedisClientType;
    this.#sub = createClient(options) as RedisClientType;
    for (const [name, c] of [['publisher', this.#pub], ['subscriber', this.#sub]] as const) {
      c.on('error', (err: Error) => this.#logger.debug({ err: err.message, client: name }, 'redis error'));
    }
    this.#sub.on('ready', () => {
      if (this.#closed) return;
      void this.#resubscribe().finally(() => {
        for (const l of this.#reconnectListeners) l();
      });
    });
  }

  /** Connects in the background; the server starts (and acknowledges edits) without Redis. */
  start(): void {
    for (const c of [this.#pub, this.#sub]) c.connect().catch((err: Error) => this.#logger.warn({ err: err.message }, 'redis not reachable yet; retrying'));
  }

  get connected(): boolean {
    return this.#pub.isReady && this.#sub.isReady;
  }

  onFrame(l: (f: PeerFrame) => void): void {
    this.#frameListeners.push(l);
  }

  /** Called each time the subscriber (re)connects, after its channels are subscribed again. */
  onReconnect(l: () => void): void {
    this.#reconnectListeners.push(l);
  }

  /** Subscribes to a document's channel; resolves within the timeout even while Redis is down. */
  subscribe(docKey: string): Promise<void> {
    return this.listen(channelOf(docKey), this.#onMessage);
  }

  unsubscribe(docKey: string): void {
    this.unlisten(channelOf(docKey));
  }

  /** Any sharded channel (presence uses its own); kept across reconnects, bounded wait. */
  async listen(channel: string, handler: (message: Buffer) => void): Promise<void> {
    this.#channels.set(channel, handler);
    if (!this.#sub.isReady) return;
    await Promise.race([
      this.#sub.sSubscribe(channel, handler, true).catch((err: Error) => this.#logger.debug({ err: err.message }, 'subscribe failed')),
      new Promise((r) => setTimeout(r, this.#subscribeTimeoutMs).unref()),
    ]);
  }

  unlisten(channel: string): void {
    if (!this.#channels.delete(channel)) return;
    if (this.#sub.isReady) void this.#sub.sUnsubscribe(channel).catch(() => undefined);
  }

  /** Fire and forget, dropped while Redis is away (like document frames). */
  send(channel: string, bytes: Uint8Array): void {
    if (!this.#pub.isReady) return;
    this.#pub.sPublish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(() => undefined);
  }

  /** After the commit and the local broadcast: fire and forget, dropped while Redis is away. */
  publish(docKey: string, seq: number, update: Uint8Array): void {
    if (!this.#pub.isReady) {
      this.stats.dropped++;
      return;
    }
    const frame = encodePeerFrame({ nodeId: this.nodeId, docKey, seq, update: update.length <= this.#maxInline ? update : null });
    this.stats.published++;
    this.#pub.sPublish(channelOf(docKey), Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)).catch(() => {
      this.stats.dropped++;
    });
  }

  readonly #onMessage = (message: Buffer): void => {
    const f = decodePeerFrame(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    if (!f) {
      this.stats.malformed++;
      return;
    }
    if (f.nodeId === this.nodeId) return;
    this.stats.received++;
    for (const l of this.#frameListeners) l(f);
  };

  async #resubscribe(): Promise<void> {
    await Promise.all(
      [...this.#channels].map(([ch, handler]) => this.#sub.sSubscribe(ch, handler, true).catch((err: Error) => this.#logger.warn({ err: err.message }, 'resubscribe failed'))),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const c of [this.#pub, this.#sub]) {
      try {
        c.destroy();
      } catch {
        // already closed
      }
    }
  }
}
