/**
 * The browser session cookie `cb_session`: HttpOnly (no script reads it), SameSite=Lax (not
 * sent with cross-site subrequests or form posts), Path=/, Secure when the server is reached
 * over HTTPS. Its value is the session's 256-bit secret; the store keeps only its SHA-256.
 * A shared computer gets a cookie without Max-Age, which the browser forgets when it closes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CookieOptions, Response } from 'express';

export const SESSION_COOKIE = 'cb_session';

/** Longest cookie header looked at: a browser sends at most a few KiB per site. */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * The session secret from a request's Cookie header (RFC 6265 `name=value; …`), or
 * undefined. Only our own cookie's value is read; nothing else of the header is parsed.
 */
export function sessionSecretFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

const options = (secure: boolean): CookieOptions => ({ httpOnly: true, sameSite: 'lax', path: '/', secure });

export function setSessionCookie(res: Response, secret: string, opts: { secure: boolean; maxAgeMs: number | null }): void {
  res.cookie(SESSION_COOKIE, secret, { ...options(opts.secure), ...(opts.maxAgeMs === null ? {} : { maxAge: opts.maxAgeMs }) });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, options(secure));
}
