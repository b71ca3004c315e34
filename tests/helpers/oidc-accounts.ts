/**
 * Accounts and sessions for the single sign-on tests, until core's are wired in app.ts
 * (`AppDeps.oidcAccounts`). Users and session credentials are real rows in the test
 * server's SQLite store (`store.createUser`, `store.addToken`: the session cookie is a
 * bearer token of that user, so `store.userByTokenHash` and `GET /api/me` recognise it);
 * only the e-mail → user index is kept here, in memory, because today's schema has no
 * e-mail column (core's migration 2 adds it, with `findOrCreateByVerifiedEmail`).
 */
import type { AppDeps } from '../../server/app.js';
import { hashToken, newId, newToken } from '../../server/auth/tokens.js';

export const SESSION_COOKIE = 'cb_session';
const SESSION_TTL_MS = 60 * 60_000;

export interface TestOidcAccounts {
  factory: NonNullable<AppDeps['oidcAccounts']>;
  /** E-mail → user id, as linked so far (seed it to stand for an existing account). */
  byEmail: Map<string, string>;
  /** Every call of linkVerifiedEmail, in order. */
  links: Array<{ email: string; name: string; userId: string }>;
}

export function testOidcAccounts(): TestOidcAccounts {
  const byEmail = new Map<string, string>();
  const links: TestOidcAccounts['links'] = [];
  const factory: TestOidcAccounts['factory'] = ({ store, now }) => ({
    linkVerifiedEmail: async (email, name) => {
      let id = byEmail.get(email);
      if (!id) {
        id = newId();
        await store.createUser({ id, name, createdAt: now() }, hashToken(newToken()), null);
        byEmail.set(email, id);
      }
      links.push({ email, name, userId: id });
      return { id };
    },
    startSession: async (_req, res, userId) => {
      const token = newToken();
      await store.addToken(userId, hashToken(token), now(), now() + SESSION_TTL_MS);
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: SESSION_TTL_MS });
    },
  });
  return { factory, byEmail, links };
}
