/** Entry point: `npm start`. Configuration from the environment (README "Configuration"). */
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { openPgStore } from './persistence/pg/pg-store.js';

const config = loadConfig();
// Cluster mode [K1–K6]: PostgreSQL is the one durable copy (README "Running several processes").
let app: ReturnType<typeof createApp> | undefined;
const store = config.databaseUrl
  ? await openPgStore(config.databaseUrl, {
      max: config.pg.poolSize,
      queryTimeoutMs: config.pg.queryTimeoutMs,
      connectTimeoutMs: config.pg.connectTimeoutMs,
      // An idle connection's error (PostgreSQL restarted, the network cut) never crashes the process.
      onIdleError: (err) => app?.logger.warn({ err: err.message }, 'an idle PostgreSQL connection failed'),
    })
  : undefined;
app = createApp(config, { store });
const port = await app.listen();
app.logger.info({ port, host: config.host, dataDir: config.dataDir }, `Claimboard listening on http://localhost:${port}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
