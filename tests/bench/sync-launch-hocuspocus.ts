/**
 * Benchmark launcher: Hocuspocus (@hocuspocus/server 4) as its README starts it, alone in
 * this process, on 127.0.0.1 and a free port, with no extensions: documents live in memory
 * only and are dropped with their last connection. The room is the document name the
 * provider sends. Prints `{"port":<n>,"pid":<n>}` on stdout once listening; answers probes
 * (event-loop delay, CPU) over the IPC channel (perf-common.ts).
 */
import { Server } from '@hocuspocus/server';
import { launched } from './perf-common.js';

// stopOnSignals: false — `launched` decides how to stop, as for the other servers.
const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
launched(server.address.port, () => server.destroy());
