/**
 * Takes the export snapshot from live documents: the model's readers (which skip invalid
 * entries) plus each document's state vector. The only part of the export that touches
 * Yjs; everything after it is pure.
 */
import * as Y from 'yjs';
import { readBoard, readNotes, readVotes } from '../model/index.js';
import type { ExportInput, ExportMember } from './types.js';

export function snapshotFromDocs(
  boardId: string,
  boardDoc: Y.Doc,
  reviewerDocs: ReadonlyMap<string, Y.Doc>,
  members: readonly ExportMember[],
): ExportInput {
  const reviewers = [...reviewerDocs.entries()].map(([userId, doc]) => ({
    userId,
    votes: readVotes(doc),
    notes: readNotes(doc),
    stateVector: Y.encodeStateVector(doc),
  }));
  return {
    boardId,
    board: readBoard(boardDoc),
    boardStateVector: Y.encodeStateVector(boardDoc),
    reviewers,
    members: members.map(({ userId, name, role }) => ({ userId, name, role })),
  };
}
