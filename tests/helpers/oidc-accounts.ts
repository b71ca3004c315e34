/**
 * The app's own single sign-on accounts (auth.accounts, auth.authn), with every link
 * recorded so the tests can see what the flow linked, and in which order.
 */
import type { AppDeps } from '../../server/app.js';

export const SESSION_COOKIE = 'cb_session';

export interface TestOidcAccounts {
  factory: NonNullable<AppDeps['oidcAccounts']>;
  /** E-mail → user id, as linked so far. */
  byEmail: Map<string, string>;
  /** Every call of linkVerifiedEmail, in order. */
  links: Array<{ email: string; name: string; userId: string }>;
}

export function testOidcAccounts(): TestOidcAccounts {
  const byEmail = new Map<string, string>();
  const links: TestOidcAccounts['links'] = [];
  const factory: TestOidcAccounts['factory'] = ({ auth }) => ({
    linkVerifiedEmail: async (email, name) => {
      const account = await auth.accounts.findOrCreateByVerifiedEmail(email, name);
      byEmail.set(email, account.id);
      links.push({ email, name, userId: account.id });
      return account;
    },
    startSession: async (req, res, userId) => {
      await auth.authn.startSession(res, userId, { sharedComputer: false, userAgent: req.headers['user-agent'] ?? null });
    },
  });
  return { factory, byEmail, links };
}
