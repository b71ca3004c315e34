/**
 * createApp(config, deps) builds the whole server — HTTP routes, Socket.IO, y-websocket,
 * DocRegistry, Store — without listening; `listen()` binds, `close()` tears everything
 * down after a final flush. Side effects (store, clock, logger) come in through `deps`
 * so tests build the app on port 0 with their own.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import type { Server as IoServer } from 'socket.io';
import type { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createAuth, type Auth } from './auth/index.js';
import { BoardService } from './boards.js';
import { BoardLifecycle } from './board-lifecycle.js';
import { DocRegistry } from './docs/registry.js';
import { LiveReviewService } from './live/live-review.js';
import { LanedValidator, type Validator } from './docs/validator-lanes.js';
import { ImportRunner } from './import/import-runner.js';
import { errorHandler, notFound } from './http/errors.js';
import { AppError, ErrorCode } from '../shared/protocol/errors.js';
import { apiRouter } from './http/routes.js';
import { SqliteStore } from './persistence/sqlite-store.js';
import { WriteProbe } from './persistence/write-probe.js';
import type { Store } from './persistence/store.js';
import { Hub } from './realtime/hub.js';
import { AuditLog } from './audit.js';
import { FloodCooldown, KeyedBuckets } from './limits.js';
import { attachSocketIo } from './realtime/socketio.js';
import { attachYWebsocket } from './realtime/ywebsocket.js';
import { OidcSignIn, type OidcDeps } from './auth/oidc.js';
import { mountOidc } from './http/oidc-routes.js';
import { startCluster } from './cluster/index.js';
import { clientAddress } from './http/client-address.js';
import { createMailer, type Mailer } from './mail/mailer.js';

export interface AppDeps {
  store?: Store;
  logger?: Logger;
  now?: () => number;
  /** The built client to serve (tests point it at a fixture); default `client/dist`. */
  clientDist?: string;
  /** Accounts and sessions for single sign-on; default: the app's own (auth.accounts, auth.authn). */
  oidcAccounts?: (ctx: { store: Store; auth: Auth; now: () => number }) => OidcDeps;
  /** Outgoing e-mail; default: from `config.mail` (disabled without SMTP_URL). */
  mailer?: Mailer;
}

export interface App {
  readonly config: Config;
  readonly http: http.Server;
  readonly io: IoServer;
  readonly wss: WebSocketServer;
  readonly store: Store;
  readonly registry: DocRegistry;
  readonly validator: Validator;
  readonly importer: ImportRunner;
  readonly hub: Hub;
  readonly auth: Auth;
  readonly boards: BoardService;
  readonly live: LiveReviewService;
  readonly logger: Logger;
  /** Single sign-on, when OIDC_ISSUER is set and accounts are wired; else null. */
  readonly sso: OidcSignIn | null;
  /** `mailer.enabled` says whether this server sends e-mail (GET /api/auth/config's `email`). */
  readonly mailer: Mailer;
  /** The REST router under /api (tests walk its routes). */
  readonly api: Router;
  /** Binds to config.port (0 picks a free one) and resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** Single sign-on links by verified e-mail and signs the browser in with an ordinary session. */
const appAccountsForSso = ({ auth }: { auth: Auth }): OidcDeps => ({
  linkVerifiedEmail: (email, name) => auth.accounts.findOrCreateByVerifiedEmail(email, name),
  startSession: async (req, res, userId) => {
    await auth.authn.startSession(res, userId, { sharedComputer: false, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null });
  },
});

const CLIENT_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../client/dist');

export function createApp(config: Config, deps: AppDeps = {}): App {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const now = deps.now ?? Date.now;
  const store = deps.store ?? new SqliteStore(path.join(config.dataDir, 'claimboard.sqlite'), {
    writer: {
      onRestart: (reason) => logger.error({ reason }, 'SQLite writer thread lost and restarted'),
      // The file cannot be written: exit so the process supervisor starts a fresh server.
      onGiveUp: (reason) => {
        logger.fatal({ reason }, 'SQLite writer keeps failing; exiting');
        process.exit(1);
      },
    },
  });
  const mailer = deps.mailer ?? createMailer(config.mail.smtpUrl, logger, config.mail.from);
  const validator = new LanedValidator(config.validateTimeoutMs, logger);
  const registry = new DocRegistry({
    store,
    validator,
    logger,
    idleEvictMs: config.idleEvictMs,
    compactEvery: config.compactEvery,
    maxUpdateBytes: config.maxUpdateBytes,
  });
  const auth = createAuth(
    store,
    {
      publicUrl: config.publicUrl,
      signup: config.signup,
      tokenTtlMs: config.tokenTtlMs,
      sessionTtlMs: config.sessionTtlMs,
      passwordHashCost: config.passwordHashCost,
      logger,
      mailer,
    },
    now,
  );
  const importer = new ImportRunner(config.importTimeoutMs, logger);
  const boards = new BoardService(store, registry, auth, now, {
    publicUrl: config.publicUrl,
    publisher: config.publisher,
    importer,
  });
  const hub = new Hub(registry, auth, logger, config.maxAwarenessBytes, config.fanoutIntervalMs, config.realtime, now);
  const cluster = startCluster(store, registry, auth, hub, config.redisUrl, logger);
  const audit = new AuditLog(store, logger, now);
  audit.watch(registry);
  const live = new LiveReviewService(store, registry, auth, logger, now, cluster?.locks);
  const lifecycle = new BoardLifecycle(store, registry, auth, audit, logger, now);

  const app = express();
  app.disable('x-powered-by');
  // Security headers and a CSP for the client: scripts and styles from this origin only,
  // no framing, and connections (fetch and websockets) to this origin alone: CSP 3's
  // 'self' covers ws: and wss: of the page's own host, and the client talks to no other.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'worker-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': null,
        },
      },
      // Served over plain HTTP on localhost by default; HSTS belongs to the TLS proxy.
      strictTransportSecurity: false,
    }),
  );
  // Behind a load balancer: the client's address is what the trusted proxies report [K9].
  const addressOf = clientAddress(config.trustProxy);
  app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
  // gzip/deflate for the client's assets and JSON answers (the bundle is ~3× smaller).
  app.use(compression());
  // [S11] 503 while the store cannot commit a write; the probe's result is reused for a second.
  const writeProbe = new WriteProbe(store, logger);
  app.get('/health', async (_req, res) => {
    const p = await writeProbe.check();
    const body = { ok: p.writable, store: p.writable ? 'writable' : 'unwritable', checkedAt: p.checkedAt, quarantined: registry.quarantinedRows };
    res.status(p.writable ? 200 : 503).json(body);
  });
  const restBuckets = new KeyedBuckets(config.limits.restPerIpPerSec, config.limits.restPerIpBurst, now);
  app.use('/api', (req, res, next) => {
    if (restBuckets.take(addressOf(req))) return next();
    res.set('Retry-After', '1').status(429).json({ error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } });
  });
  // Public (no bearer token): mounted ahead of the API router, which requires one.
  const oidcAccounts = config.oidc ? (deps.oidcAccounts ?? appAccountsForSso)({ store, auth, now }) : undefined;
  const sso = config.oidc && oidcAccounts ? new OidcSignIn(config.oidc, config.publicUrl, logger, now) : null;
  mountOidc(app, sso, oidcAccounts, { publicUrl: config.publicUrl, logger, now });
  if (config.oidc && !sso) logger.warn('OIDC_ISSUER is set but no accounts are wired: single sign-on is off');
  // Bodies are parsed per route, each with its own size limit (server/http/body.ts).
  const api = apiRouter({ store, auth, boards, lifecycle, audit, live, now, tokenTtlMs: config.tokenTtlMs, maxBodyBytes: config.maxBodyBytes, publicUrl: config.publicUrl, allowedOrigins: config.allowedOrigins, mailer });
  app.use('/api', api);
  app.use('/api', notFound);
  const clientDist = deps.clientDist ?? CLIENT_DIST;
  if (fs.existsSync(clientDist)) {
    // Source maps carry the client's whole source: never served, even if a build left some.
    app.use((req, _res, next) => next(/\.map$/i.test(req.path) ? new AppError(ErrorCode.NotFound, 'no such file') : undefined));
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // Client-side routes (/, /board/…, /invite/…) all load the single page.
    app.get(/^\/(?!api\/|yjs\/|socket\.io\/).*/, (_req, res) => {
      res.sendFile(path.join(clientDist, 'index.html'));
    });
  }
  app.use(notFound);
  app.use(errorHandler(logger));

  const server = http.createServer(app);
  // Requests Node's HTTP parser refuses (malformed, headers too large) never reach express:
  // answer them in the same error shape, as Node's default handler would otherwise with an
  // empty body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW' ? ['431 Request Header Fields Too Large', ErrorCode.PayloadTooLarge, 'request headers too large']
        : err.code === 'HPE_REQUEST_TIMEOUT' ? ['408 Request Timeout', ErrorCode.BadRequest, 'request took too long to arrive']
          : ['400 Bad Request', ErrorCode.BadRequest, 'malformed HTTP request'];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  const realtime = {
    hub,
    auth,
    logger,
    allowedOrigins: config.allowedOrigins,
    maxUpdateBytes: config.maxUpdateBytes,
    limits: config.limits,
    realtime: config.realtime,
    connectionBuckets: new KeyedBuckets(config.limits.connectionsPerIpPerSec, config.limits.connectionsPerIpBurst, now),
    addressOf,
    floodCooldown: new FloodCooldown(config.limits.floodCooldownMs, now),
  };
  const io = attachSocketIo(server, realtime);
  const wss = attachYWebsocket(server, realtime);

  let closing: Promise<void> | null = null;
  return {
    config,
    http: server,
    io,
    wss,
    store,
    registry,
    validator,
    importer,
    hub,
    auth,
    boards,
    live,
    logger,
    sso,
    mailer,
    api,
    // Clients are let in once the validator's worker is up, so the first writes after a
    // (re)start are not kept waiting for it to boot.
    listen: async () => {
      // Discovery runs in the background: an unreachable issuer never holds the start.
      sso?.start();
      await validator.ready;
      return new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : config.port);
        });
      });
    },
    close: () =>
      (closing ??= (async () => {
        sso?.close();
        hub.close();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        // io.close() stops the HTTP server too; its callback waits for every connection to
        // end. Idle ones end now; a request still running gets the grace period, then its
        // socket is destroyed, so one client that never reads cannot hold the shutdown (and
        // the final flush below) hostage.
        const httpClosed = new Promise<void>((r) => io.close(() => r()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
        await httpClosed;
        clearTimeout(grace);
        await cluster?.close();
        // No request is left to queue mail: send what is queued (bounded by its drain time).
        await mailer.close();
        await auth.authn.close();
        await registry.close();
        await validator.close();
        await importer.close();
        await store.close();
      })()),
  };
}
