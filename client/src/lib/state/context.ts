/** Typed context accessors: a component outside its provider fails loudly, not with undefined. */
import { getContext, setContext } from 'svelte';
import type { BoardState } from './board-state.svelte.js';
import type { PublicationState } from './publication-state.svelte.js';
import type { Session } from './session.svelte.js';

const BOARD = Symbol('board');
const SESSION = Symbol('session');
const PUBLICATION = Symbol('publication');

export function setBoardContext(board: BoardState): BoardState {
  return setContext(BOARD, board);
}

export function getBoardContext(): BoardState {
  const board = getContext<BoardState | undefined>(BOARD);
  if (!board) throw new Error('getBoardContext: no BoardState; render inside BoardPage');
  return board;
}

export function setSessionContext(session: Session): Session {
  return setContext(SESSION, session);
}

export function getSessionContext(): Session {
  const session = getContext<Session | undefined>(SESSION);
  if (!session) throw new Error('getSessionContext: no Session; render inside App');
  return session;
}

export function setPublicationContext(publication: PublicationState): PublicationState {
  return setContext(PUBLICATION, publication);
}

export function getPublicationContext(): PublicationState {
  const publication = getContext<PublicationState | undefined>(PUBLICATION);
  if (!publication) throw new Error('getPublicationContext: no PublicationState; render inside BoardView');
  return publication;
}
