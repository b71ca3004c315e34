/**
 * CurationState: an editor's edits to claims that are theirs to take back — the claim's
 * text, and undo and redo of their own curation. A Yjs UndoManager tracks only transactions
 * with this client's LOCAL origin, so each person undoes their own edits (text, accept and
 * reject, merge and split, verdicts, source) and never another's, even on the same claim.
 * One action is one step (no time-based grouping).
 */
import * as Y from 'yjs';
import { BOARD, editClaimText } from '../../../../shared/model/index.js';
import { LOCAL, type BoardState } from './board-state.svelte.js';

export class CurationState {
  #board: BoardState;
  #manager: Y.UndoManager;
  #canUndo = $state(false);
  #canRedo = $state(false);
  #error = $state<string | null>(null);

  constructor(board: BoardState) {
    this.#board = board;
    const doc = board.boardDoc;
    this.#manager = new Y.UndoManager([doc.getMap(BOARD.claims), doc.getMap(BOARD.decisions), doc.getMap(BOARD.meta)], {
      trackedOrigins: new Set([LOCAL]),
      captureTimeout: 0,
    });
    const refresh = () => {
      this.#canUndo = this.#manager.canUndo();
      this.#canRedo = this.#manager.canRedo();
    };
    this.#manager.on('stack-item-added', refresh);
    this.#manager.on('stack-item-popped', refresh);
    this.#manager.on('stack-cleared', refresh);
  }

  get canEdit(): boolean {
    return this.#board.canEdit;
  }
  get canUndo(): boolean {
    return this.#canUndo && this.#board.canEdit;
  }
  get canRedo(): boolean {
    return this.#canRedo && this.#board.canEdit;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Replaces a claim's text; its highlight moves when the new text is in the article. */
  editText(claimId: string, text: string): string | null {
    const r = editClaimText(this.#board.boardDoc, claimId, text, LOCAL);
    this.#error = r.ok ? null : r.error.message;
    return this.#error;
  }

  undo(): void {
    if (this.canUndo) this.#manager.undo();
  }

  redo(): void {
    if (this.canRedo) this.#manager.redo();
  }

  destroy(): void {
    this.#manager.destroy();
  }
}
