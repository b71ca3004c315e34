/**
 * The plain input of every export builder: a snapshot of a board's documents taken at one
 * moment (see `snapshotFromDocs`). Builders never touch live documents, so they are pure:
 * the same snapshot gives the same bytes.
 */
import type { BoardSnapshot, LiveState, NoteEntry, VoteEntry } from '../model/index.js';

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
  /**
   * The board's live review as its live document holds it; null when the board never had
   * one (or the live document was not read). It never holds a sealed vote: those live in
   * the sealed documents, which no export reads.
   */
  live: LiveState | null;
  /** Y.encodeStateVector of the live document; null when it was not read. */
  liveStateVector: Uint8Array | null;
}
