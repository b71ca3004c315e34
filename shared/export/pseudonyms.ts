/**
 * Who appears in an export under what name. With pseudonymisation every user id becomes a
 * stable label: reviewers "Reviewer 1…n", other users (an editor who created claims but
 * never voted) "Member 1…m". The numbering follows SHA-256(salt, board id, user id), not
 * the ids' own order, so it reveals nothing about the ids, yet the same board and
 * reviewers always give the same labels. Without a secret salt anyone who knows the user
 * ids could recompute the mapping; a caller who needs unlinkability passes one.
 */
import { sha256Hex } from './canonical-json.js';

export interface Person {
  /** What the export writes where a user id would go. */
  id: string;
  name: string | null;
  role: string | null;
}

export interface PseudonymOptions {
  pseudonymise: boolean;
  salt?: string;
}

export interface Directory {
  /** The export identity of a user id (every id met gets one). */
  person(userId: string): Person;
  /** Reviewers in export order. */
  reviewers: Person[];
  /** Position of a reviewer in `reviewers`, for sorting. */
  rank(userId: string): number;
}

export function buildDirectory(
  boardId: string,
  reviewerIds: readonly string[],
  otherIds: readonly string[],
  members: ReadonlyMap<string, { name: string; role: string | null }>,
  options: PseudonymOptions,
): Directory {
  const reviewers = [...new Set(reviewerIds)];
  const reviewerSet = new Set(reviewers);
  const others = [...new Set(otherIds)].filter((id) => !reviewerSet.has(id));
  const byId = new Map<string, Person>();
  let orderedReviewers: string[];
  if (options.pseudonymise) {
    const key = (id: string): string => sha256Hex(`${options.salt ?? ''}\u0000${boardId}\u0000${id}`);
    const sortByKey = (ids: string[]): string[] =>
      ids.map((id) => ({ id, k: key(id) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.id);
    orderedReviewers = sortByKey(reviewers);
    orderedReviewers.forEach((id, i) => byId.set(id, { id: `reviewer-${i + 1}`, name: `Reviewer ${i + 1}`, role: null }));
    sortByKey(others).forEach((id, i) => byId.set(id, { id: `member-${i + 1}`, name: `Member ${i + 1}`, role: null }));
  } else {
    orderedReviewers = [...reviewers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const id of [...orderedReviewers, ...others]) {
      const member = members.get(id);
      byId.set(id, { id, name: member?.name ?? null, role: member?.role ?? null });
    }
  }
  const rank = new Map(orderedReviewers.map((id, i) => [id, i]));
  return {
    person: (userId) => byId.get(userId) ?? { id: options.pseudonymise ? 'unknown' : userId, name: null, role: null },
    reviewers: orderedReviewers.map((id) => byId.get(id)!),
    rank: (userId) => rank.get(userId) ?? Number.MAX_SAFE_INTEGER,
  };
}
