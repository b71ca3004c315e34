/**
 * Who is calling [T1, T13]: a bearer token (REST `Authorization`, Socket.IO `auth.token`,
 * y-websocket `?token=`) to its user and the token's expiry; signing a user out everywhere.
 * The first link of every request's chain of checks (see doc-access.ts); nothing here knows
 * about boards.
 */
import { hashToken } from './tokens.js';
import type { Store, TokenUser } from '../persistence/store.js';

export class Authentication {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #revokeListeners: Array<(userId: string) => void> = [];

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** The token's user, with its expiry (a transport closes the connection then) [T13]. */
  async authenticate(token: unknown): Promise<TokenUser | null> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 200) return null;
    return this.#store.userByTokenHash(hashToken(token), this.#now());
  }

  /** Signs a user out everywhere: tokens revoked, then listeners close live connections. */
  async revokeUser(userId: string): Promise<void> {
    await this.#store.revokeTokensOf(userId, this.#now());
    for (const l of this.#revokeListeners) l(userId);
  }

  onUserRevoked(l: (userId: string) => void): void {
    this.#revokeListeners.push(l);
  }
}
