/**
 * Authentication, accounts, roles, the board catalogue and the doc-access chain, built
 * together over one store (they share the membership cache). Consumers take the parts they use.
 */
import type { Logger } from 'pino';
import type { Store } from '../persistence/store.js';
import { Accounts, type Mailer, type SignupPolicy } from './accounts.js';
import { Authentication } from './authentication.js';
import { BoardCatalogue } from './board-catalogue.js';
import { BoardStates } from './board-states.js';
import { DocAccess } from './doc-access.js';
import { Memberships } from './memberships.js';
import { PasswordHasher } from './passwords.js';
import { SignInThrottle } from './sign-in-throttle.js';

export interface Auth {
  readonly authn: Authentication;
  readonly accounts: Accounts;
  readonly members: Memberships;
  readonly catalogue: BoardCatalogue;
  readonly docs: DocAccess;
  readonly boards: BoardStates;
}

export interface AuthOptions {
  publicUrl: string;
  signup: SignupPolicy;
  tokenTtlMs: number;
  sessionTtlMs: number;
  passwordHashCost: number;
  logger: Logger;
  mailer?: Mailer;
}

export function createAuth(store: Store, o: AuthOptions, now: () => number = Date.now): Auth {
  const boards = new BoardStates(store);
  const members = new Memberships(store, boards, now);
  const authn = new Authentication(store, { sessionTtlMs: o.sessionTtlMs, secureCookies: o.publicUrl.startsWith('https:') }, now);
  const accounts = new Accounts(
    store,
    authn,
    new PasswordHasher(o.passwordHashCost),
    new SignInThrottle(now),
    { publicUrl: o.publicUrl, signup: o.signup, tokenTtlMs: o.tokenTtlMs, ...(o.mailer ? { mailer: o.mailer } : {}) },
    o.logger,
    now,
  );
  return { authn, accounts, members, catalogue: new BoardCatalogue(store, members), docs: new DocAccess(members, boards), boards };
}

export type { Mailer } from './accounts.js';
export type { RoleChange } from './memberships.js';
export type { BoardStateChange } from './board-states.js';
