/**
 * Single sign-on routes (README "Single sign-on"), mounted at /api/auth/oidc:
 * - `GET /login?next=/path` → 302 to the identity provider, with the attempt sealed into
 *   the `cb_oidc` cookie (server/auth/oidc-flows.ts; HttpOnly, SameSite=Lax — the
 *   provider's redirect back is a top-level GET, which Lax lets through —, Path of these
 *   routes, 10 minutes); `next` must be a path on this site (400 otherwise).
 * - `GET /callback` → the cookie is cleared and its attempt opened, the answer checked, the
 *   account linked by verified e-mail, the session started, and 302 to `next`; any refusal
 *   is a 302 to `/signin?error=<code>` (shared/protocol/oidc.ts) and starts no session.
 */
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { OidcErrorCode } from '../../shared/protocol/oidc.js';
import type { Logger } from '../logger.js';
import { safeNextPath, type OidcDeps, type OidcSignIn } from '../auth/oidc.js';
import { SealedSignIns } from '../auth/oidc-flows.js';

export const OIDC_COOKIE = 'cb_oidc';
const COOKIE_PATH = '/api/auth/oidc';
/** A sign-in attempt must come back within this. */
export const SIGN_IN_TTL_MS = 10 * 60_000;
/** Longest callback query read (a code, a state, an issuer, perhaps an error description). */
const MAX_CALLBACK_QUERY_CHARS = 8192;

export interface OidcRouteOptions {
  publicUrl: string;
  logger: Logger;
  now: () => number;
}

/** The value of one cookie in the request's Cookie header, or null. */
function cookieValue(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The raw query string of the request (after `?`), as the browser sent it. */
function rawQuery(req: Request): string {
  const q = req.originalUrl.indexOf('?');
  return q < 0 ? '' : req.originalUrl.slice(q + 1);
}

export function oidcRouter(sso: OidcSignIn, deps: OidcDeps, opts: OidcRouteOptions): Router {
  const r = express.Router();
  const flows = sso.sealer(SIGN_IN_TTL_MS, opts.now);
  const secure = opts.publicUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: COOKIE_PATH };

  const refuse = (res: Response, code: OidcErrorCode, reason: string) => {
    opts.logger.warn({ code, reason }, 'single sign-on refused');
    res.redirect(302, `/signin?error=${code}`);
  };

  r.get('/login', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const next = req.query.next;
    let target = '/';
    if (next !== undefined) {
      const safe = typeof next === 'string' ? safeNextPath(next) : null;
      if (safe === null) throw new AppError(ErrorCode.BadRequest, 'next: must be a path on this site, given once');
      target = safe;
    }
    const config = await sso.ready();
    if (!config) return refuse(res, 'oidc_unavailable', 'issuer not discovered');
    const { flow, url } = await sso.authorizationRequest(config, target);
    res.cookie(OIDC_COOKIE, flows.seal(flow), { ...cookieOptions, maxAge: SIGN_IN_TTL_MS });
    res.redirect(302, url.href);
  });

  r.get('/callback', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    // The attempt is spent whatever happens next: a second callback finds no cookie.
    res.clearCookie(OIDC_COOKIE, cookieOptions);
    const sealed = cookieValue(req, OIDC_COOKIE);
    const flow = sealed === null ? null : flows.open(sealed);
    if (!flow) return refuse(res, 'oidc_expired', sealed === null ? 'no sign-in cookie' : 'malformed, altered or expired attempt cookie');
    const query = rawQuery(req);
    if (query.length > MAX_CALLBACK_QUERY_CHARS) return refuse(res, 'oidc_invalid', 'callback query too long');
    const config = await sso.ready();
    if (!config) return refuse(res, 'oidc_unavailable', 'issuer not discovered');
    const result = await sso.complete(config, flow, query);
    if (!result.ok) return refuse(res, result.code, result.reason);
    const { identity } = result;
    const user = await deps.linkVerifiedEmail(identity.email, identity.name);
    await deps.startSession(req, res, user.id);
    opts.logger.info({ userId: user.id, subject: identity.subject }, 'single sign-on');
    res.redirect(302, flow.next);
  });

  r.use((_req: Request, _res: Response, next: NextFunction) => next(new AppError(ErrorCode.NotFound, 'no such route')));
  // Express 5 forwards rejected promises; a failure past the checks above (the account
  // store, the session) still ends on the sign-in page rather than a JSON error.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AppError || res.headersSent) return next(err);
    opts.logger.error({ err }, 'single sign-on failed');
    res.redirect(302, '/signin?error=oidc_failed');
  });
  return r;
}

/**
 * Mounts the routes ahead of the API router (which wants a bearer token); with `sso` null
 * (OIDC_ISSUER unset) every route under /api/auth/oidc is a 404.
 */
export function mountOidc(app: Express, sso: OidcSignIn | null, deps: OidcDeps | undefined, opts: OidcRouteOptions): void {
  if (sso && deps) app.use(COOKIE_PATH, oidcRouter(sso, deps, opts));
  else app.use(COOKIE_PATH, (_req: Request, _res: Response, next: NextFunction) => next(new AppError(ErrorCode.NotFound, 'single sign-on is not configured')));
}
