/**
 * MemberNames: members' display names and roles as this client last fetched them
 * (`GET …/members`), with the names kept on the device so an offline start still shows who
 * voted. Roles decide who counts in "k of m voted": viewers do not vote.
 */
import type { Member } from '../../../../shared/protocol/rest.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import type { BoardStorage } from './board-storage.js';

export type FetchMembers = () => Promise<{ members: Member[] }>;

export class MemberNames {
  readonly #storage: BoardStorage;
  readonly #fetch: FetchMembers;
  #names: Record<string, string> = $state.raw({});
  #roles: Record<string, Role> = $state.raw({});

  constructor(storage: BoardStorage, self: { id: string; name: string }, fetch: FetchMembers) {
    this.#storage = storage;
    this.#fetch = fetch;
    this.#names = { ...storage.names(), [self.id]: self.name };
  }

  /** A member's name; else `fallback()` (e.g. a present peer's own name), asked only then. */
  nameOf(userId: string, fallback?: () => string | undefined): string {
    return this.#names[userId] ?? fallback?.() ?? 'Reviewer ' + userId.slice(-4);
  }

  /** Whether a member votes (owners, editors, reviewers); unknown members are assumed to. */
  votes(userId: string): boolean {
    const role = this.#roles[userId];
    return role === undefined || role !== 'viewer';
  }

  /** Fetches the members again; offline (or refused) the cached names stay. */
  async refresh(): Promise<void> {
    try {
      const { members } = await this.#fetch();
      const names = { ...this.#names };
      for (const m of members) names[m.userId] = m.name;
      this.#names = names;
      this.#roles = Object.fromEntries(members.map((m) => [m.userId, m.role]));
      this.#storage.saveNames(names);
    } catch {
      /* offline: keep the cached names */
    }
  }
}
