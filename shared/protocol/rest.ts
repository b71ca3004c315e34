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
  role: Role;
  /** Epoch ms. */
  joinedAt: number;
  /** Epoch ms of the last time they opened or left the board live; null if never. */
  lastSeenAt: number | null;
}

/** An invite as listed (the token is never listed: only its hash is stored). Times are ISO. */
export interface InviteInfo {
  id: string;
  role: Role;
  createdBy?: string;
  createdAt: string;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  revokedAt: string | null;
}

/** A freshly created invite: the only moment its token is known. */
export interface CreatedInvite {
  id: string;
  token: string;
  url: string;
  role: Role;
  expiresAt: string | null;
  maxUses?: number | null;
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
