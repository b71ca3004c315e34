/**
 * A small browser made of real HTTP requests, for flows that hop between sites (single
 * sign-on): a cookie jar per host (Path, Max-Age/Expires honoured; every cookie is sent on
 * every request to its host, as a browser sends Lax cookies on top-level navigations),
 * redirects followed one hop at a time by the test, HTML forms read with linkedom and
 * submitted, and a hosts table (`claimboard.test` → `127.0.0.1:<port>`) standing in for
 * DNS, so a server whose PUBLIC_URL is fixed before it listens on port 0 can be reached.
 */
import http from 'node:http';
import { parseHTML } from 'linkedom';

export interface Page {
  url: URL;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The Location of a redirect, resolved against `url`; else null. */
  location: URL | null;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number | null;
}

export class HttpBrowser {
  /** host → `name path` → cookie (one name may be set on several paths). */
  readonly #jar = new Map<string, Map<string, StoredCookie>>();

  constructor(private readonly hosts: Record<string, string> = {}) {}

  /** The cookie `name` this browser holds for `host` (e.g. 'claimboard.test'), on any path, or null. */
  cookie(host: string, name: string): string | null {
    for (const c of this.#jar.get(host)?.values() ?? []) {
      if (c.name === name && (c.expiresAt === null || c.expiresAt > Date.now())) return c.value;
    }
    return null;
  }

  /** Sets a cookie by hand (a test standing in for an attacker who has one). */
  setCookie(host: string, name: string, value: string, path = '/'): void {
    let forHost = this.#jar.get(host);
    if (!forHost) this.#jar.set(host, (forHost = new Map()));
    forHost.set(`${name} ${path}`, { name, value, path, expiresAt: null });
  }

  get(url: string | URL): Promise<Page> {
    return this.request('GET', new URL(url));
  }

  request(method: string, url: URL, form?: Record<string, string>): Promise<Page> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const [hostname, port] = (this.hosts[url.host] ?? url.host).split(':');
    const headers: Record<string, string> = { host: url.host, accept: 'text/html,application/json' };
    const cookies = this.#cookiesFor(url);
    if (cookies) headers.cookie = cookies;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise<Page>((resolve, reject) => {
      const req = http.request({ method, hostname, port: Number(port ?? 80), path: url.pathname + url.search, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.#store(url, res.headers['set-cookie'] ?? []);
          const loc = res.headers.location;
          resolve({
            url,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            location: typeof loc === 'string' ? new URL(loc, url) : null,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Submits the page's first form: its inputs' values (hidden ones included), with
   * `fields` filled in over them.
   */
  submit(page: Page, fields: Record<string, string> = {}): Promise<Page> {
    const { document } = parseHTML(page.body);
    const form = document.querySelector('form');
    if (!form) throw new Error(`no form on ${page.url.href}: ${page.body.slice(0, 200)}`);
    const values: Record<string, string> = {};
    for (const input of Array.from(form.querySelectorAll('input[name]'))) {
      values[input.getAttribute('name') ?? ''] = input.getAttribute('value') ?? '';
    }
    const action = new URL(form.getAttribute('action') ?? page.url.href, page.url);
    return this.request((form.getAttribute('method') ?? 'GET').toUpperCase(), action, { ...values, ...fields });
  }

  #cookiesFor(url: URL): string {
    const forHost = this.#jar.get(url.host);
    if (!forHost) return '';
    const now = Date.now();
    const out: string[] = [];
    for (const c of forHost.values()) {
      if (c.expiresAt !== null && c.expiresAt <= now) continue;
      if (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) out.push(`${c.name}=${c.value}`);
    }
    return out.join('; ');
  }

  #store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expiresAt: number | null = null;
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=').map((s) => s.trim());
        if (k.toLowerCase() === 'path') path = v || '/';
        else if (k.toLowerCase() === 'max-age') expiresAt = Date.now() + Number(v) * 1000;
        else if (k.toLowerCase() === 'expires' && expiresAt === null) expiresAt = Date.parse(v);
      }
      let forHost = this.#jar.get(url.host);
      if (!forHost) this.#jar.set(url.host, (forHost = new Map()));
      const key = `${name} ${path}`;
      if (expiresAt !== null && expiresAt <= Date.now()) forHost.delete(key);
      else forHost.set(key, { name, value, path, expiresAt });
    }
  }
}
