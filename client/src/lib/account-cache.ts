/**
 * What the browser remembers about who is signed in, none of it secret: the session itself
 * is the HttpOnly cookie. The account's profile is kept so a board opens offline; on a
 * shared computer it goes to sessionStorage (gone with the tab) instead of localStorage.
 *
 * Also the two migrations from before accounts: the bearer token a name-only user kept in
 * localStorage (read once, for the claim, then removed), and a sign-out made offline that
 * the server has still to hear about.
 */
import type { Account } from './account-api.js';

export const ACCOUNT_KEY = 'claimboard.account';
/** Before accounts: the bearer token and `{ id, name }` of a name-only user. */
const LEGACY_TOKEN_KEY = 'claimboard.token';
const LEGACY_USER_KEY = 'claimboard.user';
const SIGNOUT_PENDING_KEY = 'claimboard.signout-pending';
/** "Shared computer" ticked before leaving for single sign-on (this tab only). */
const SSO_SHARED_KEY = 'claimboard.sso-shared';

export interface CachedAccount {
  user: Account;
  sharedComputer: boolean;
}

function parseAccount(raw: string | null): CachedAccount | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as { user?: Partial<Account>; sharedComputer?: unknown };
    const u = c.user;
    if (!u || typeof u.id !== 'string' || typeof u.name !== 'string') return null;
    return {
      user: {
        id: u.id,
        name: u.name,
        email: typeof u.email === 'string' ? u.email : null,
        avatarColor: typeof u.avatarColor === 'string' ? u.avatarColor : null,
        hasPassword: u.hasPassword !== false,
        claimed: u.claimed !== false,
      },
      sharedComputer: c.sharedComputer === true,
    };
  } catch {
    return null;
  }
}

export function readCachedAccount(): CachedAccount | null {
  return parseAccount(sessionStorage.getItem(ACCOUNT_KEY)) ?? parseAccount(localStorage.getItem(ACCOUNT_KEY));
}

export function storeCachedAccount(c: CachedAccount): void {
  clearCachedAccount();
  (c.sharedComputer ? sessionStorage : localStorage).setItem(ACCOUNT_KEY, JSON.stringify(c));
}

export function clearCachedAccount(): void {
  sessionStorage.removeItem(ACCOUNT_KEY);
  localStorage.removeItem(ACCOUNT_KEY);
}

export interface LegacyIdentity {
  token: string;
  /** The name the old client showed; null when it was not stored. */
  name: string | null;
}

export function readLegacyIdentity(): LegacyIdentity | null {
  const token = localStorage.getItem(LEGACY_TOKEN_KEY);
  if (!token) return null;
  let name: string | null = null;
  try {
    const u = JSON.parse(localStorage.getItem(LEGACY_USER_KEY) ?? 'null') as { name?: unknown } | null;
    if (typeof u?.name === 'string') name = u.name;
  } catch {
    /* no name: the claim form asks without it */
  }
  return { token, name };
}

export function forgetLegacyIdentity(): void {
  localStorage.removeItem(LEGACY_TOKEN_KEY);
  localStorage.removeItem(LEGACY_USER_KEY);
}

export function signOutPending(): boolean {
  return localStorage.getItem(SIGNOUT_PENDING_KEY) === '1';
}

export function setSignOutPending(on: boolean): void {
  if (on) localStorage.setItem(SIGNOUT_PENDING_KEY, '1');
  else localStorage.removeItem(SIGNOUT_PENDING_KEY);
}

/** Marks (before leaving for single sign-on) that this tab is on a shared computer. */
export function rememberSsoSharedChoice(): void {
  sessionStorage.setItem(SSO_SHARED_KEY, '1');
}

/** Reads and clears that mark: true when the tab left for single sign-on as "shared". */
export function takeSsoSharedChoice(): boolean {
  const on = sessionStorage.getItem(SSO_SHARED_KEY) === '1';
  sessionStorage.removeItem(SSO_SHARED_KEY);
  return on;
}
