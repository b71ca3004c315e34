/**
 * Who is calling [T1, T13, AC1–AC6]: a credential's secret — a bearer token or personal
 * access token (REST `Authorization`, Socket.IO `auth.token`, y-websocket `?token=`) or the
 * `cb_session` cookie of a browser — to its user and the credential itself. Creating and
 * ending credentials goes through here too, so that ending one closes the connections that
 * authenticated with it at once (listeners: the hub). The first link of every request's
 * chain of checks (see doc-access.ts and server/http/request-auth.ts); nothing here knows
 * about boards.
 */
import type { Response } from 'express';
import { hashToken, newId, newToken } from './tokens.js';
import { setSessionCookie } from './session-cookie.js';
import type { Authenticated, CredentialKind, RevokeFilter, Store } from '../persistence/store.js';

/** Live sessions one user may hold; a new sign-in past it ends their oldest. */
export const MAX_SESSIONS_PER_USER = 50;
/** Live personal access tokens one user may hold; creating one more is refused. */
export const MAX_TOKENS_PER_USER = 100;
/**
 * Uses of credentials (`last_used_at`) are kept in memory and written together this often:
 * one small transaction, never one per request (so "last used" may lag by this much).
 */
const TOUCH_FLUSH_MS = 30_000;
const MAX_PENDING_TOUCHES = 10_000;

export interface AuthenticationOptions {
  sessionTtlMs: number;
  /** Set the cookie with `Secure` (PUBLIC_URL is https); a request over HTTPS gets it anyway. */
  secureCookies: boolean;
}

export interface StartedCredential {
  id: string;
  expiresAt: number;
}

export class Authentication {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #opts: AuthenticationOptions;
  readonly #userListeners: Array<(userId: string) => void> = [];
  readonly #credentialListeners: Array<(ids: readonly string[]) => void> = [];
  /** Uses not written yet: credential id → when. */
  #touches = new Map<string, number>();
  readonly #touchTimer: NodeJS.Timeout;

  constructor(store: Store, opts: AuthenticationOptions, now: () => number = Date.now) {
    this.#store = store;
    this.#opts = opts;
    this.#now = now;
    this.#touchTimer = setInterval(() => this.flushUses(), TOUCH_FLUSH_MS);
    this.#touchTimer.unref();
  }

  /** Writes the uses noted since the last flush. */
  async flushUses(): Promise<void> {
    if (this.#touches.size === 0) return;
    const touches = [...this.#touches];
    this.#touches = new Map();
    await this.#store.accounts.touchCredentials(touches).catch(() => undefined);
  }

  /** Stops the flush timer and writes what is pending (the app is closing). */
  async close(): Promise<void> {
    clearInterval(this.#touchTimer);
    await this.flushUses();
  }

  get secureCookies(): boolean {
    return this.#opts.secureCookies;
  }

  /** The user and credential of a live secret; any other value (wrong type, length, unknown) is null. */
  async authenticate(secret: unknown): Promise<Authenticated | null> {
    if (typeof secret !== 'string' || secret.length < 16 || secret.length > 200) return null;
    const now = this.#now();
    const found = await this.#store.accounts.authenticate(hashToken(secret), now);
    if (found) {
      this.#touches.set(found.credential.id, now);
      if (this.#touches.size >= MAX_PENDING_TOUCHES) void this.flushUses();
    }
    return found;
  }

  /**
   * Signs a browser in: a new session credential, its secret in the `cb_session` cookie.
   * `secure` adds Secure for a request that came over HTTPS.
   */
  async startSession(res: Response, userId: string, o: { sharedComputer: boolean; userAgent: string | null; secure?: boolean }): Promise<StartedCredential> {
    const secret = newToken();
    const now = this.#now();
    const id = `c_${newId()}`;
    const expiresAt = now + this.#opts.sessionTtlMs;
    const evicted = await this.#store.accounts.addCredential(
      { id, hash: hashToken(secret), userId, kind: 'session', name: null, createdAt: now, expiresAt, sharedComputer: o.sharedComputer, userAgent: o.userAgent?.slice(0, 300) ?? null },
      now,
      MAX_SESSIONS_PER_USER,
      'evict',
    );
    if (evicted?.length) this.#credentialsEnded(evicted);
    setSessionCookie(res, secret, { secure: this.#opts.secureCookies || o.secure === true, maxAgeMs: o.sharedComputer ? null : this.#opts.sessionTtlMs });
    return { id, expiresAt };
  }

  /**
   * A new personal access token (or, for the CLI, another kind): the secret is returned
   * once and only its hash is stored. Null when the user already holds MAX_TOKENS_PER_USER.
   */
  async createToken(userId: string, name: string, ttlMs: number, kind: CredentialKind = 'pat'): Promise<(StartedCredential & { token: string }) | null> {
    const token = newToken();
    const now = this.#now();
    const id = `c_${newId()}`;
    const expiresAt = now + ttlMs;
    const added = await this.#store.accounts.addCredential(
      { id, hash: hashToken(token), userId, kind, name, createdAt: now, expiresAt, sharedComputer: false, userAgent: null },
      now,
      MAX_TOKENS_PER_USER,
      'refuse',
    );
    return added ? { id, expiresAt, token } : null;
  }

  /** Ends the user's live credentials that match (all without a filter); their connections close at once. */
  async endCredentials(userId: string, filter: RevokeFilter = {}): Promise<string[]> {
    const ids = await this.#store.accounts.revokeCredentials(userId, this.#now(), filter);
    if (ids.length) this.#credentialsEnded(ids);
    return ids;
  }

  /** Signs a user out everywhere: every credential revoked, then listeners close live connections. */
  async revokeUser(userId: string): Promise<string[]> {
    const ids = await this.endCredentials(userId);
    for (const l of this.#userListeners) l(userId);
    return ids;
  }

  /** Credentials were ended elsewhere (a password reset): close their connections. */
  credentialsEnded(ids: readonly string[]): void {
    if (ids.length) this.#credentialsEnded(ids);
  }

  #credentialsEnded(ids: readonly string[]): void {
    for (const l of this.#credentialListeners) l(ids);
  }

  onUserRevoked(l: (userId: string) => void): void {
    this.#userListeners.push(l);
  }

  onCredentialRevoked(l: (ids: readonly string[]) => void): void {
    this.#credentialListeners.push(l);
  }
}
