/**
 * MembersState: a board's members, pending invites and audit log as the server reports
 * them (REST, not Yjs: membership lives in the store, not in a document). Owners and
 * editors manage invites, owners manage members and read the audit log; everyone else
 * gets the member list read-only. Every change goes through a method that calls the API
 * and then re-reads the lists, so the view always shows what the server holds.
 *
 * Failures are values: methods resolve to an error message (the server's own, e.g. the
 * 409 "a board keeps at least one owner") or null, and `error` holds the last one.
 *
 * Invites are single use and expire in 72 hours unless their maker chooses otherwise [M1];
 * people who left or were removed are listed as former members, and owners decide whether
 * their votes count [M4]. Everyone is shown by their `displayName` [M5].
 */
import { atLeast, ROLE_RANK, type Role } from '../../../../shared/protocol/roles.js';
import { humanError } from '../human-error.js';
import {
  boardAdmin,
  boardLifecycleApi,
  type AuditEntry,
  type CreatedInvite,
  type FormerMember,
  type InviteInfo,
  type InviteOptions,
  type Member,
} from '../api.js';

/** An invite that can still be used: not revoked, not expired, not used up. */
export function isPending(invite: InviteInfo, now: number): boolean {
  if (invite.revokedAt !== null) return false;
  if (invite.expiresAt !== null && Date.parse(invite.expiresAt) <= now) return false;
  return invite.maxUses === null || invite.uses < invite.maxUses;
}

export class MembersState {
  readonly boardId: string;
  #role: () => Role;
  #members: Member[] = $state.raw([]);
  #formers: FormerMember[] = $state.raw([]);
  #countFormerMembers = $state(false);
  #invites: InviteInfo[] = $state.raw([]);
  #audit: AuditEntry[] | null = $state.raw(null);
  #error = $state<string | null>(null);
  #loading = $state(false);
  #now = $state(Date.now());

  /** `role` is read on every call so a role change on the board applies at once. */
  constructor(boardId: string, role: () => Role) {
    this.boardId = boardId;
    this.#role = role;
  }

  get role(): Role {
    return this.#role();
  }
  /** Owners and editors see and make invites. */
  get canInvite(): boolean {
    return atLeast(this.role, 'editor');
  }
  /** Owners change roles, remove members and read the audit log. */
  get canManage(): boolean {
    return this.role === 'owner';
  }
  /** Roles this user may invite as (never above their own). */
  get invitableRoles(): Role[] {
    return (['reviewer', 'viewer', 'editor', 'owner'] as const).filter((r) => atLeast(this.role, r));
  }
  get members(): Member[] {
    return this.#members;
  }
  /** People who left or were removed, most recent first; their votes stay, marked. */
  get formerMembers(): FormerMember[] {
    return this.#formers;
  }
  /** Whether former members' votes count toward consensus (an owner's choice). */
  get countFormerMembers(): boolean {
    return this.#countFormerMembers;
  }
  get pendingInvites(): InviteInfo[] {
    return this.#invites.filter((i) => isPending(i, this.#now));
  }
  /** Newest first; null until loaded. */
  get audit(): AuditEntry[] | null {
    return this.#audit;
  }
  get error(): string | null {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** The time relative times are measured from (refreshed with every load). */
  get now(): number {
    return this.#now;
  }

  /** As the members list shows them; someone who is neither a member nor a former member by id. */
  nameOf(userId: string): string {
    const p = this.#members.find((m) => m.userId === userId) ?? this.#formers.find((m) => m.userId === userId);
    return p?.displayName ?? p?.name ?? `former member ${userId.slice(-4)}`;
  }

  /** The role an invite (pending or not) was made for, if this user may see invites. */
  inviteRole(inviteId: string): Role | null {
    return this.#invites.find((i) => i.id === inviteId)?.role ?? null;
  }

  /** Moves "now" forward so relative times ("2 minutes ago") stay true between loads. */
  tick(): void {
    this.#now = Date.now();
  }

  clearError(): void {
    this.#error = null;
  }

  async #run(fn: () => Promise<unknown>): Promise<string | null> {
    try {
      await fn();
      this.#error = null;
      return null;
    } catch (e) {
      this.#error = humanError(e);
      return this.#error;
    }
  }

  /** Re-reads members (and invites for owners and editors, the audit log once shown). */
  refresh(): Promise<string | null> {
    // Coalesce: while a refresh is in flight, further calls share one follow-up refresh
    // (so what is shown is never older than the last call, without a request per call).
    if (this.#inflight) {
      this.#again ??= this.#inflight.then(() => {
        this.#again = null;
        return this.refresh();
      });
      return this.#again;
    }
    this.#loading = true;
    const p = this.#run(() => this.#reload()).finally(() => {
      this.#loading = false;
      this.#inflight = null;
    });
    this.#inflight = p;
    return p;
  }
  #inflight: Promise<string | null> | null = null;
  #again: Promise<string | null> | null = null;

  async #reload(): Promise<void> {
    {
      const [m, i] = await Promise.all([
        boardAdmin.members(this.boardId),
        this.canInvite ? boardAdmin.invites(this.boardId) : Promise.resolve({ invites: [] }),
      ]);
      this.#members = [...m.members].sort((a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role] || a.displayName.localeCompare(b.displayName));
      this.#formers = [...(m.formerMembers ?? [])].sort((a, b) => b.departedAt - a.departedAt);
      this.#countFormerMembers = m.countFormerMembers ?? false;
      this.#invites = i.invites;
      this.#now = Date.now();
      if (this.#audit !== null && this.canManage) await this.#loadAudit();
    }
  }

  async #loadAudit(): Promise<void> {
    const { audit } = await boardAdmin.audit(this.boardId);
    this.#audit = [...audit].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  loadAudit(): Promise<string | null> {
    return this.#run(() => this.#loadAudit());
  }

  /** Creates an invite; the token is only known now, so it is returned, not stored. */
  async createInvite(options: InviteOptions): Promise<{ invite: CreatedInvite } | { error: string }> {
    if (!this.invitableRoles.includes(options.role)) return { error: `you cannot invite an ${options.role}` };
    try {
      const { invite } = await boardAdmin.createInvite(this.boardId, options);
      this.#error = null;
      void this.refresh();
      return { invite };
    } catch (e) {
      this.#error = humanError(e);
      return { error: this.#error };
    }
  }

  revokeInvite(inviteId: string): Promise<string | null> {
    return this.#run(async () => {
      await boardAdmin.revokeInvite(this.boardId, inviteId);
      this.#invites = this.#invites.filter((i) => i.id !== inviteId);
      await this.#reload();
    });
  }

  /** Owners: count former members' votes toward consensus, or stop counting them. */
  setCountFormerMembers(count: boolean): Promise<string | null> {
    return this.#run(async () => {
      const { board } = await boardLifecycleApi.patch(this.boardId, { countFormerMembers: count });
      this.#countFormerMembers = board.countFormerMembers ?? count;
    });
  }

  setRole(userId: string, role: Role): Promise<string | null> {
    return this.#run(async () => {
      await boardAdmin.setRole(this.boardId, userId, role);
      await this.#reload();
    });
  }

  removeMember(userId: string): Promise<string | null> {
    return this.#run(async () => {
      await boardAdmin.removeMember(this.boardId, userId);
      this.#members = this.#members.filter((m) => m.userId !== userId);
      await this.#reload();
    });
  }
}
