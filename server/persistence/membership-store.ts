/**
 * Membership that holds [M1–M4]: invites (single-use and expiring by default, optionally
 * addressed to an e-mail), departures (a removal or a leave) that block every invite created
 * before them for that person, former members, and the board setting that decides whether
 * their votes count. Part of the directory; the store exposes it as `store.membership`.
 */
import type { Role } from '../../shared/protocol/roles.js';
import type { InviteStanding } from './invite-standing.mjs';

export type { InviteStanding };

export interface InviteRecord {
  id: string;
  boardId: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  /** Null: any number of people may use it (only by choice) [M1]. */
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
  /** Lower-cased; only the account with this e-mail accepts it [M2]. */
  email: string | null;
}

/** A member's latest departure from a board: removed by someone, or left (`by` = themself). */
export interface Departure {
  at: number;
  by: string;
  /** The role they had; null for departures recorded before roles were kept. */
  role: Role | null;
}

/** Someone who was a member and is not now (their departure is recorded) [M4]. */
export interface FormerMemberRecord {
  userId: string;
  name: string;
  email: string | null;
  avatarColor: string | null;
  departure: Departure;
}

/** An invite with what its page shows: the board and who made it. */
export interface InviteDetails {
  invite: InviteRecord;
  boardTitle: string;
  /** Null when the inviter's account is gone. */
  inviterName: string | null;
}

/** What the standing of an invite depends on for one person (see invite-standing.mjs). */
export interface InviteCandidate {
  email: string | null;
  member: boolean;
  departure: Departure | null;
}

export type AcceptInviteResult =
  | { ok: true; boardId: string; role: Role; inviteId: string; alreadyMember: boolean }
  | { ok: false; reason: 'not_found' }
  | {
      ok: false;
      reason: Exclude<InviteStanding, 'open' | 'member'>;
      boardId: string;
      inviteId: string;
      /** The invite's address, if it has one. */
      email: string | null;
      /** For `blocked`: the departure that blocks it. */
      departure?: Departure;
    };

export interface MembershipStore {
  /**
   * Stores an invite. Resolves with its creation time: `invite.createdAt`, or just after the
   * board's latest recorded departure if that is later (a clock that did not move between a
   * removal and a new invite), so a new invite is never read as older than a removal [M3].
   */
  createInvite(invite: InviteRecord, tokenHash: string): Promise<number>;
  /** Every invite of the board, used up, expired and revoked ones too, oldest first. */
  listInvites(boardId: string): Promise<InviteRecord[]>;
  /** Revokes an invite of this board that is not revoked yet; the invite as it was, or null. */
  revokeInvite(boardId: string, inviteId: string, now: number): Promise<InviteRecord | null>;
  findInvite(tokenHash: string): Promise<InviteDetails | null>;
  candidate(boardId: string, userId: string): Promise<InviteCandidate>;
  /**
   * In one transaction: decides the invite's standing for the user (invite-standing.mjs),
   * and when it is open counts a use and adds the membership. Accepting as a member is
   * idempotent and never changes the role.
   */
  acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult>;
  /**
   * Ends a membership and records the departure (`by` the member themself: they left), in
   * one transaction, at `at` or at the newest invite of the board if that is later (an
   * invite made before the departure is never read as newer). Resolves with the role they
   * had, or null when they were not a member.
   */
  removeMember(boardId: string, userId: string, at: number, by: string): Promise<Role | null>;
  /** Departed people who are not members again, by departure time. */
  listFormerMembers(boardId: string): Promise<FormerMemberRecord[]>;
  isFormerMember(boardId: string, userId: string): Promise<boolean>;
  /** Whether former members' votes count toward the board's consensus (default false). */
  countsFormerMembers(boardId: string): Promise<boolean>;
  /** False when there is no such board. */
  setCountFormerMembers(boardId: string, count: boolean): Promise<boolean>;
}
