/**
 * Benchmark launcher: Hocuspocus (@hocuspocus/server 4) as its README starts it, alone in
 * this process, on 127.0.0.1 and a free port, with no extensions: documents live in memory
 * only and are dropped with their last connection. The room is the document name the
 * provider sends. Prints `{"port":<n>,"pid":<n>}` on stdout once listening; answers probes
 * (event-loop delay, CPU) over the IPC channel (perf-common.ts).
 */
import { Server } from '@hocuspocus/server';
import { serveProbeOverIpc } from './perf-common.js';

// stopOnSignals: false — this launcher decides how to stop (below), as the others do.
const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
serveProbeOverIpc();
process.stdout.write(JSON.stringify({ port: server.address.port, pid: process.pid }) + '\n');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  server.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
