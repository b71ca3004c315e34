/**
 * Authentication, roles, the board catalogue and the doc-access chain, built together over
 * one store (they share the membership cache). Consumers take the parts they use.
 */
import type { Store } from '../persistence/store.js';
import { Authentication } from './authentication.js';
import { BoardCatalogue } from './board-catalogue.js';
import { DocAccess } from './doc-access.js';
import { Memberships } from './memberships.js';

export interface Auth {
  readonly authn: Authentication;
  readonly members: Memberships;
  readonly catalogue: BoardCatalogue;
  readonly docs: DocAccess;
}

export function createAuth(store: Store, now: () => number = Date.now): Auth {
  const members = new Memberships(store, now);
  return { authn: new Authentication(store, now), members, catalogue: new BoardCatalogue(store, members), docs: new DocAccess(members) };
}

export type { RoleChange } from './memberships.js';
