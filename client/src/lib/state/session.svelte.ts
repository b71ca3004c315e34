/**
 * Who is signed in, and the current route (a small history router).
 *
 * The session is the server's HttpOnly cookie; this class only mirrors what `GET /api/me`
 * says, keeping the profile (not a secret) so boards open offline. A session started with
 * "This is a shared computer" keeps no offline copy, and every sign-out removes this
 * device's copies unless the user keeps them (offline-copies.ts).
 */
import { tick } from 'svelte';
import { ApiError, setUnauthorizedHandler, type User } from '../api.js';
import { accountApi, type Account, type AuthConfig, type SignUp } from '../account-api.js';
import {
  ACCOUNT_KEY,
  clearCachedAccount,
  forgetLegacyIdentity,
  readCachedAccount,
  readLegacyIdentity,
  setSignOutPending,
  signOutPending,
  storeCachedAccount,
  takeSsoSharedChoice,
  type LegacyIdentity,
} from '../account-cache.js';
import { setOfflineCopiesAllowed, wipeOfflineCopies } from '../offline-copies.js';
import { parseRoute, type Route } from './routes.js';

export { parseRoute, type Route };

/** `checking`: not yet known (first start, no cached profile); `legacy`: a name-only user
 * from before accounts, who is offered the claim. */
export type SessionStatus = 'checking' | 'signedIn' | 'signedOut' | 'legacy';

export interface SignOutOptions {
  /** Keep this device's offline copies (ignored on a shared computer: there are none). */
  keepOfflineCopies: boolean;
  /** End every session of the account, not just this one. */
  everywhere?: boolean;
}

export class Session {
  #status = $state<SessionStatus>('checking');
  #account = $state.raw<Account | null>(null);
  #sharedComputer = $state(false);
  #legacy = $state.raw<LegacyIdentity | null>(null);
  #route = $state<Route>(parseRoute(location.pathname, location.search));
  /** A message for the start page: why the user was signed out, what was deleted. */
  #notice = $state<string | null>(null);
  #config: Promise<AuthConfig> | null = null;
  /** Bumped when the user's own sign-in, sign-up, claim or sign-out replaced the page. */
  #moved = $state(0);
  /** Set while this tab signs out, so the 401s that race it are not a second sign-out. */
  #leaving = false;

  constructor() {
    window.addEventListener('popstate', () => {
      this.#route = parseRoute(location.pathname, location.search);
    });
    setUnauthorizedHandler(() => void this.#ended());
    // Another tab signed out (it removed the stored profile): ask the server whether this
    // session still stands; a 401 signs this tab out too.
    window.addEventListener('storage', (e) => {
      if (e.key !== null && e.key !== ACCOUNT_KEY) return;
      if (this.#status === 'signedIn' && readCachedAccount() === null) void accountApi.me().catch(() => undefined);
    });
    void this.#start();
  }

  get status(): SessionStatus {
    return this.#status;
  }
  /** The signed-in user; null when signed out (or not yet known). */
  get user(): User | null {
    return this.#status === 'signedIn' ? this.#account : null;
  }
  get account(): Account | null {
    return this.#status === 'signedIn' ? this.#account : null;
  }
  get sharedComputer(): boolean {
    return this.#sharedComputer;
  }
  get legacy(): LegacyIdentity | null {
    return this.#status === 'legacy' ? this.#legacy : null;
  }
  get route(): Route {
    return this.#route;
  }
  get notice(): string | null {
    return this.#notice;
  }

  /** Changes when the user's own sign-in or sign-out replaced the page: focus goes to it. */
  get moved(): number {
    return this.#moved;
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  /** The server's sign-up and single sign-on settings (fetched once). */
  config(): Promise<AuthConfig> {
    this.#config ??= accountApi.config().catch((e: unknown) => {
      this.#config = null;
      throw e;
    });
    return this.#config;
  }

  async #start(): Promise<void> {
    // A sign-out made offline: end that session before trusting the cookie again.
    if (signOutPending()) {
      try {
        await accountApi.signOut();
      } catch (e) {
        if (!(e instanceof ApiError)) {
          this.#signedOut('You are offline. Sign in again when you are back online.');
          return;
        }
      }
      setSignOutPending(false);
    }
    const ssoShared = takeSsoSharedChoice();
    const legacy = readLegacyIdentity();
    const cached = legacy ? null : readCachedAccount();
    if (cached) {
      // Offline first: the profile from the last visit, confirmed below when online.
      this.#apply(cached.user, cached.sharedComputer);
    }
    try {
      const { user, credential } = await accountApi.me();
      this.#apply(user, credential.sharedComputer === true || ssoShared || cached?.sharedComputer === true);
      return;
    } catch (e) {
      // Only a 401 says there is no session. Offline or a failing server: a cached profile
      // keeps working; otherwise nothing can be checked yet.
      if (!(e instanceof ApiError && e.status === 401)) {
        if (cached) return;
        if (legacy) this.#enterLegacy(legacy);
        else this.#signedOut(e instanceof ApiError ? 'The server could not check your session. Try again in a moment.' : 'You are offline. Sign in when you are back online.');
        return;
      }
    }
    if (cached) {
      await this.#ended();
      return;
    }
    if (legacy) {
      await this.#checkLegacy(legacy);
      return;
    }
    this.#signedOut(null);
  }

  /** A name-only user's old token: offer the claim if it still works and is unclaimed. */
  async #checkLegacy(legacy: LegacyIdentity): Promise<void> {
    try {
      const { user } = await accountApi.me(legacy.token);
      if (!user.claimed) {
        this.#enterLegacy({ token: legacy.token, name: user.name });
        return;
      }
    } catch (e) {
      // Kept unless the server says the token is dead (401).
      if (!(e instanceof ApiError && e.status === 401)) {
        this.#enterLegacy(legacy);
        return;
      }
    }
    forgetLegacyIdentity();
    this.#signedOut(null);
  }

  #enterLegacy(legacy: LegacyIdentity): void {
    this.#legacy = legacy;
    this.#status = 'legacy';
  }

  /** Signed in: remember the profile, and whether this device may keep offline copies. */
  #apply(user: Account, sharedComputer: boolean): void {
    setOfflineCopiesAllowed(!sharedComputer);
    storeCachedAccount({ user, sharedComputer });
    forgetLegacyIdentity();
    this.#legacy = null;
    this.#account = user;
    this.#sharedComputer = sharedComputer;
    this.#status = 'signedIn';
    this.#notice = null;
    if (this.#route.page === 'signin') this.navigate(this.#route.next ?? '/');
  }

  #signedOut(notice: string | null): void {
    setOfflineCopiesAllowed(false);
    clearCachedAccount();
    this.#account = null;
    this.#status = 'signedOut';
    this.#notice = notice;
  }

  async signIn(email: string, password: string, sharedComputer: boolean): Promise<void> {
    const { user } = await accountApi.signIn(email.trim(), password, sharedComputer);
    this.#apply(user, sharedComputer);
    this.#moved++;
  }

  async signUp(form: SignUp): Promise<void> {
    const { user } = await accountApi.signUp(form);
    this.#apply(user, form.sharedComputer);
    this.#moved++;
  }

  /** A name-only user sets e-mail and password with the old token, then signs in with them. */
  async claim(email: string, password: string): Promise<void> {
    const legacy = this.#legacy;
    if (!legacy) throw new Error('There is no account to claim on this device.');
    await accountApi.claim(legacy.token, email.trim(), password);
    const { user } = await accountApi.signIn(email.trim(), password, false);
    this.#apply(user, false);
    this.#moved++;
  }

  /** Leaves the old name-only identity behind (its boards stay with that name). */
  abandonLegacy(): void {
    forgetLegacyIdentity();
    this.#legacy = null;
    this.#signedOut(null);
  }

  updateAccount(user: Account): void {
    if (this.#status !== 'signedIn') return;
    this.#apply(user, this.#sharedComputer);
  }

  /**
   * Ends the session on the server (or every session), then forgets it here and deletes
   * this device's offline copies unless kept. Offline, the server hears about it at the next
   * start; "everywhere" needs the server and throws when it cannot be reached.
   */
  async signOut(opts: SignOutOptions): Promise<void> {
    this.#leaving = true;
    try {
      await this.#signOut(opts);
    } finally {
      this.#leaving = false;
    }
  }

  async #signOut(opts: SignOutOptions): Promise<void> {
    let offline = false;
    try {
      if (opts.everywhere) await accountApi.endAllSessions();
      else await accountApi.signOut();
    } catch (e) {
      // 401: the session had already ended, which is what was asked.
      if (e instanceof ApiError && e.status !== 401) throw e;
      if (!(e instanceof ApiError)) {
        if (opts.everywhere) throw new Error('Signing out everywhere needs a connection to the server.');
        offline = true;
        setSignOutPending(true);
      }
    }
    const wipe = this.#sharedComputer || !opts.keepOfflineCopies;
    await this.#leave(wipe);
    this.#notice = [
      opts.everywhere ? 'You are signed out on every device.' : 'You are signed out.',
      offline ? 'This device is offline: the server ends the session when it is next reachable.' : '',
      wipe ? 'The offline copies of your boards on this device were deleted.' : 'The offline copies of your boards were kept on this device.',
    ]
      .filter(Boolean)
      .join(' ');
    this.navigate('/');
    this.#moved++;
  }

  /** The server no longer accepts the session (expired, or ended from another device). */
  async #ended(): Promise<void> {
    if (this.#status !== 'signedIn' || this.#leaving) return;
    // Copies on a personal device may hold edits the server has not seen: kept. A shared
    // computer has none in IndexedDB; its board lists and names go.
    await this.#leave(this.#sharedComputer);
    this.#notice = 'Your session has ended (it expired, or was signed out from another device). Sign in again to continue.';
  }

  async #leave(wipe: boolean): Promise<void> {
    this.#signedOut(null);
    this.#sharedComputer = false;
    // Let an open board unmount and close its IndexedDB connections before deleting them.
    await tick();
    if (wipe) await wipeOfflineCopies();
  }

  navigate(path: string): void {
    const url = new URL(path, location.origin);
    if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, '', url.pathname + url.search);
    this.#route = parseRoute(url.pathname, url.search);
  }
}
