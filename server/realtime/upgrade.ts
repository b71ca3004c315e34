/**
 * Websocket upgrade requests arrive before anything is authenticated [T12]: whatever their
 * path, query or headers, parsing them must never throw into the HTTP server's `upgrade`
 * event (an uncaught throw there ends the process). Both transports parse through
 * `parseUpgradeUrl` and answer a request they cannot parse with 400.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** Ends an upgrade request with an HTTP status and no body. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export interface UpgradeUrl {
  /** The path, percent-decoded. */
  path: string;
  /** The path as sent (still percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
}

/**
 * The request target of an upgrade, or null when it is not an origin-form path
 * (`/path?query`) that parses and percent-decodes cleanly.
 */
export function parseUpgradeUrl(target: string | undefined): UpgradeUrl | null {
  // Origin form only: `//host`, `\\`, `*` or absolute URLs would make the path relative
  // to something else (and `new URL` throws on some of them).
  if (!target || target[0] !== '/' || target[1] === '/' || target[1] === '\\') return null;
  try {
    const url = new URL(target, 'http://localhost');
    return { path: decodeURIComponent(url.pathname), rawPath: url.pathname, query: url.searchParams };
  } catch {
    return null;
  }
}

/**
 * Wraps the `upgrade` listeners added to `httpServer` since `before` was taken (a
 * library's, such as engine.io's) so that a throw inside one answers 400 and is logged
 * instead of ending the process.
 */
export function guardUpgradeListeners(httpServer: HttpServer, before: ReadonlySet<unknown>, logger: Logger): void {
  for (const l of httpServer.listeners('upgrade')) {
    if (before.has(l)) continue;
    const listener = l as (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
    httpServer.off('upgrade', listener);
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        listener(req, socket, head);
      } catch (err) {
        logger.info({ err: (err as Error).message }, 'websocket upgrade refused: unparsable request');
        refuseUpgrade(socket, 400, 'Bad Request');
      }
    });
  }
}
