/**
 * BoardPeople: who is who on one open board, as the server's members list says [M4, M5] —
 * the name and colour to show each person by (namesakes told apart), their roles, who left or
 * was removed (a former member), and whether former members' votes count. Kept in
 * localStorage per board so an offline start still shows names.
 *
 * A reviewer doc whose user is not a member once the list is known is a former member's: its
 * votes are shown, marked, and count only as `countsTowardConsensus` says (the same function
 * the export uses).
 */
import { countsTowardConsensus } from '../../../../shared/consensus/index.js';
import type { Role } from '../../../../shared/protocol/roles.js';
import { members as fetchMembers, type MembersAnswer, type User } from '../api.js';
import { userColor } from '../verdict.js';

interface Shown {
  name: string;
  color: string;
}

const cacheKey = (boardId: string) => `claimboard.names.${boardId}`;

/** Cached entries: `{ name, color }`, or a bare name from before colours were kept. */
function readCache(boardId: string): Record<string, Shown> {
  try {
    const raw = JSON.parse(localStorage.getItem(cacheKey(boardId)) ?? '{}') as Record<string, unknown>;
    const out: Record<string, Shown> = {};
    for (const [id, v] of Object.entries(raw)) {
      if (typeof v === 'string') out[id] = { name: v, color: userColor(id) };
      else if (v && typeof v === 'object' && typeof (v as Shown).name === 'string' && typeof (v as Shown).color === 'string') out[id] = v as Shown;
    }
    return out;
  } catch {
    return {};
  }
}

export class BoardPeople {
  readonly boardId: string;
  #shown = $state<Record<string, Shown>>({});
  /** Members' roles as last fetched (for "k of m voted": viewers do not vote). */
  #roles = $state<Record<string, Role>>({});
  /** Whether the members list has been read from the server at least once. */
  #known = $state(false);
  #countFormerMembers = $state(false);

  constructor(boardId: string, self: User, countFormerMembers: boolean) {
    this.boardId = boardId;
    this.#shown = readCache(boardId);
    this.#shown[self.id] ??= { name: self.name, color: userColor(self.id) };
    this.#countFormerMembers = countFormerMembers;
  }

  /** Reads the members list; offline, keeps what it had. */
  async refresh(): Promise<void> {
    let answer: MembersAnswer;
    try {
      answer = await fetchMembers(this.boardId);
    } catch {
      return;
    }
    this.apply(answer);
  }

  apply(answer: MembersAnswer): void {
    const shown = { ...this.#shown };
    for (const p of [...answer.members, ...(answer.formerMembers ?? [])]) {
      shown[p.userId] = { name: p.displayName ?? p.name, color: p.avatarColor ?? userColor(p.userId) };
    }
    this.#shown = shown;
    this.#roles = Object.fromEntries(answer.members.map((m) => [m.userId, m.role]));
    this.#known = true;
    if (typeof answer.countFormerMembers === 'boolean') this.#countFormerMembers = answer.countFormerMembers;
    try {
      localStorage.setItem(cacheKey(this.boardId), JSON.stringify(shown));
    } catch {
      /* storage full or denied: names are shown from memory */
    }
  }

  /** An owner changed the setting (a `board:state` push, or their own change). */
  setCountFormerMembers(count: boolean): void {
    this.#countFormerMembers = count;
  }

  get countFormerMembers(): boolean {
    return this.#countFormerMembers;
  }

  /** The name to show, with a disambiguator where needed; null for someone not yet known. */
  nameOf(userId: string): string | null {
    return this.#shown[userId]?.name ?? null;
  }

  /** The avatar colour: the members list's, else a stable one derived from the id. */
  colorOf(userId: string): string {
    return this.#shown[userId]?.color ?? userColor(userId);
  }

  /** Left or was removed: not a member by the last list read (unknown before it is read). */
  isFormer(userId: string): boolean {
    return this.#known && this.#roles[userId] === undefined;
  }

  /** Whether this person's votes count toward the consensus now. */
  counts(userId: string): boolean {
    return countsTowardConsensus({ former: this.isFormer(userId) }, { countFormerMembers: this.#countFormerMembers });
  }

  /** Whether a member votes (owners, editors, reviewers); unknown members are assumed to. */
  votes(userId: string): boolean {
    const role = this.#roles[userId];
    return role === undefined || role !== 'viewer';
  }
}
