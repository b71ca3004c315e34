/**
 * REST bodies, bounded before they are parsed [H2]. Each route that takes a body names its
 * own parser: small routes get SMALL_BODY_BYTES, the live-review agenda routes enough for
 * MAX_AGENDA ids, and only board creation (which carries an article) MAX_BODY_BYTES. A body
 * is read only after authentication on every route but account creation, and is refused
 * when it is not JSON, not UTF-8, or nests deeper than MAX_JSON_DEPTH: the nesting is
 * checked by one linear scan of the raw bytes before JSON.parse sees them, so no body can
 * make the parser (or anything walking its result) spend more than linear time.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { MAX_AGENDA } from '../../shared/protocol/schemas.js';

/** Accounts, invites, members, rounds, timers: a few short fields. */
export const SMALL_BODY_BYTES = 16 * 1024;
/** The live-review routes: an agenda of MAX_AGENDA ids of up to 64 characters, quoted. */
export const AGENDA_BODY_BYTES = MAX_AGENDA * 70 + SMALL_BODY_BYTES;
/** Deepest nesting of arrays and objects any body needs (ours need 3) with room to spare. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the JSON text in `bytes` (UTF-8) opens more than `maxDepth` arrays or objects
 * at once. Brackets inside strings do not count; the text need not be valid JSON (the
 * parser judges that afterwards). UTF-8 never uses ASCII bytes inside a multi-byte
 * character, so scanning bytes is exact.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** Does the request carry a body at all (a non-zero length, or chunks)? */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > 0;
}

/**
 * A JSON body parser for one route: at most `limitBytes` (413 PAYLOAD_TOO_LARGE), UTF-8
 * JSON only (415 UNSUPPORTED_MEDIA_TYPE otherwise), at most MAX_JSON_DEPTH deep (400).
 * A request without a body leaves `req.body` undefined, for the route's schema to judge.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parser = express.json({
    limit: limitBytes,
    // Runs on the raw bytes after the size limit and before JSON.parse.
    verify: (_req, _res, buf, encoding) => {
      if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
        throw new AppError(ErrorCode.UnsupportedMediaType, 'request bodies must be UTF-8 JSON');
      }
      if (jsonNestsDeeperThan(buf, MAX_JSON_DEPTH)) {
        throw new AppError(ErrorCode.BadRequest, `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parser(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.body === undefined && hasBody(req)) {
        return next(new AppError(ErrorCode.UnsupportedMediaType, 'send the request body as application/json'));
      }
      next();
    });
  };
}
