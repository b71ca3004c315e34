/**
 * Benchmark launcher: the reference y-websocket server (@y/websocket-server 0.1.1,
 * `setupWSConnection` from its utils, as its bin does), alone in this process, on 127.0.0.1
 * and a free port. Documents live in memory only: no YPERSISTENCE (the benchmark removes it
 * from the environment), no callback URL. The room name is the URL path. Prints
 * `{"port":<n>,"pid":<n>}` on stdout once listening; answers probes (event-loop delay, CPU)
 * over the IPC channel (perf-common.ts).
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { launched } from './perf-common.js';

if (process.env.YPERSISTENCE !== undefined) {
  process.stderr.write('sync-launch-reference: unset YPERSISTENCE (the reference must keep state in memory only)\n');
  process.exit(2);
}

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('okay');
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const docName = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice(1));
  wss.handleUpgrade(req, socket, head, (ws) => {
    setupWSConnection(ws as never, req, { docName });
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  launched(typeof addr === 'object' && addr ? addr.port : 0, async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
