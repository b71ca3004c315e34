/**
 * The client's address as the limits key it [K9]: the socket's peer, or, behind proxies
 * named in TRUST_PROXY, the address those proxies report in X-Forwarded-For (`proxy-addr`,
 * the same rules Express applies). Without it, every client behind a load balancer would
 * share the balancer's one bucket; with it set too widely, a client could pick its own key,
 * so only the proxies' own addresses belong there.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type AddressOf = (req: IncomingMessage) => string;

/** `trusted`: addresses, subnets or the names proxy-addr knows (loopback, linklocal, uniquelocal); empty: none. */
export function clientAddress(trusted: string[]): AddressOf {
  if (trusted.length === 0) return (req) => req.socket.remoteAddress ?? '';
  const trust = proxyaddr.compile(trusted);
  return (req) => {
    try {
      return proxyaddr(req, trust);
    } catch {
      return req.socket.remoteAddress ?? '';
    }
  };
}
