/**
 * Cluster mode's wiring: with `DATABASE_URL` the store is PostgreSQL (opened before the app,
 * see server/index.ts); with `REDIS_URL` as well, documents fan out between processes over
 * Redis and a catch-up tick reads what Redis missed [K4–K6]. Without Redis, several processes
 * on one database still converge, through the tick alone.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DocRegistry } from '../docs/registry.js';
import type { Store } from '../persistence/store.js';
import { ClusterSync, type HeadSource } from './cluster-sync.js';
import { RedisPeerBus } from './redis-peer-bus.js';
import { PgLocks, type Locks } from './locks.js';
import { AccessEvents } from './access-events.js';
import { PresenceRelay } from './presence-relay.js';
import type { Hub } from '../realtime/hub.js';
import type { Auth } from '../auth/index.js';
import type pg from 'pg';

export interface Cluster {
  readonly nodeId: string;
  readonly bus: RedisPeerBus | null;
  readonly sync: ClusterSync;
  /** Locks that hold across every process (PostgreSQL advisory locks) [K8]. */
  readonly locks: Locks;
  close(): Promise<void>;
}

type ClusterStore = Store & HeadSource & { pool: pg.Pool };
const isClusterStore = (s: Store): s is ClusterStore => typeof (s as Partial<HeadSource>).heads === 'function' && 'pool' in s;

/**
 * Test hook (tests/integration/cluster-faults.test.ts): with CLAIMBOARD_TEST_CRASH_BEFORE_PUBLISH
 * set to a doc key, the process kills itself the moment a commit of that document is about to
 * be published, the way a crash between commit and publish would.
 */
function crashHook(): ((docKey: string) => void) | undefined {
  const key = process.env.CLAIMBOARD_TEST_CRASH_BEFORE_PUBLISH;
  if (!key) return undefined;
  return (docKey) => {
    if (docKey === key) process.kill(process.pid, 'SIGKILL');
  };
}

/** Null for the embedded store (one process, nothing to keep in step). */
export function startCluster(store: Store, registry: DocRegistry, auth: Auth, hub: Hub, redisUrl: string | undefined, logger: Logger, tickMs?: number): Cluster | null {
  if (!isClusterStore(store)) return null;
  const nodeId = `n_${randomBytes(6).toString('base64url')}`;
  const bus = redisUrl ? new RedisPeerBus(redisUrl, nodeId, logger) : null;
  bus?.start();
  const sync = new ClusterSync(registry, bus, store, logger, { tickMs, beforePublish: crashHook() });
  const access = new AccessEvents(store.pool, auth, nodeId, logger, (boardId) => registry.dropBoard(boardId));
  access.start();
  const presence = bus ? new PresenceRelay(hub, bus) : null;
  logger.info({ nodeId, redis: !!bus }, 'cluster mode: documents kept in step with the other processes');
  return {
    nodeId,
    bus,
    sync,
    locks: new PgLocks(store.pool),
    async close() {
      presence?.close();
      access.close();
      sync.close();
      await bus?.close();
    },
  };
}
