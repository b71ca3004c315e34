/** The signed-in user and the current route (a small history router). */
import { api, ApiError, clearSession, storedToken, storedUser, storeSession, type User } from '../api.js';

export type Route =
  | { page: 'boards' }
  | { page: 'board'; boardId: string }
  | { page: 'invite'; token: string }
  | { page: 'notfound' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'boards' };
  let m = /^\/boards\/([A-Za-z0-9_-]{1,64})\/?$/.exec(pathname);
  if (m) return { page: 'board', boardId: m[1]! };
  m = /^\/invite\/([^/]+)\/?$/.exec(pathname);
  if (m) return { page: 'invite', token: decodeURIComponent(m[1]!) };
  return { page: 'notfound' };
}

export class Session {
  #user = $state<User | null>(storedUser());
  #token = $state<string | null>(storedToken());
  #route = $state<Route>(parseRoute(location.pathname));

  constructor() {
    window.addEventListener('popstate', () => {
      this.#route = parseRoute(location.pathname);
    });
    // A token the server no longer knows (a reset server, a revoked token) signs out;
    // being offline does not.
    if (this.#token) {
      api.me().catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) this.signOut();
      });
    }
  }

  get user(): User | null {
    return this.#token ? this.#user : null;
  }
  get token(): string | null {
    return this.#token;
  }
  get route(): Route {
    return this.#route;
  }

  async signIn(name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('Enter a name');
    const { user, token } = await api.signUp(trimmed);
    storeSession(user, token);
    this.#user = user;
    this.#token = token;
  }

  signOut(): void {
    clearSession();
    this.#user = null;
    this.#token = null;
  }

  navigate(path: string): void {
    if (path !== location.pathname) history.pushState(null, '', path);
    this.#route = parseRoute(path);
  }
}
