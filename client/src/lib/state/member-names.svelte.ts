/**
 * MemberNames: who is who on one open board, as the server's members list (`GET …/members`)
 * last said [M4, M5] — the name and colour to show each person by (namesakes told apart),
 * their roles, who left or was removed (a former member), and whether former members' votes
 * count. Names and colours are kept on the device so an offline start still shows who voted.
 * Roles decide who counts in "k of m voted": viewers do not vote.
 *
 * A reviewer doc whose user is not a member once the list is known is a former member's: its
 * votes are shown, marked, and count only as `countsTowardConsensus` says (the same function
 * the export uses).
 */
import { countsTowardConsensus } from '../../../../shared/consensus/index.js';
import type { FormerMember, Member } from '../../../../shared/protocol/rest.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import { userColor } from '../verdict.js';
import type { BoardStorage } from './board-storage.js';

/** The members list; servers before former members answer `members` only. */
export interface MembersList {
  members: Array<Pick<Member, 'userId' | 'name' | 'role'> & Partial<Pick<Member, 'displayName' | 'avatarColor'>>>;
  formerMembers?: Array<Pick<FormerMember, 'userId' | 'name'> & Partial<Pick<FormerMember, 'displayName' | 'avatarColor'>>>;
  countFormerMembers?: boolean;
}

export type FetchMembers = () => Promise<MembersList>;

export class MemberNames {
  readonly #storage: BoardStorage;
  readonly #fetch: FetchMembers;
  #names: Record<string, string> = $state.raw({});
  #colors: Record<string, string> = $state.raw({});
  #roles: Record<string, Role> = $state.raw({});
  /** Whether the members list has been read from the server at least once. */
  #known = $state(false);
  #countFormerMembers = $state(false);

  constructor(storage: BoardStorage, self: { id: string; name: string }, fetch: FetchMembers, countFormerMembers = false) {
    this.#storage = storage;
    this.#fetch = fetch;
    const names = storage.names();
    this.#names = { ...names, [self.id]: names[self.id] ?? self.name };
    this.#colors = storage.colors();
    this.#countFormerMembers = countFormerMembers;
  }

  /** A member's name as shown (with a disambiguator where needed); else `fallback()` (e.g. a present peer's own name), asked only then. */
  nameOf(userId: string, fallback?: () => string | undefined): string {
    return this.#names[userId] ?? fallback?.() ?? 'Reviewer ' + userId.slice(-4);
  }

  /** The avatar colour: the members list's, else a stable one derived from the id. */
  colorOf(userId: string): string {
    return this.#colors[userId] ?? userColor(userId);
  }

  /** Whether a member votes (owners, editors, reviewers); unknown members are assumed to. */
  votes(userId: string): boolean {
    const role = this.#roles[userId];
    return role === undefined || role !== 'viewer';
  }

  /** Left or was removed: not a member by the last list read (unknown before it is read). */
  isFormer(userId: string): boolean {
    return this.#known && this.#roles[userId] === undefined;
  }

  /** Whether this person's votes count toward the consensus now. */
  counts(userId: string): boolean {
    return countsTowardConsensus({ former: this.isFormer(userId) }, { countFormerMembers: this.#countFormerMembers });
  }

  get countFormerMembers(): boolean {
    return this.#countFormerMembers;
  }

  /** An owner changed the setting (a `board:state` push, or their own change). */
  setCountFormerMembers(count: boolean): void {
    this.#countFormerMembers = count;
  }

  /** Fetches the members again; offline (or refused) the cached names stay. */
  async refresh(): Promise<void> {
    let list: MembersList;
    try {
      list = await this.#fetch();
    } catch {
      return; // offline: keep the cached names
    }
    this.apply(list);
  }

  apply(list: MembersList): void {
    const names = { ...this.#names };
    const colors = { ...this.#colors };
    for (const p of [...list.members, ...(list.formerMembers ?? [])]) {
      names[p.userId] = p.displayName ?? p.name;
      if (p.avatarColor) colors[p.userId] = p.avatarColor;
    }
    this.#names = names;
    this.#colors = colors;
    this.#roles = Object.fromEntries(list.members.map((m) => [m.userId, m.role]));
    this.#known = true;
    if (typeof list.countFormerMembers === 'boolean') this.#countFormerMembers = list.countFormerMembers;
    this.#storage.saveNames(names);
    this.#storage.saveColors(colors);
  }
}
