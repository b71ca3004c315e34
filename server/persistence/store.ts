/**
 * Storage contract, in two halves: the update log and the directory. Every implementation
 * passes the contract suites (tests/helpers/store-contract.ts, update-log-contract.ts).
 * Document updates form an append-only log per doc key; `appendUpdate` resolves only
 * after the update's transaction has committed durably, and appends arriving together
 * share one transaction (group commit) [S1, S2].
 */
import type { Role } from '../../shared/protocol/roles.js';
import type { MembershipStore } from './membership-store.js';

export type { AcceptInviteResult, InviteRecord } from './membership-store.js';

export interface StoredUpdate {
  seq: number;
  data: Uint8Array;
  /**
   * The bytes read back are the bytes that were written (a checksum stored with the row
   * matches). False for a damaged row, or one from before checksums were kept.
   */
  intact: boolean;
}

export interface UserRecord {
  id: string;
  name: string;
  createdAt: number;
}

/** A user as found by a token; `tokenExpiresAt` (epoch ms) is absent for a token that never expires. */
export interface TokenUser extends UserRecord {
  tokenExpiresAt?: number;
}

export interface BoardRecord {
  id: string;
  title: string;
  createdBy: string;
  createdAt: number;
  /** When the board was archived (read-only, hidden from the default list), or null [B1]. */
  archivedAt: number | null;
}

export interface MemberRecord {
  boardId: string;
  userId: string;
  name: string;
  role: Role;
  joinedAt: number;
  lastSeenAt: number | null;
  /** The account's e-mail (lower-cased), when it has one. */
  email: string | null;
  avatarColor: string | null;
}

export interface AuditEntry {
  boardId: string;
  at: number;
  /** User id, or 'server'. */
  actor: string;
  /** e.g. member.joined, member.role_changed, member.removed, invite.created, invite.revoked,
   * claim.accepted, claim.rejected, export.taken */
  action: string;
  detail: Record<string, unknown>;
}

/**
 * The update log: documents as append-only logs of Yjs updates, per doc key. The one part
 * every process of a cluster must agree on (PostgreSQL in cluster mode, SQLite embedded).
 */
export interface UpdateLog {
  /** Every stored update of a document in append order; undecodable rows are the caller's to quarantine. */
  loadUpdates(docKey: string): Promise<StoredUpdate[]>;
  /** The rows after `afterSeq`, in order (cluster mode's catch-up reads other processes' commits). */
  loadUpdatesAfter(docKey: string, afterSeq: number): Promise<StoredUpdate[]>;
  /** Appends one update; resolves with its sequence number once committed. */
  appendUpdate(docKey: string, data: Uint8Array): Promise<number>;
  /** Replaces every row with seq ≤ uptoSeq by one merged update, atomically. */
  compact(docKey: string, merged: Uint8Array, uptoSeq: number): Promise<void>;
  /**
   * Keys of the documents whose key starts with `prefix` and that have at least one
   * committed row (a document nobody wrote to has none), in key order.
   */
  docKeysWithPrefix(prefix: string): Promise<string[]>;
  /** Moves a row out of the log into the quarantine table with the reason. */
  quarantine(docKey: string, seq: number, reason: string): Promise<void>;
  /** Resolves when every append issued so far has committed. */
  flush(): Promise<void>;
  /** Which user introduced each Yjs client id in a document (see DocRegistry). */
  loadClientOwners(docKey: string): Promise<Map<number, string>>;
  addClientOwner(docKey: string, clientId: number, userId: string): Promise<void>;
  close(): Promise<void>;
}

/** The directory: who people are, which boards exist, who may do what on them, and what happened. */
export interface Directory {
  // ---- identity ----
  createUser(user: UserRecord, tokenHash: string, tokenExpiresAt: number | null): Promise<void>;
  /** The user a live (unexpired, unrevoked) token hash belongs to, with the token's expiry. */
  userByTokenHash(tokenHash: string, now: number): Promise<TokenUser | null>;
  addToken(userId: string, tokenHash: string, now: number, expiresAt: number | null): Promise<void>;
  revokeTokensOf(userId: string, now: number): Promise<void>;

  // ---- boards and membership ----
  createBoard(board: Omit<BoardRecord, 'archivedAt'>): Promise<void>;
  getBoard(boardId: string): Promise<BoardRecord | null>;
  boardsOf(userId: string): Promise<Array<BoardRecord & { role: Role }>>;
  /** Renames and/or archives (a time) or unarchives (null) a board; false when there is no such board. */
  updateBoard(boardId: string, patch: { title?: string; archivedAt?: number | null }): Promise<boolean>;
  /**
   * Removes the board and everything stored under it in one transaction [B3]: the rows
   * (and quarantined rows) of every doc key `board/<id>` and `board/<id>/…`, their client
   * owners, members, invites, departures and audit entries.
   */
  deleteBoard(boardId: string): Promise<void>;
  getRole(boardId: string, userId: string): Promise<Role | null>;
  listMembers(boardId: string): Promise<MemberRecord[]>;
  setMember(boardId: string, userId: string, role: Role, now: number): Promise<void>;
  touchMember(boardId: string, userId: string, now: number): Promise<void>;

  // ---- invites, departures, former members (removeMember is there: it records the departure) ----
  readonly membership: MembershipStore;

  // ---- audit ----
  addAudit(entry: AuditEntry): Promise<void>;
  /** Oldest first. */
  listAudit(boardId: string): Promise<AuditEntry[]>;

  // ---- health ----
  /** Commits one small write (durably, like any other) and resolves once it has [S11]. */
  probeWrite(now: number): Promise<void>;

  close(): Promise<void>;
}

/** Both halves in one object, as the embedded SQLite store provides them. */
export interface Store extends UpdateLog, Directory {
  close(): Promise<void>;
}
