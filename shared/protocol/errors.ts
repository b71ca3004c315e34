/** Error codes shared by REST, Socket.IO acks and y-websocket refusals. */
export const ErrorCode = {
  BadRequest: 'BAD_REQUEST',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  /** An invite that expired, was revoked or is used up. */
  Gone: 'GONE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** A REST body that is not JSON (or not UTF-8). */
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** An article the importer could not read: a parser failure or past the import deadline. */
  ImportFailed: 'IMPORT_FAILED',
  RateLimited: 'RATE_LIMITED',
  AckRequired: 'ACK_REQUIRED',
  UnknownEvent: 'UNKNOWN_EVENT',
  NotJoined: 'NOT_JOINED',
  ClientTooOld: 'CLIENT_TOO_OLD',
  ServerTooOld: 'SERVER_TOO_OLD',
  ReadOnly: 'READ_ONLY',
  UpdateTooLarge: 'UPDATE_TOO_LARGE',
  UpdateMalformed: 'UPDATE_MALFORMED',
  UpdateMissingDeps: 'UPDATE_MISSING_DEPENDENCIES',
  UpdateTimeout: 'UPDATE_TIMEOUT',
  OriginForbidden: 'ORIGIN_FORBIDDEN',
  /** More docs in one `sync:open`, or subscribed on one connection, than allowed [T14]. */
  TooManyDocs: 'TOO_MANY_DOCS',
  /** A connection introduced more awareness client ids than allowed [W5]. */
  AwarenessClientLimit: 'AWARENESS_CLIENT_LIMIT',
  /** A connection sent more awareness bytes per second than allowed [W6]. */
  AwarenessRateLimited: 'AWARENESS_RATE_LIMITED',
  /** The connection's token expired; it is closed [T13]. */
  TokenExpired: 'TOKEN_EXPIRED',
  /** A public vote on a claim whose round is sealed (vote in the sealed doc instead). */
  Sealed: 'SEALED',
  /** A write to an archived board (any of its docs, and its REST writes) [B1]. */
  Archived: 'ARCHIVED',
  /** The store cannot commit or read now (PostgreSQL unreachable, the SQLite writer lost):
   * nothing was acknowledged; keep the change and send it again [K7]. */
  StoreUnavailable: 'STORE_UNAVAILABLE',
  /** A body that fails an account route's schema or the password rules; the message names the fields. */
  Validation: 'VALIDATION',
  /** Sign-in: the same answer for an unknown e-mail and a wrong password. */
  InvalidCredentials: 'INVALID_CREDENTIALS',
  /** Sign-in backs off after repeated failures (Retry-After says how long). */
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
  /** SIGNUP=closed, or SIGNUP=invite without a live invite. */
  SignupClosed: 'SIGNUP_CLOSED',
  EmailTaken: 'EMAIL_TAKEN',
  /** A state-changing request authenticated by the session cookie from another site. */
  CsrfRejected: 'CSRF_REJECTED',
  /** A name-only user's account is claimed once. */
  AlreadyClaimed: 'ALREADY_CLAIMED',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** Result of every acknowledged event: expected failures are values, never throws. */
export type Ack<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export const ok = <T>(value: T): Ack<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Ack<never> => ({
  ok: false,
  error: { code, message },
});

/** An expected failure carried through server code; transports turn it into an Ack or a 4xx. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** HTTP status for each code, for the REST layer. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMPORT_FAILED: 422,
  RATE_LIMITED: 429,
  ACK_REQUIRED: 400,
  UNKNOWN_EVENT: 400,
  NOT_JOINED: 403,
  CLIENT_TOO_OLD: 426,
  SERVER_TOO_OLD: 400,
  READ_ONLY: 403,
  UPDATE_TOO_LARGE: 413,
  UPDATE_MALFORMED: 400,
  UPDATE_MISSING_DEPENDENCIES: 400,
  UPDATE_TIMEOUT: 400,
  ORIGIN_FORBIDDEN: 403,
  SEALED: 409,
  ARCHIVED: 409,
  TOO_MANY_DOCS: 413,
  AWARENESS_CLIENT_LIMIT: 429,
  AWARENESS_RATE_LIMITED: 429,
  TOKEN_EXPIRED: 401,
  STORE_UNAVAILABLE: 503,
  VALIDATION: 400,
  INVALID_CREDENTIALS: 401,
  TOO_MANY_ATTEMPTS: 429,
  SIGNUP_CLOSED: 403,
  EMAIL_TAKEN: 409,
  CSRF_REJECTED: 403,
  ALREADY_CLAIMED: 409,
  INTERNAL: 500,
};
