/**
 * The plain input of every export builder: a snapshot of a board's documents taken at one
 * moment (see `snapshotFromDocs`). Builders never touch live documents, so they are pure:
 * the same snapshot gives the same bytes.
 */
import type { BoardSnapshot, LiveState, NoteEntry, VoteEntry } from '../model/index.js';

export interface ExportMember {
  userId: string;
  name: string;
  /** Null for a former member whose role was not recorded. */
  role: string | null;
  /** Left or was removed from the board [M4]; absent: a member. */
  former?: boolean;
}

export interface ExportReviewer {
  userId: string;
  votes: readonly VoteEntry[];
  notes: readonly NoteEntry[];
  /** Y.encodeStateVector of this reviewer's document. */
  stateVector: Uint8Array;
  /**
   * Left or was removed from the board [M4]: their votes are kept and exported, and count
   * toward the consensus only when `ExportInput.countFormerMembers`. Absent: a member.
   */
  former?: boolean;
}

export interface ExportInput {
  boardId: string;
  board: BoardSnapshot;
  /** Y.encodeStateVector of the board document. */
  boardStateVector: Uint8Array;
  /** Any order: builders sort. */
  reviewers: readonly ExportReviewer[];
  /**
   * Members and former members (`former: true`), for names and roles; reviewers who are in
   * neither have no name.
   */
  members: readonly ExportMember[];
  /** The board counts former members' votes toward consensus [M4] (default false). */
  countFormerMembers?: boolean;
  /**
   * The board's live review as its live document holds it; null when the board never had
   * one (or the live document was not read). It never holds a sealed vote: those live in
   * the sealed documents, which no export reads.
   */
  live: LiveState | null;
  /** Y.encodeStateVector of the live document; null when it was not read. */
  liveStateVector: Uint8Array | null;
}
