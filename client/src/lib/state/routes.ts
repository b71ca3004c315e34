/** The client's routes, parsed from the location (a small history router). */
export type Route =
  | { page: 'boards' }
  | { page: 'board'; boardId: string }
  | { page: 'invite'; token: string }
  | { page: 'settings' }
  /** The start page by name; single sign-on comes back here with `?error=<code>` on failure. */
  | { page: 'signin'; error: string | null; next: string | null }
  /** Ask for a password reset link. */
  | { page: 'forgot' }
  /** Set a new password with the link's token. */
  | { page: 'reset'; token: string }
  | { page: 'notfound' };

const MAX_PARAM = 200;

/** A path on this site (never `//host` or a scheme), or null. */
export function localPath(v: string | null): string | null {
  if (!v || v.length > 2000 || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return null;
  return v;
}

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/' || pathname === '') return { page: 'boards' };
  let m = /^\/boards\/([A-Za-z0-9_-]{1,64})\/?$/.exec(pathname);
  if (m) return { page: 'board', boardId: m[1]! };
  m = /^\/invite\/([^/]{1,512})\/?$/.exec(pathname);
  const invite = m ? decode(m[1]!) : null;
  if (invite) return { page: 'invite', token: invite };
  if (/^\/settings\/?$/.test(pathname)) return { page: 'settings' };
  if (/^\/signin\/?$/.test(pathname)) {
    const q = new URLSearchParams(search);
    return { page: 'signin', error: q.get('error')?.slice(0, MAX_PARAM) ?? null, next: localPath(q.get('next')) };
  }
  if (/^\/reset\/?$/.test(pathname)) return { page: 'forgot' };
  m = /^\/reset\/([^/]{1,512})\/?$/.exec(pathname);
  const reset = m ? decode(m[1]!) : null;
  if (reset) return { page: 'reset', token: reset };
  return { page: 'notfound' };
}
