/**
 * A real OpenID provider for the single sign-on tests: oidc-provider on port 0 with one
 * confidential client, its development login and consent pages (any login name that is
 * one of `accounts` signs in; the password is not checked), and a fresh RSA signing key.
 * `hang()` makes it accept connections and never answer (an unreachable issuer without
 * waiting for a TCP timeout); `serve()` puts it back.
 */
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider, { type AccountClaims } from 'oidc-provider';

export interface TestProvider {
  issuer: string;
  /** Paths requested so far (discovery, auth, token, user info, …). */
  readonly requests: string[];
  hang(): void;
  serve(): void;
  close(): Promise<void>;
}

export interface ProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Login name → claims (besides `sub`, which is the login name). */
  accounts: Record<string, Omit<AccountClaims, 'sub'>>;
  /** false: the ID token carries the e-mail itself (as Google's does); true (the default): only user info. */
  conformIdTokenClaims?: boolean;
  /** Start hanging (see hang()). */
  hanging?: boolean;
}

export async function startProvider(opts: ProviderOptions): Promise<TestProvider> {
  let hanging = opts.hanging ?? false;
  let handler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    if (hanging || !handler) return; // held until close()
    requests.push(new URL(req.url ?? '/', 'http://x').pathname);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, sub) => {
      const claims = Object.hasOwn(opts.accounts, sub) ? opts.accounts[sub] : undefined;
      return claims ? { accountId: sub, claims: () => ({ ...claims, sub }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    cookies: { keys: ['provider-test-cookie-key'] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    features: { devInteractions: { enabled: true } },
    conformIdTokenClaims: opts.conformIdTokenClaims ?? true,
  });
  handler = provider.callback();
  return {
    issuer,
    requests,
    hang: () => {
      hanging = true;
    },
    serve: () => {
      hanging = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
