/**
 * The plain input of every export builder: a snapshot of a board's documents taken at one
 * moment (see `snapshotFromDocs`). Builders never touch live documents, so they are pure:
 * the same snapshot gives the same bytes.
 */
import type { BoardSnapshot, NoteEntry, VoteEntry } from '../model/index.js';

export interface ExportMember {
  userId: string;
  name: string;
  role: string;
}

export interface ExportReviewer {
  userId: string;
  votes: readonly VoteEntry[];
  notes: readonly NoteEntry[];
  /** Y.encodeStateVector of this reviewer's document. */
  stateVector: Uint8Array;
}

export interface ExportInput {
  boardId: string;
  board: BoardSnapshot;
  /** Y.encodeStateVector of the board document. */
  boardStateVector: Uint8Array;
  /** Any order: builders sort. */
  reviewers: readonly ExportReviewer[];
  /** Current members, for names and roles; reviewers who left have neither. */
  members: readonly ExportMember[];
}
