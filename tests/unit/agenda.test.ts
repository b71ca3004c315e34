/**
 * [L1] The default agenda of a live review, the one function the server orders a review
 * with and the client shows before it starts.
 */
import { describe, expect, it } from 'vitest';
import { boardConsensus, defaultAgenda, type Answer } from '../../shared/consensus/index.js';

const params = { quorum: 3, threshold: 0.75 };
type C = { id: string; status: string; replacedBy?: unknown };

function agendaOf(claims: C[], votes: Record<string, Answer[]>): string[] {
  // One ballot per position: reviewer k's vote on each claim is votes[claim][k].
  const width = Math.max(0, ...Object.values(votes).map((v) => v.length));
  const ballots = Array.from({ length: width }, (_, k) => ({
    votes: Object.entries(votes).flatMap(([claimId, list]) => (list[k] === undefined ? [] : [{ claimId, rating: list[k]! }])),
  }));
  return defaultAgenda(claims, boardConsensus(claims.map((c) => c.id), ballots, params));
}

describe('defaultAgenda [L1]', () => {
  it('holds accepted, open claims only: proposed, rejected and replaced ones are left out', () => {
    const claims: C[] = [
      { id: 'proposed', status: 'proposed' },
      { id: 'accepted', status: 'accepted' },
      { id: 'rejected', status: 'rejected' },
      { id: 'merged-away', status: 'accepted', replacedBy: { kind: 'merged', ids: ['m'] } },
      { id: 'm', status: 'accepted', replacedBy: null },
    ];
    expect(agendaOf(claims, {})).toEqual(['accepted', 'm']);
  });

  it('contested first (lowest agreement first), then below quorum (fewest ratings first), then the rest, each in board order', () => {
    const claims: C[] = ['agreed', 'few2', 'hot', 'few0', 'warm', 'agreed2', 'few1'].map((id) => ({ id, status: 'accepted' }));
    const agenda = agendaOf(claims, {
      agreed: [4, 4, 4],
      few2: [3, 3],
      hot: [1, 5, 1, 5],
      warm: [1, 3, 5],
      agreed2: [2, 2, 2],
      few1: [5],
    });
    // hot (1,5,1,5) agrees less than warm (1,3,5); few0 has no rating, few1 one, few2 two.
    expect(agenda).toEqual(['hot', 'warm', 'few0', 'few1', 'few2', 'agreed', 'agreed2']);
  });

  it('is empty when nothing is accepted yet', () => {
    expect(agendaOf([{ id: 'a', status: 'proposed' }], { a: [1, 5, 1] })).toEqual([]);
  });
});
