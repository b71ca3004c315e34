/**
 * A Claimboard cluster for tests: its own PostgreSQL database and its own redis-server, and
 * `n` real server processes (child processes) on them, each with its own data dir for what
 * stays local. `close()` stops everything and drops the database.
 */
import { createTestDatabase, type TestDatabase } from './pg.js';
import { startRedis, type TestRedis } from './redis.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { tempDir } from './server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface TestCluster {
  db: TestDatabase;
  redis: TestRedis;
  servers: ChildServer[];
  /** With `pgProxy`: the processes reach PostgreSQL through it (for cutting the network). */
  pgProxy: TcpProxy | null;
  /** Starts one more process on the same database and Redis. */
  addServer(env?: Record<string, string>): Promise<ChildServer>;
  close(): Promise<void>;
}

/** Limits off: the suites open many connections from one address (the limits have their own suite). */
const OPEN_LIMITS: Record<string, string> = {
  RATE_FRAMES_PER_SEC: '100000',
  RATE_FRAMES_BURST: '100000',
  CONNECTIONS_PER_IP_PER_SEC: '10000',
  CONNECTIONS_PER_IP_BURST: '10000',
  REST_PER_IP_PER_SEC: '10000',
  REST_PER_IP_BURST: '10000',
  FLOOD_COOLDOWN_MS: '0',
  LOG_LEVEL: 'info',
};

export async function startTestCluster(n: number, env: Record<string, string> = {}, o: { pgProxy?: boolean } = {}): Promise<TestCluster> {
  const db = await createTestDatabase();
  const redis = await startRedis();
  const pgProxy = o.pgProxy ? await startTcpProxy([Number(new URL(db.url).port || 5432)]) : null;
  const dbUrl = new URL(db.url);
  if (pgProxy) dbUrl.port = String(pgProxy.port);
  const servers: ChildServer[] = [];
  const addServer = async (extra: Record<string, string> = {}) => {
    const s = await startChildServer(tempDir('claimboard-node-'), { ...OPEN_LIMITS, DATABASE_URL: dbUrl.toString(), REDIS_URL: redis.url, ...env, ...extra });
    servers.push(s);
    return s;
  };
  try {
    // Started together: the migration lock makes exactly one of them create the schema.
    await Promise.all(Array.from({ length: n }, () => addServer()));
  } catch (err) {
    for (const s of servers) await s.kill();
    await pgProxy?.close();
    await redis.stop();
    await db.drop();
    throw err;
  }
  return {
    db,
    redis,
    servers,
    pgProxy,
    addServer,
    async close() {
      pgProxy?.setMode('pass');
      await Promise.all(servers.map((s) => s.kill('SIGTERM')));
      await pgProxy?.close();
      await redis.stop();
      await db.drop();
    },
  };
}
