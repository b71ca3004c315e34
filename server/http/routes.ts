/**
 * REST API under /api (DESIGN.md "Public interfaces"). JSON in and out, bearer tokens,
 * errors as `{ error: { code, message } }`. The routes live by subject in board-routes.ts
 * and live-routes.ts; this file puts them in order behind authentication.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { CreateUserSchema } from '../../shared/protocol/schemas.js';
import type { LiveReviewService } from '../live/live-review.js';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';
import type { Store } from '../persistence/store.js';
import type { BoardService } from '../boards.js';
import type { BoardLifecycle } from '../board-lifecycle.js';
import { parse } from './errors.js';
import { jsonBody, SMALL_BODY_BYTES } from './body.js';
import { authed, type AuthedRequest } from './route-helpers.js';
import { boardRoutes } from './board-routes.js';
import { liveRoutes } from './live-routes.js';

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
}

export function apiRouter(d: RouteDeps): Router {
  const r = express.Router();
  const small = jsonBody(SMALL_BODY_BYTES);

  const requireUser = async (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer (\S+)$/.exec(h) : null;
    const user = m ? await d.auth.authn.authenticate(m[1]) : null;
    if (!user) return next(new AppError(ErrorCode.Unauthorized, 'a valid bearer token is required'));
    (req as AuthedRequest).user = user;
    next();
  };

  r.post('/users', small, async (req, res) => {
    const body = parse(CreateUserSchema, req.body);
    const token = newToken();
    const user = { id: `u_${newId()}`, name: body.name, createdAt: d.now() };
    await d.store.createUser(user, hashToken(token), user.createdAt + d.tokenTtlMs);
    res.status(201).json({ user: { id: user.id, name: user.name }, token, expiresAt: new Date(user.createdAt + d.tokenTtlMs).toISOString() });
  });

  /** The server's clock, for clients that show live-review timers in server time. */
  r.get('/time', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ now: d.now() });
  });

  r.use(requireUser);

  r.get('/me', authed((req, res) => {
    res.json({ user: { id: req.user.id, name: req.user.name } });
  }));

  /** Another token for the same user (a second device). */
  r.post('/me/tokens', small, authed(async (req, res) => {
    const token = newToken();
    const expiresAt = d.now() + d.tokenTtlMs;
    await d.store.addToken(req.user.id, hashToken(token), d.now(), expiresAt);
    res.status(201).json({ token, expiresAt: new Date(expiresAt).toISOString() });
  }));

  /** Sign out everywhere: every token of the caller stops working, live connections close. */
  r.delete('/me/tokens', authed(async (req, res) => {
    await d.auth.authn.revokeUser(req.user.id);
    res.status(204).end();
  }));

  boardRoutes(r, d);
  liveRoutes(r, d);
  return r;
}
