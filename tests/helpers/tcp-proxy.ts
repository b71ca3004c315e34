/**
 * A TCP proxy for cluster tests: it stands in for the load balancer in front of several
 * processes (each new connection goes to the next live target) and for network faults
 * between a process and PostgreSQL: `reset` destroys every connection and refuses new ones,
 * `blackhole` keeps connections open but passes no byte either way, `pass` heals.
 */
import net from 'node:net';

export type ProxyMode = 'pass' | 'reset' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** Where new connections go, tried in turn (a dead target is skipped). */
  setTargets(ports: number[]): void;
  setMode(mode: ProxyMode): void;
  /** Destroys the live connections to one target (its process died). */
  dropTarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targets: number[]): Promise<TcpProxy> {
  let ports = [...targets];
  let next = 0;
  let mode: ProxyMode = 'pass';
  const live = new Set<{ client: net.Socket; upstream: net.Socket; port: number }>();

  const connectUpstream = (client: net.Socket, attempt: number) => {
    if (ports.length === 0 || attempt >= ports.length) return client.destroy();
    const port = ports[next++ % ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    const pair = { client, upstream, port };
    upstream.once('connect', () => {
      live.add(pair);
      client.on('data', (d) => mode === 'pass' && upstream.write(d));
      upstream.on('data', (d) => mode === 'pass' && client.write(d));
      client.resume();
    });
    upstream.once('error', () => {
      if (!live.has(pair)) return connectUpstream(client, attempt + 1); // refused: try the next target
      client.destroy();
    });
    upstream.on('close', () => {
      live.delete(pair);
      client.destroy();
    });
    client.on('close', () => {
      live.delete(pair);
      upstream.destroy();
    });
    client.on('error', () => upstream.destroy());
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    if (mode === 'reset') return client.resetAndDestroy();
    connectUpstream(client, 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    setTargets(p) {
      ports = [...p];
    },
    setMode(m) {
      mode = m;
      if (m === 'reset') for (const c of [...live]) c.client.resetAndDestroy(), c.upstream.destroy();
    },
    dropTarget(port) {
      ports = ports.filter((p) => p !== port);
      for (const c of [...live]) if (c.port === port) c.client.destroy(), c.upstream.destroy();
    },
    async close() {
      for (const c of live) c.client.destroy(), c.upstream.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
