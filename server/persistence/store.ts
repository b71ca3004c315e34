/**
 * Storage contract, in two halves: the update log and the directory. Every implementation
 * passes the contract suites (tests/helpers/store-contract.ts, update-log-contract.ts).
 * Document updates form an append-only log per doc key; `appendUpdate` resolves only
 * after the update's transaction has committed durably, and appends arriving together
 * share one transaction (group commit) [S1, S2].
 */
import type { Role } from '../../shared/protocol/roles.js';

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
  /** Lower-cased; null for a name-only user from before accounts who has not claimed theirs. */
  email: string | null;
  /** `#rrggbb`, or null for the colour derived from the id. */
  avatarColor: string | null;
}

export type CredentialKind = 'session' | 'pat' | 'legacy';

/**
 * Something a person signs in with, stored by the SHA-256 of its secret: a browser session
 * (the `cb_session` cookie), a personal access token, or a token from before accounts.
 */
export interface CredentialRecord {
  id: string;
  userId: string;
  kind: CredentialKind;
  name: string | null;
  createdAt: number;
  /** Epoch ms, or null for a legacy token that never expires. */
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  sharedComputer: boolean;
  userAgent: string | null;
}

export type NewCredential = Omit<CredentialRecord, 'revokedAt' | 'lastUsedAt'> & { hash: string };

/** A user with what only the account code reads. */
export interface AccountRecord extends UserRecord {
  /** `scrypt$N$r$p$salt$hash` (server/auth/passwords.ts), or null: no password set. */
  passwordHash: string | null;
  emailVerified: boolean;
  /** When a name-only user set an e-mail and password; accounts made with them have it too. */
  claimedAt: number | null;
}

/** Who a live credential belongs to, and which credential it is. */
export interface Authenticated {
  user: UserRecord;
  credential: { id: string; kind: CredentialKind; sharedComputer: boolean; expiresAt?: number };
}

export type NewAccount = UserRecord & { passwordHash: string | null; emailVerified: boolean; claimedAt: number | null };

export interface LinkedAccount {
  account: AccountRecord;
  created: boolean;
  revoked: string[];
}

/** An entry of a person's own audit log (not a board's). */
export interface UserAuditEntry {
  userId: string;
  at: number;
  /** User id, or 'server', or 'cli'. */
  actor: string;
  /** account.created, account.claimed, session.started, signin.failed, session.ended,
   * token.created, token.revoked, password.changed, password.reset_link, password.reset, profile.changed */
  action: string;
  detail: Record<string, unknown>;
}

/** Which live credentials of a user to revoke; no field: all of them. */
export interface RevokeFilter {
  ids?: string[];
  kinds?: CredentialKind[];
  exceptId?: string;
}

/**
 * Accounts and credentials (issue 13). Reads on the main connection, writes in the writer
 * thread like every other write. E-mails arrive lower-cased; secrets only as hashes.
 */
export interface AccountStore {
  /** The user and, when given, their first credential, in one transaction. */
  createUser(user: NewAccount, credential: NewCredential | null): Promise<'ok' | 'email_taken'>;
  userById(id: string): Promise<AccountRecord | null>;
  userByEmail(email: string): Promise<AccountRecord | null>;
  /** The user of a live (unexpired, unrevoked) credential. */
  authenticate(hash: string, now: number): Promise<Authenticated | null>;
  /**
   * Adds a credential unless the user already holds `max` live ones of its kind: then the
   * oldest are revoked (`evict`, for sessions) or the credential is refused (for tokens).
   * Returns the ids revoked to make room, or null when refused.
   */
  addCredential(c: NewCredential, now: number, max: number, whenFull: 'evict' | 'refuse'): Promise<string[] | null>;
  /** Records when credentials were last used, in one transaction (callers batch them). */
  touchCredentials(touches: Array<[id: string, at: number]>): Promise<void>;
  /** The user's live credentials, oldest first. */
  listCredentials(userId: string, now: number): Promise<CredentialRecord[]>;
  /** Revokes the user's live credentials that match; returns their ids. */
  revokeCredentials(userId: string, now: number, filter?: RevokeFilter): Promise<string[]>;
  updateProfile(userId: string, patch: { name?: string; avatarColor?: string | null }): Promise<void>;
  setPasswordHash(userId: string, hash: string): Promise<void>;
  /** Sets e-mail and password of a user who has neither (once). */
  claim(userId: string, email: string, passwordHash: string, now: number): Promise<'ok' | 'already_claimed' | 'email_taken'>;
  /**
   * The account with this e-mail, marked verified, or `user` created with it (verified):
   * single sign-on links by verified e-mail. An existing account whose e-mail was never
   * verified loses its password and credentials (`revoked`): whoever made it with someone
   * else's address does not keep a way in.
   */
  linkVerifiedEmail(email: string, user: NewAccount, now: number): Promise<LinkedAccount>;
  createPasswordReset(hash: string, userId: string, now: number, expiresAt: number): Promise<void>;
  /** The user of a live (unused, unexpired) reset token, without using it. */
  resetUser(hash: string, now: number): Promise<string | null>;
  /**
   * Uses a live reset token once: sets the password and revokes every session of its user.
   * Null for an unknown, expired or used token.
   */
  usePasswordReset(hash: string, now: number, passwordHash: string): Promise<{ userId: string; revoked: string[] } | null>;
  addUserAudit(entry: UserAuditEntry): Promise<void>;
  /** The newest `limit` entries, oldest first. */
  listUserAudit(userId: string, limit: number): Promise<UserAuditEntry[]>;
  /** Whether an invite token (by hash) may still be accepted (SIGNUP=invite). */
  inviteIsLive(tokenHash: string, now: number): Promise<boolean>;
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
}

export interface InviteRecord {
  id: string;
  boardId: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
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

export type AcceptInviteResult =
  | { ok: true; boardId: string; role: Role; alreadyMember: boolean }
  | { ok: false; reason: 'not_found' | 'expired' | 'revoked' | 'used_up' };

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
  readonly accounts: AccountStore;

  // ---- boards and membership ----
  createBoard(board: Omit<BoardRecord, 'archivedAt'>): Promise<void>;
  getBoard(boardId: string): Promise<BoardRecord | null>;
  boardsOf(userId: string): Promise<Array<BoardRecord & { role: Role }>>;
  /** Renames and/or archives (a time) or unarchives (null) a board; false when there is no such board. */
  updateBoard(boardId: string, patch: { title?: string; archivedAt?: number | null }): Promise<boolean>;
  /**
   * Removes the board and everything stored under it in one transaction [B3]: the rows
   * (and quarantined rows) of every doc key `board/<id>` and `board/<id>/…`, their client
   * owners, members, invites and audit entries.
   */
  deleteBoard(boardId: string): Promise<void>;
  getRole(boardId: string, userId: string): Promise<Role | null>;
  listMembers(boardId: string): Promise<MemberRecord[]>;
  setMember(boardId: string, userId: string, role: Role, now: number): Promise<void>;
  removeMember(boardId: string, userId: string): Promise<void>;
  touchMember(boardId: string, userId: string, now: number): Promise<void>;

  // ---- invites ----
  createInvite(invite: InviteRecord, tokenHash: string): Promise<void>;
  listInvites(boardId: string): Promise<InviteRecord[]>;
  revokeInvite(boardId: string, inviteId: string, now: number): Promise<boolean>;
  /** Atomically checks the invite, counts a use and adds the membership. */
  acceptInvite(tokenHash: string, userId: string, now: number): Promise<AcceptInviteResult>;

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
