/**
 * Single sign-on with OpenID Connect (openid-client): the authorization code flow with
 * PKCE (S256), state and nonce. `OidcSignIn` discovers the issuer when the server starts
 * (bounded by `timeoutMs`; an unreachable issuer leaves sign-on "unavailable" and is tried
 * again later, so the server starts either way), builds the authorization request, and
 * turns the provider's answer into a checked identity: a verified e-mail (the
 * `email_verified` claim must be `true`) in an allowed domain. Accounts and sessions are
 * not its business: the routes hand the identity to `OidcDeps`.
 */
import type { Request, Response } from 'express';
import * as oidc from 'openid-client';
import type { Logger } from '../logger.js';
import type { OidcSettings } from '../config.js';
import type { OidcErrorCode } from '../../shared/protocol/oidc.js';
import { SealedSignIns, type PendingSignIn } from './oidc-flows.js';

/** What single sign-on needs from accounts and sessions (core's, wired in app.ts). */
export interface OidcDeps {
  /**
   * The account with this e-mail (lower-cased, verified by the provider): found, or created
   * with `name`; either way marked verified.
   */
  linkVerifiedEmail(email: string, name: string): Promise<{ id: string }>;
  /** Signs the browser in as the user: sets the session cookie on `res`. */
  startSession(req: Request, res: Response, userId: string): Promise<void>;
}

export interface OidcIdentity {
  /** The provider's subject identifier, for logs. */
  subject: string;
  email: string;
  name: string;
}

export type OidcResult = { ok: true; identity: OidcIdentity } | { ok: false; code: OidcErrorCode; reason: string };

/** Scopes asked for: the ID token, the e-mail with its verification, and a display name. */
const SCOPE = 'openid email profile';
/** Largest answer read from the provider (discovery, keys, tokens, user info). */
const MAX_PROVIDER_RESPONSE_BYTES = 1024 * 1024;
/** Longest wait between two discovery attempts. */
const MAX_RETRY_MS = 10 * 60_000;
/** Longest display name kept (as POST /api/users allows). */
const MAX_NAME_CHARS = 80;
const MAX_EMAIL_CHARS = 254;

/** Every request to the provider ends within `timeoutMs` and reads at most 1 MiB. */
function boundedFetch(timeoutMs: number): oidc.CustomFetch {
  return async (url, options) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const res = await fetch(url, { ...options, signal } as RequestInit);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_PROVIDER_RESPONSE_BYTES) {
      await res.body?.cancel();
      throw new Error(`identity provider answer too large (${declared} bytes)`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > MAX_PROVIDER_RESPONSE_BYTES) throw new Error('identity provider answer too large');
        chunks.push(chunk);
      }
    }
    const body = [204, 205, 304].includes(res.status) ? null : Buffer.concat(chunks);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/**
 * `raw` when it is a path on this site (what the sign-in page passes as `?next=`), else
 * null: no scheme, no host, no `//` or backslash that a browser would read as another
 * host, no control characters, nothing under /api/ (the sign-in routes themselves).
 */
export function safeNextPath(raw: string): string | null {
  if (raw.length === 0 || raw.length > 1024) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return null;
  const base = 'http://next.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  const path = url.pathname + url.search + url.hash;
  // Normalising can turn `/.//evil.example` into `//evil.example`.
  if (path.startsWith('//') || path === '/api' || path.startsWith('/api/')) return null;
  return path;
}

/** The display name the provider gives, cleaned and bounded; else the e-mail's local part. */
function displayName(claims: Record<string, unknown>, email: string): string {
  const clean = (v: unknown) =>
    typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim() : '';
  const given = [clean(claims.given_name), clean(claims.family_name)].filter(Boolean).join(' ');
  const name = clean(claims.name) || given || clean(claims.preferred_username) || email.slice(0, email.lastIndexOf('@'));
  return Array.from(name).slice(0, MAX_NAME_CHARS).join('').trim() || 'user';
}

/**
 * The identity in the provider's claims, or why it is refused: an e-mail is needed,
 * verified by the provider (`email_verified` exactly `true`), in one of `allowedDomains`
 * (exact match, lower-cased; empty list: any domain).
 */
export function checkIdentity(claims: Record<string, unknown>, allowedDomains: readonly string[]): OidcResult {
  const subject = typeof claims.sub === 'string' ? claims.sub.slice(0, 255) : '';
  const raw = claims.email;
  if (typeof raw !== 'string' || raw.length > MAX_EMAIL_CHARS || !/^[^\s@]+@[^\s@]+$/.test(raw)) {
    return { ok: false, code: 'oidc_no_email', reason: 'no usable email claim' };
  }
  const email = raw.toLowerCase();
  if (claims.email_verified !== true) {
    return { ok: false, code: 'oidc_email_unverified', reason: `email_verified is ${JSON.stringify(claims.email_verified ?? null)}` };
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (allowedDomains.length > 0 && !allowedDomains.includes(domain)) {
    return { ok: false, code: 'oidc_domain', reason: `domain ${domain} not allowed` };
  }
  return { ok: true, identity: { subject, email, name: displayName(claims, email) } };
}

/**
 * A log line's worth of why the exchange failed: openid-client's message, the message of
 * the check underneath it (which names the claim: "unexpected ID Token "nonce" claim
 * value"), the provider's error code. Never a token, code or claim value.
 */
function failureReason(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const parts = [err.message];
  if (err instanceof oidc.ResponseBodyError) parts.push(`provider error ${err.error.slice(0, 100)}`);
  else if (err.cause instanceof Error && err.cause.message !== err.message) parts.push(err.cause.message);
  return parts.join(': ').slice(0, 300);
}

export class OidcSignIn {
  readonly label: string;
  readonly redirectUri: string;
  #config: oidc.Configuration | null = null;
  #discovering: Promise<oidc.Configuration | null> | null = null;
  #failures = 0;
  #nextTryAt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly settings: OidcSettings,
    /** PUBLIC_URL: the redirect URI is built from it, never from the request's Host. */
    publicUrl: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.label = settings.label;
    this.redirectUri = `${publicUrl}/api/auth/oidc/callback`;
  }

  /** Seals attempts for this provider configuration (any process with the same settings opens them). */
  sealer(ttlMs: number, now: () => number): SealedSignIns {
    const { clientSecret, issuer, clientId } = this.settings;
    return new SealedSignIns(clientSecret, `${issuer} ${clientId}`, ttlMs, now);
  }

  /** Discovered and usable. */
  get available(): boolean {
    return this.#config !== null;
  }

  /** For `GET /api/auth/config`: the sign-in page's SSO button. */
  publicConfig(): { enabled: true; label: string; available: boolean } {
    return { enabled: true, label: this.label, available: this.available };
  }

  /** Starts discovery in the background (the server does not wait for it). */
  start(): void {
    void this.#discover();
  }

  /**
   * The discovered configuration; when there is none yet and the next retry is due, one
   * attempt now (bounded by the timeout). Null while the issuer cannot be reached.
   */
  async ready(): Promise<oidc.Configuration | null> {
    if (this.#config) return this.#config;
    if (this.#discovering) return this.#discovering;
    if (this.now() < this.#nextTryAt) return null;
    return this.#discover();
  }

  #discover(): Promise<oidc.Configuration | null> {
    if (this.#closed) return Promise.resolve(null);
    this.#discovering ??= (async () => {
      try {
        this.#config = await this.#discovery();
        this.#failures = 0;
        this.logger.info({ issuer: this.settings.issuer }, 'single sign-on: issuer discovered');
      } catch (err) {
        this.#failures++;
        const wait = Math.min(this.settings.retryMs * 2 ** (this.#failures - 1), MAX_RETRY_MS);
        this.#nextTryAt = this.now() + wait;
        this.logger.warn({ issuer: this.settings.issuer, reason: failureReason(err), retryInMs: wait }, 'single sign-on: issuer unreachable');
        if (!this.#closed) {
          if (this.#retryTimer) clearTimeout(this.#retryTimer);
          // Straight to discovery: a timer may fire a millisecond before `#nextTryAt` by the clock.
          this.#retryTimer = setTimeout(() => void this.#discover(), wait);
          this.#retryTimer.unref();
        }
      } finally {
        this.#discovering = null;
      }
      return this.#config;
    })();
    return this.#discovering;
  }

  async #discovery(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret, timeoutMs } = this.settings;
    const url = new URL(issuer);
    // config.ts admits plain http for loopback issuers only.
    const insecure = url.protocol === 'http:';
    const options: oidc.DiscoveryRequestOptions = {
      [oidc.customFetch]: boundedFetch(timeoutMs),
      timeout: Math.ceil(timeoutMs / 1000),
      execute: insecure ? [oidc.allowInsecureRequests] : [],
    };
    const found = await oidc.discovery(url, clientId, { client_secret: clientSecret }, oidc.ClientSecretBasic(clientSecret), options);
    // client_secret_basic is the default of the specs; use the form post when the provider
    // says it takes only that.
    const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
    if (!methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) return found;
    const config = new oidc.Configuration(found.serverMetadata(), clientId, { client_secret: clientSecret }, oidc.ClientSecretPost(clientSecret));
    config[oidc.customFetch] = boundedFetch(timeoutMs);
    config.timeout = options.timeout;
    if (insecure) oidc.allowInsecureRequests(config);
    return config;
  }

  /** A new sign-in attempt: what to keep for the callback, and where to send the browser. */
  async authorizationRequest(config: oidc.Configuration, next: string): Promise<{ flow: PendingSignIn; url: URL }> {
    const flow: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      next,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { flow, url };
  }

  /**
   * Checks the provider's answer (`query`: the callback's raw query string) against the
   * attempt, exchanges the code (with the PKCE verifier), verifies the ID token (signature,
   * issuer, audience, expiry, nonce) and reads the claims, from the user info endpoint when
   * the ID token lacks the e-mail.
   */
  async complete(config: oidc.Configuration, flow: PendingSignIn, query: string): Promise<OidcResult> {
    const params = new URLSearchParams(query);
    for (const key of ['code', 'state', 'error', 'iss']) {
      if (params.getAll(key).length > 1) return { ok: false, code: 'oidc_invalid', reason: `repeated ${key} parameter` };
    }
    // openid-client checks the state too; checking it first names the refusal.
    if (params.get('state') !== flow.state) return { ok: false, code: 'oidc_state', reason: 'state does not match the attempt' };
    const current = new URL(this.redirectUri);
    current.search = params.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) return { ok: false, code: 'oidc_invalid', reason: 'no ID token' };
      claims = { ...idClaims };
      if (typeof claims.email !== 'string' || claims.email_verified === undefined) {
        // The subject must match the ID token's (openid-client checks it).
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, sub: idClaims.sub };
      }
    } catch (err) {
      if (err instanceof oidc.AuthorizationResponseError) {
        return { ok: false, code: 'oidc_denied', reason: `provider answered ${err.error.slice(0, 100)}` };
      }
      return { ok: false, code: 'oidc_invalid', reason: failureReason(err) };
    }
    return checkIdentity(claims, this.settings.allowedDomains);
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
