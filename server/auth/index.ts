/**
 * Authentication, roles, the board catalogue and the doc-access chain, built together over
 * one store (they share the membership cache). Consumers take the parts they use.
 */
import type { Store } from '../persistence/store.js';
import { Authentication } from './authentication.js';
import { BoardCatalogue } from './board-catalogue.js';
import { BoardStates } from './board-states.js';
import { DocAccess } from './doc-access.js';
import { Memberships } from './memberships.js';

export interface Auth {
  readonly authn: Authentication;
  readonly members: Memberships;
  readonly catalogue: BoardCatalogue;
  readonly docs: DocAccess;
  readonly boards: BoardStates;
}

export function createAuth(store: Store, now: () => number = Date.now): Auth {
  const boards = new BoardStates(store);
  const members = new Memberships(store, boards, now);
  return { authn: new Authentication(store, now), members, catalogue: new BoardCatalogue(store, members), docs: new DocAccess(members, boards), boards };
}

export type { RoleChange } from './memberships.js';
export type { BoardStateChange } from './board-states.js';
