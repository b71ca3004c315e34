/**
 * Live review [L1–L9]: the facilitator's agenda and focus, sealed rounds with a reveal,
 * shared timers and the end-of-review summary. The state lives in the board's live
 * document, written here alone (server origin) and read by every member over either
 * transport. Sealing rests on document authority, not on filtering frames:
 * - a sealed vote goes to its author's sealed document, which nobody else may read (A7);
 * - a write to a reviewer document that would set or delete the vote on a claim whose
 *   round is sealed is refused with SEALED (L4), so no vote on it can leak that way;
 * - the reveal copies the sealed votes, as the server, into the reviewers' documents and
 *   into the round's record, then clears them from the sealed documents (L5).
 */
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { boardConsensus, defaultAgenda, onDefaultAgenda } from '../../shared/consensus/index.js';
import {
  boardTypes,
  moveFocus,
  roundOf,
  readBoard,
  readLive,
  readVotes,
  sealedClaims,
  writeLive,
  writeRound,
  type LiveState,
  type Vote,
} from '../../shared/model/index.js';
import { VoteSchema } from '../../shared/model/schemas.js';
import { boardDocKey, liveDocKey, parseDocKey, reviewerDocKey, sealedDocKey } from '../../shared/protocol/doc-keys.js';
import { AppError, ErrorCode, fail, type Ack } from '../../shared/protocol/errors.js';
import { canWriteBoard } from '../../shared/protocol/roles.js';
import type { Auth } from '../auth/index.js';
import type { CommittedUpdate, DocRegistry } from '../docs/registry.js';
import { touchedKeys } from '../docs/update-effects.js';
import type { UpdateSummary } from '../docs/validator.js';
import type { Store } from '../persistence/store.js';
import { LocalLocks, type Locks } from '../cluster/locks.js';

export class LiveReviewService {
  /** boardId → claims under a sealed round, mirrored from the live doc (loaded lazily). */
  readonly #sealed = new Map<string, Set<string>>();

  constructor(
    private readonly store: Store,
    private readonly registry: DocRegistry,
    private readonly auth: Auth,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly locks: Locks = new LocalLocks(),
  ) {
    registry.guardWrites((docKey, doc, summary) => this.#guard(docKey, doc, summary));
    registry.onCommitted((u) => this.#afterCommit(u));
    // The sealed set follows the live doc, whoever changed it (another process included [K8]).
    registry.afterLoad((docKey, doc) => {
      const parsed = parseDocKey(docKey);
      if (parsed?.kind !== 'live') return;
      doc.on('update', () => this.#sealedSet(parsed.boardId, readLive(doc)));
    });
    registry.afterEvict((docKey) => {
      const parsed = parseDocKey(docKey);
      if (parsed?.kind === 'live') this.#sealed.delete(parsed.boardId);
    });
  }

  /**
   * [K8] A steering step runs alone per board across processes, on the live doc as last
   * committed anywhere: two reveals of one round cannot both copy its votes.
   */
  #steer<T>(boardId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`live:${boardId}`, fn, () => this.registry.catchUp(liveDocKey(boardId)));
  }

  async state(boardId: string): Promise<LiveState> {
    return this.registry.read(liveDocKey(boardId), readLive);
  }

  start(boardId: string, userId: string, agenda?: string[]): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireFacilitatorRole(boardId, userId);
      const current = await this.state(boardId);
      if (current.status === 'active') throw new AppError(ErrorCode.Conflict, 'a live review is already running on this board');
      const claims = await this.#claimIds(boardId);
      const order = agenda ? this.#checkAgenda(agenda, claims) : await this.defaultAgenda(boardId);
      const now = this.now();
      await this.#write(boardId, 'live review started', (doc, live) => {
        writeLive(doc, {
          status: 'active',
          facilitatorId: userId,
          agenda: order,
          startedAt: now,
          endedAt: null,
          timer: null,
          timeSpent: live.status === 'ended' ? live.timeSpent : {},
        });
        moveFocus(doc, { ...live, focus: null }, order[0] ?? null, now);
      });
      return this.state(boardId);
    });
  }

  /** The default agenda [L1]: shared/consensus/agenda.ts, over the server's copy of the docs. */
  async defaultAgenda(boardId: string): Promise<string[]> {
    const docKeys = await this.auth.catalogue.docsOf(boardId);
    const board = await this.registry.read(boardDocKey(boardId), readBoard);
    const ballots = await Promise.all(
      docKeys.filter((k) => parseDocKey(k)?.kind === 'reviewer').map((k) => this.registry.read(k, (d) => ({ votes: readVotes(d) }))),
    );
    const claims = board.claims.filter(onDefaultAgenda);
    return defaultAgenda(claims, boardConsensus(claims.map((c) => c.id), ballots, board.meta.settings));
  }

  update(
    boardId: string,
    userId: string,
    change: { focus?: string | null; facilitatorId?: string; agenda?: string[] },
  ): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireSteering(boardId, userId);
      const claims = await this.#claimIds(boardId);
      if (change.facilitatorId !== undefined) {
        const next = await this.auth.members.roleOf(boardId, change.facilitatorId);
        if (!next || !canWriteBoard(next)) throw new AppError(ErrorCode.BadRequest, 'the facilitator must be an owner or editor of the board');
      }
      if (change.focus !== undefined && change.focus !== null && !claims.has(change.focus)) {
        throw new AppError(ErrorCode.NotFound, 'no such claim');
      }
      const agenda = change.agenda ? this.#checkAgenda(change.agenda, claims) : undefined;
      const now = this.now();
      await this.#write(boardId, 'live review changed', (doc, cur) => {
        if (change.facilitatorId !== undefined) writeLive(doc, { facilitatorId: change.facilitatorId });
        if (agenda) writeLive(doc, { agenda });
        if (change.focus !== undefined && change.focus !== cur.focus) moveFocus(doc, cur, change.focus, now);
      });
      return this.state(boardId);
    });
  }

  /** Opens a sealed round on a claim: from now on votes on it reach their author only. */
  openRound(boardId: string, userId: string, claimId: string): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireSteering(boardId, userId);
      if (!(await this.#claimIds(boardId)).has(claimId)) throw new AppError(ErrorCode.NotFound, 'no such claim');
      const now = this.now();
      await this.#write(boardId, 'sealed round opened', (doc, live) => {
        if (roundOf(live, claimId)) throw new AppError(ErrorCode.Conflict, 'this claim already had its sealed round');
        writeRound(doc, claimId, { openedAt: now, revealedAt: null, voted: {}, votes: null });
      });
      this.#sealedSet(boardId, await this.state(boardId));
      // Votes already cast on the claim before the round count as cast: they are public
      // already and stay in the reviewers' documents.
      return this.state(boardId);
    });
  }

  /**
   * The reveal: every sealed vote on the claim, at once, into the round's record and into
   * each reviewer's document (so consensus and export count them like any vote).
   */
  reveal(boardId: string, userId: string, claimId: string): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireSteering(boardId, userId);
      const before = await this.state(boardId);
      const round = roundOf(before, claimId);
      if (!round) throw new AppError(ErrorCode.NotFound, 'no sealed round on this claim');
      if (round.revealedAt !== null) throw new AppError(ErrorCode.Conflict, 'this round was revealed already');
      const members = await this.store.listMembers(boardId);
      const votes: Record<string, Vote> = {};
      for (const m of members) {
        const key = sealedDocKey(boardId, m.userId);
        await this.registry.catchUp(key); // a vote committed through another process a moment ago counts [K8]
        const v = await this.registry.read(key, (d) => VoteSchema.safeParse(d.getMap('votes').get(claimId)));
        if (v.success) votes[m.userId] = v.data;
      }
      const now = this.now();
      // Unseal first, so the copies below pass the reviewer-doc guard.
      await this.#write(boardId, 'sealed round revealed', (doc) => {
        writeRound(doc, claimId, { ...round, revealedAt: now, votes });
      });
      this.#sealedSet(boardId, await this.state(boardId));
      for (const [uid, vote] of Object.entries(votes)) {
        await this.registry.transact(reviewerDocKey(boardId, uid), (d) => d.getMap('votes').set(claimId, vote), 'sealed vote revealed');
        await this.registry.transact(sealedDocKey(boardId, uid), (d) => d.getMap('votes').delete(claimId), 'sealed vote revealed');
      }
      return this.state(boardId);
    });
  }

  /** A shared countdown on a claim (server time); `seconds` null stops it. */
  timer(boardId: string, userId: string, claimId: string | null, seconds: number | null): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireSteering(boardId, userId);
      if (seconds === null || claimId === null) {
        await this.#write(boardId, 'timer stopped', (doc) => writeLive(doc, { timer: null }));
        return this.state(boardId);
      }
      if (!(await this.#claimIds(boardId)).has(claimId)) throw new AppError(ErrorCode.NotFound, 'no such claim');
      const now = this.now();
      const durationMs = Math.round(seconds * 1000);
      await this.#write(boardId, 'timer started', (doc) =>
        writeLive(doc, { timer: { claimId, startedAt: now, endsAt: now + durationMs, durationMs } }),
      );
      return this.state(boardId);
    });
  }

  end(boardId: string, userId: string): Promise<LiveState> {
    return this.#steer(boardId, async () => {
      await this.#requireSteering(boardId, userId);
      const now = this.now();
      await this.#write(boardId, 'live review ended', (doc, live) => {
        moveFocus(doc, live, null, now);
        writeLive(doc, { status: 'ended', endedAt: now, timer: null });
      });
      return this.state(boardId);
    });
  }

  // ---- sealing ----

  /** Claims sealed on a board right now (loads the live doc the first time). */
  async sealed(boardId: string): Promise<Set<string>> {
    const cached = this.#sealed.get(boardId);
    if (cached) return cached;
    return this.#sealedSet(boardId, await this.state(boardId));
  }

  #sealedSet(boardId: string, live: LiveState): Set<string> {
    const s = sealedClaims(live);
    this.#sealed.set(boardId, s);
    return s;
  }

  /**
   * [L4] Refuses a client's write to a reviewer doc that sets or deletes a vote on a sealed
   * claim. The keys come from the update's summary and the doc's own items (V6): no copy of
   * the doc, whatever its size. An update whose keys cannot be told is refused while a round
   * is sealed.
   */
  #guard(docKey: string, doc: Y.Doc, summary: UpdateSummary): Ack<null> | null | Promise<Ack<null> | null> {
    const parsed = parseDocKey(docKey);
    if (parsed?.kind !== 'reviewer') return null;
    // The common case (no sealed round on the board, known already) answers synchronously.
    const known = this.#sealed.get(parsed.boardId);
    if (known) return known.size === 0 ? null : sealedRefusal(known, touchedKeys(doc, summary, 'votes'));
    return this.sealed(parsed.boardId).then((sealed) => (sealed.size === 0 ? null : sealedRefusal(sealed, touchedKeys(doc, summary, 'votes'))));
  }

  /** [L3] Keeps each open round's "who has voted" in step with the sealed docs. */
  #afterCommit(u: CommittedUpdate): void {
    const parsed = parseDocKey(u.docKey);
    if (parsed?.kind !== 'sealed' || u.origin.kind !== 'client') return;
    const { boardId, userId } = parsed;
    void (async () => {
      const sealed = await this.sealed(boardId);
      if (sealed.size === 0) return;
      const mine = await this.registry.read(u.docKey, (d) => {
        const out: Record<string, number | null> = Object.create(null);
        for (const claimId of sealed) {
          const v = VoteSchema.safeParse(d.getMap('votes').get(claimId));
          out[claimId] = v.success ? v.data.at : null;
        }
        return out;
      });
      await this.#write(boardId, 'sealed vote recorded', (doc, live) => {
        for (const [claimId, at] of Object.entries(mine)) {
          const r = roundOf(live, claimId);
          if (!r || r.revealedAt !== null) continue;
          const has = Object.hasOwn(r.voted, userId);
          if (at === null && has) {
            const voted = { ...r.voted };
            delete voted[userId];
            writeRound(doc, claimId, { ...r, voted });
          } else if (at !== null && (has ? r.voted[userId] : undefined) !== at) {
            writeRound(doc, claimId, { ...r, voted: { ...r.voted, [userId]: at } });
          }
        }
      });
    })().catch((err: unknown) => this.logger.error({ err, docKey: u.docKey }, 'could not record a sealed vote'));
  }

  // ---- helpers ----

  /** Every server write of a live review passes here (the reveal's copies follow one): none to an archived board [B1]. */
  async #write(boardId: string, reason: string, fn: (doc: Y.Doc, live: LiveState) => void): Promise<void> {
    await this.auth.boards.requireActive(boardId);
    let thrown: unknown = null;
    await this.registry.transact(
      liveDocKey(boardId),
      (doc) => {
        try {
          fn(doc, readLive(doc));
        } catch (err) {
          thrown = err;
        }
      },
      reason,
    );
    if (thrown) throw thrown;
  }

  async #claimIds(boardId: string): Promise<Set<string>> {
    return this.registry.read(boardDocKey(boardId), (d) => new Set(boardTypes(d).claims.keys()));
  }

  #checkAgenda(agenda: string[], claims: Set<string>): string[] {
    const seen = new Set<string>();
    for (const id of agenda) {
      if (!claims.has(id)) throw new AppError(ErrorCode.BadRequest, `the agenda names a claim that does not exist: ${id.slice(0, 64)}`);
      if (seen.has(id)) throw new AppError(ErrorCode.BadRequest, `the agenda names a claim twice: ${id.slice(0, 64)}`);
      seen.add(id);
    }
    return agenda;
  }

  async #requireFacilitatorRole(boardId: string, userId: string): Promise<void> {
    const role = await this.auth.members.roleOf(boardId, userId);
    if (!role) throw new AppError(ErrorCode.NotFound, 'no such board');
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors run a live review');
  }

  async #requireActive(boardId: string): Promise<LiveState> {
    const live = await this.state(boardId);
    if (live.status !== 'active') throw new AppError(ErrorCode.Conflict, 'no live review is running on this board');
    return live;
  }

  /**
   * [L2] The facilitator (or an owner) steers: focus, rounds, timers, the end; an owner may
   * take over or hand over at any time. Decided on the caller's role as it is now, on every
   * request: a facilitator demoted below editor keeps the title but no power.
   */
  async #requireSteering(boardId: string, userId: string): Promise<LiveState> {
    const role = await this.auth.members.roleOf(boardId, userId);
    if (!role) throw new AppError(ErrorCode.NotFound, 'no such board');
    const live = await this.#requireActive(boardId);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, `only owners and editors steer a live review; your role is ${role}`);
    if (live.facilitatorId !== userId && role !== 'owner') {
      throw new AppError(ErrorCode.Forbidden, 'only the facilitator steers the live review');
    }
    return live;
  }
}

/** SEALED when the update touches a sealed claim's vote (or cannot tell which votes it touches). */
function sealedRefusal(sealed: Set<string>, touched: Set<string> | null): Ack<null> | null {
  if (touched === null) return fail(ErrorCode.Sealed, 'a sealed round is open and the votes this update touches cannot be told apart: send smaller updates');
  for (const k of touched) {
    if (sealed.has(k)) return fail(ErrorCode.Sealed, `claim ${k} is under a sealed round: vote in your sealed document until the reveal`);
  }
  return null;
}
