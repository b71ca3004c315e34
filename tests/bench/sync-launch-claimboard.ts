/**
 * Benchmark launcher: the Claimboard server, alone in this process. Configuration comes
 * from the environment as in production (the benchmarks set PORT=0, HOST=127.0.0.1, a
 * temporary DATA_DIR and LOG_LEVEL=silent). Prints `{"port":<n>,"pid":<n>}` on stdout once
 * listening; answers probes (event-loop delay, CPU) over the IPC channel (perf-common.ts);
 * closes cleanly on SIGTERM or when the parent's IPC channel closes.
 */
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { launched } from './perf-common.js';

// Benchmarks create hundreds of accounts and measure sync, not sign-up: password hashes at
// the lowest cost unless the environment says otherwise (production keeps OWASP's).
const app = createApp(loadConfig({ PASSWORD_HASH_COST: '10', ...process.env }));
launched(await app.listen(), () => app.close(), 10_000);
