/**
 * Takes the export snapshot from live documents: the model's readers (which skip invalid
 * entries) plus each document's state vector. The only part of the export that touches
 * Yjs; everything after it is pure.
 *
 * It takes the board document, the reviewer documents and the live document, never a
 * sealed document: a sealed vote cannot reach an export because no export is given one.
 */
import * as Y from 'yjs';
import { readBoard, readLive, readNotes, readVotes } from '../model/index.js';
import type { ExportInput, ExportMember } from './types.js';

/**
 * @param liveDoc the board's live document (`board/<id>/live`); omitted or null for a
 *   snapshot without the live review (then `live` and `liveStateVector` are null).
 */
export function snapshotFromDocs(
  boardId: string,
  boardDoc: Y.Doc,
  reviewerDocs: ReadonlyMap<string, Y.Doc>,
  members: readonly ExportMember[],
  liveDoc: Y.Doc | null = null,
): ExportInput {
  const live = liveDoc ? readLive(liveDoc) : null;
  const former = new Set(members.filter((m) => m.former === true).map((m) => m.userId));
  const reviewers = [...reviewerDocs.entries()].map(([userId, doc]) => ({
    userId,
    votes: readVotes(doc),
    notes: readNotes(doc),
    stateVector: Y.encodeStateVector(doc),
    ...(former.has(userId) ? { former: true } : {}),
  }));
  return {
    boardId,
    board: readBoard(boardDoc),
    boardStateVector: Y.encodeStateVector(boardDoc),
    reviewers,
    members: members.map(({ userId, name, role, former: f }) => ({ userId, name, role, ...(f === true ? { former: true } : {}) })),
    live: live === null || live.status === 'none' ? null : live,
    liveStateVector: liveDoc ? Y.encodeStateVector(liveDoc) : null,
  };
}
