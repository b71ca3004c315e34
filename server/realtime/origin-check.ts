import type { IncomingMessage } from 'node:http';

/**
 * Cross-site websocket hijacking guard [T9]. Browsers always send Origin on a websocket
 * upgrade and cannot forge it; CORS does not apply to websockets, so the server must
 * check it itself. Allowed: no Origin (not a browser), the server's own origin (same
 * host), and the origins listed in ALLOWED_ORIGINS.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin) || allowed.includes('*')) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
