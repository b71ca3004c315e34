/**
 * REST API under /api (DESIGN.md "Public interfaces"). JSON in and out, errors as
 * `{ error: { code, message } }`. The routes live by subject (account-routes.ts,
 * board-routes.ts, live-routes.ts); this file puts them in order: the public ones, then the
 * chain of checks every other request passes (request-auth.ts), then the rest.
 */
import express, { type Router } from 'express';
import type { LiveReviewService } from '../live/live-review.js';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit.js';
import type { Store } from '../persistence/store.js';
import type { BoardService } from '../boards.js';
import type { BoardLifecycle } from '../board-lifecycle.js';
import { accountPublicRoutes, accountRoutes } from './account-routes.js';
import { boardRoutes } from './board-routes.js';
import { liveRoutes } from './live-routes.js';
import { requireUser } from './request-auth.js';
import type { Mailer } from '../mail/mailer.js';

export interface RouteDeps {
  store: Store;
  auth: Auth;
  boards: BoardService;
  lifecycle: BoardLifecycle;
  audit: AuditLog;
  live: LiveReviewService;
  now: () => number;
  tokenTtlMs: number;
  /** Largest body of board creation (the article); every other route takes far less. */
  maxBodyBytes: number;
  /** Base URL people reach this server at: invite links use it, never the request's Host. */
  publicUrl: string;
  /** Invites given an `email` are mailed when `mailer.enabled`. */
  mailer: Mailer;
  /** Origins besides the server's own whose requests count as this site's (ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /** What GET /api/auth/config says of single sign-on (the OIDC part sets it). */
  oidc?: { enabled: boolean; label: string | null };
}

export function apiRouter(d: RouteDeps): Router {
  const r = express.Router();
  const site = { publicOrigin: new URL(d.publicUrl).origin, allowedOrigins: d.allowedOrigins };

  accountPublicRoutes(r, d, site);

  /** The server's clock, for clients that show live-review timers in server time. */
  r.get('/time', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ now: d.now() });
  });

  r.use(requireUser(d.auth.authn, site));

  accountRoutes(r, d);
  boardRoutes(r, d);
  liveRoutes(r, d);
  return r;
}
