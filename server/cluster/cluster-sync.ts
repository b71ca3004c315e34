/**
 * Keeps this process's documents in step with the other processes of a cluster [K4–K6]:
 * - after a commit (and the local broadcast, which registered first): publish the row;
 * - a frame from another process: the registry applies it in seq order, or catches up;
 * - a document load subscribes to its channel first, then reads the store;
 * - every `tickMs` (and when Redis reconnects): compare the loaded documents' watermarks with
 *   the heads in PostgreSQL and catch up those behind. This heals a process that died after
 *   its commit and before publishing, and keeps documents flowing while Redis is down.
 */
import type { Logger } from 'pino';
import type { DocRegistry } from '../docs/registry.js';
import { persists } from '../docs/origins.js';
import type { RedisPeerBus } from './redis-peer-bus.js';

export interface HeadSource {
  heads(docKeys: string[]): Promise<Map<string, number>>;
}

export interface ClusterSyncOptions {
  tickMs?: number;
  /** Test hook [K6]: called after a commit, before publishing; may kill the process. */
  beforePublish?: (docKey: string, seq: number) => void;
}

export class ClusterSync {
  readonly #registry: DocRegistry;
  readonly #bus: RedisPeerBus | null;
  readonly #heads: HeadSource;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #ticking = false;
  readonly stats = { ticks: 0, catchUps: 0, tickErrors: 0 };

  /** `bus` null: no Redis; the tick alone carries other processes' rows. */
  constructor(registry: DocRegistry, bus: RedisPeerBus | null, heads: HeadSource, logger: Logger, o: ClusterSyncOptions = {}) {
    this.#registry = registry;
    this.#bus = bus;
    this.#heads = heads;
    this.#logger = logger;
    if (bus) {
      registry.beforeLoad((docKey) => bus.subscribe(docKey));
      registry.afterEvict((docKey) => bus.unsubscribe(docKey));
      registry.onCommitted((u) => {
        if (u.seq === undefined || !persists(u.origin)) return;
        o.beforePublish?.(u.docKey, u.seq);
        bus.publish(u.docKey, u.seq, u.update);
      });
      bus.onFrame((f) => registry.applyPeer(f.docKey, f.seq, f.update, f.nodeId));
      bus.onReconnect(() => void this.tick());
    }
    this.#timer = setInterval(() => void this.tick(), o.tickMs ?? 500);
    this.#timer.unref();
  }

  /** One catch-up round over every loaded document; rounds never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      this.stats.ticks++;
      const marks = await this.#registry.watermarks();
      if (marks.size === 0) return;
      const heads = await this.#heads.heads([...marks.keys()]);
      const behind = [...marks].filter(([k, w]) => (heads.get(k) ?? 0) > w).map(([k]) => k);
      this.stats.catchUps += behind.length;
      await Promise.all(behind.map((k) => this.#registry.catchUp(k)));
    } catch (err) {
      // PostgreSQL unreachable: nothing can be acknowledged either; the next tick tries again.
      this.stats.tickErrors++;
      this.#logger.debug({ err: (err as Error).message }, 'catch-up tick failed');
    } finally {
      this.#ticking = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
