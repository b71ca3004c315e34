/**
 * The default agenda of a live review [L1], computed by the server when a review starts
 * without one and shown by the client as the order it would get: one function, so the two
 * cannot drift.
 *
 * Only accepted claims that are still open (not replaced by a merge or split) are on it:
 * a proposed claim has not been judged worth reviewing yet. Among them the most contested
 * come first (lowest agreement first), then those without quorum (fewest ratings first),
 * then the rest, each group in board order.
 */
import type { BoardConsensus } from './board-consensus.js';

export interface AgendaClaim {
  id: string;
  status: string;
  replacedBy?: unknown;
}

/** Whether a claim belongs on the default agenda: accepted and not replaced. */
export const onDefaultAgenda = (c: AgendaClaim): boolean => c.status === 'accepted' && (c.replacedBy ?? null) === null;

/** Sort key of a claim: [group, value within the group]; lower comes first. */
function rank(consensus: BoardConsensus, id: string): [number, number] {
  const c = consensus.claims.get(id);
  if (!c) return [2, 0];
  if (c.verdict === 'contested') return [0, c.consensus ?? 0];
  if (c.verdict === 'insufficient') return [1, c.n];
  return [2, 0];
}

/** The default agenda as claim ids, given the claims in board order and their consensus. */
export function defaultAgenda(claims: readonly AgendaClaim[], consensus: BoardConsensus): string[] {
  return claims
    .filter(onDefaultAgenda)
    .map((c, i) => ({ id: c.id, i, r: rank(consensus, c.id) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.id);
}
