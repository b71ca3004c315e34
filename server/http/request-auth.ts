/**
 * The chain of checks of a REST request [H9, AC2], in order; the first refusal answers:
 * 1. the address's request rate (app.ts, REST_PER_IP_*);
 * 2. authentication: a bearer token (`Authorization: Bearer`, a personal access token or a
 *    token from before accounts) or else the `cb_session` cookie, to a live credential;
 * 3. cross-site: a state-changing method (POST, PUT, PATCH, DELETE) authenticated by the
 *    cookie must come from this site — `Origin` equal to PUBLIC_URL's origin, the Host
 *    header's, or one in ALLOWED_ORIGINS; without `Origin`, `Sec-Fetch-Site: same-origin` —
 *    else 403 `CSRF_REJECTED`. A bearer token is never sent by a browser on its own, so it
 *    passes. The public state-changing routes (sign-up, sign-in, password reset) get the
 *    same check without the fallback: a browser's cross-site request is refused (no one is
 *    signed in to an attacker's account behind their back), a script without Origin passes;
 * 4. the route's body, bounded before it is parsed (body.ts);
 * 5. the route's own checks (role on the board: route-helpers.ts roleOn, then the route).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { Authentication } from '../auth/authentication.js';
import { sessionSecretFrom } from '../auth/session-cookie.js';
import type { AuthedRequest } from './route-helpers.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SiteOptions {
  /** PUBLIC_URL's origin. */
  publicOrigin: string;
  allowedOrigins: readonly string[];
}

/**
 * Whether a request comes from this site. `strict` (cookie-authenticated): a browser request
 * must say so; otherwise only a browser that says it comes from elsewhere is refused.
 */
export function fromThisSite(req: Request, o: SiteOptions, strict: boolean): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === o.publicOrigin || o.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false; // `null` (a sandboxed or privacy-sensitive context) and garbage
    }
  }
  const site = req.headers['sec-fetch-site'];
  return strict ? site === 'same-origin' : site !== 'cross-site' && site !== 'same-site';
}

const crossSite = () => new AppError(ErrorCode.CsrfRejected, 'cross-site request refused');

/** Links 2 and 3 for the routes that need a user; sets `req.user`, `req.credential`, `req.via`. */
export function requireUser(authn: Authentication, site: SiteOptions): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    const via = h !== undefined ? 'bearer' : 'cookie';
    const secret = h !== undefined ? /^Bearer (\S+)$/.exec(h)?.[1] : sessionSecretFrom(req.headers);
    const found = secret ? await authn.authenticate(secret) : null;
    if (!found) return next(new AppError(ErrorCode.Unauthorized, 'sign in first: a session cookie or a bearer token is required'));
    if (via === 'cookie' && UNSAFE.has(req.method) && !fromThisSite(req, site, true)) return next(crossSite());
    const a = req as AuthedRequest;
    a.user = found.user;
    a.credential = found.credential;
    a.via = via;
    next();
  };
}

/** Link 3 for the public state-changing routes (no one is authenticated yet). */
export function publicWrite(site: SiteOptions): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => next(fromThisSite(req, site, false) ? undefined : crossSite());
}
