/**
 * The parts of oidc-provider (a devDependency shipping no types) the tests use: a real
 * OpenID provider they start (tests/helpers/oidc-provider.ts).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AccountClaims {
    sub: string;
    [claim: string]: unknown;
  }
  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<AccountClaims> | AccountClaims;
  }
  export interface Configuration {
    clients?: Array<Record<string, unknown>>;
    findAccount?(ctx: unknown, sub: string): Promise<Account | undefined> | Account | undefined;
    claims?: Record<string, string[] | null>;
    cookies?: { keys: string[] };
    jwks?: { keys: object[] };
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    pkce?: Record<string, unknown>;
    conformIdTokenClaims?: boolean;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    /** The Koa app's request handler. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
