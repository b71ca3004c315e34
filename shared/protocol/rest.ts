/**
 * The shapes the REST API answers with (README.md "API"), written once: the server's
 * routes produce them (`satisfies`) and the client's `api.ts` reads them. Types describe;
 * they do not validate — input is parsed by the zod schemas in `schemas.ts`.
 */
import type { LiveState } from '../model/live.js';
import type { Role } from './roles.js';

/** A board as one member sees it (`GET /api/boards/:id` and the answers that create one). */
export interface BoardInfo {
  id: string;
  title: string;
  role: Role;
  docs: string[];
  writable: string[];
  createdAt?: number;
  /** Read-only until an owner unarchives it [B1]. */
  archived?: boolean;
  /** Epoch ms of the archiving, null when not archived. */
  archivedAt?: number | null;
  /** Former members' votes count toward consensus [M4] (default false). */
  countFormerMembers?: boolean;
}

/** A row of `GET /api/boards`. */
export interface BoardListItem {
  id: string;
  title: string;
  role: Role;
  createdAt?: number;
  archived?: boolean;
  archivedAt?: number | null;
}

export interface Member {
  userId: string;
  name: string;
  /** The name with a disambiguator when another person on the board has the same one [M5]. */
  displayName: string;
  /** `#rrggbb`, readable with white text; namesakes' differ. */
  avatarColor: string;
  /** In full for owners and editors, the local part ("olivia.o@") for others; null without one. */
  email: string | null;
  role: Role;
  /** Epoch ms. */
  joinedAt: number;
  /** Epoch ms of the last time they opened or left the board live; null if never. */
  lastSeenAt: number | null;
}

/** Someone who left or was removed from the board [M4]: their votes stay, marked. */
export interface FormerMember {
  userId: string;
  name: string;
  displayName: string;
  avatarColor: string;
  email: string | null;
  /** The role they had (null when not recorded). */
  role: Role | null;
  /** Epoch ms. */
  departedAt: number;
  /** True: removed by someone else; false: they left. */
  removed: boolean;
}

/** `GET /api/boards/:id/members`. */
export interface MembersAnswer {
  members: Member[];
  formerMembers: FormerMember[];
  countFormerMembers: boolean;
}

/** An invite as listed (the token is never listed: only its hash is stored). Times are ISO. */
export interface InviteInfo {
  id: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  /** Null: any number of people may use it (chosen by its maker). */
  maxUses: number | null;
  uses: number;
  /** The only account that may accept it, if it is addressed. */
  email: string | null;
  revokedAt: string | null;
}

/** A freshly created invite: the only moment its token is known. */
export interface CreatedInvite extends InviteInfo {
  token: string;
  url: string;
  /** Whether an invitation e-mail was queued (servers that send mail, invites given an address). */
  emailQueued?: boolean;
}

export interface AuditEntry {
  /** ISO time. */
  at: string;
  /** User id of whoever did it. */
  actor: string;
  action: string;
  detail: unknown;
}

/** The server's answer to every live-review action; the live doc carries the change itself. */
export interface LiveAnswer {
  live: LiveState;
  /** Server epoch ms when the answer was made. */
  now: number;
}
