/** Typed context accessors: a component outside its provider fails loudly, not with undefined. */
import { getContext, setContext } from 'svelte';
import type { BoardState } from './board-state.svelte.js';
import type { CurationState } from './curation-state.svelte.js';
import type { PublicationState } from './publication-state.svelte.js';
import type { Session } from './session.svelte.js';

const BOARD = Symbol('board');
const SESSION = Symbol('session');
const PUBLICATION = Symbol('publication');
const CURATION = Symbol('curation');

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

export function setCurationContext(curation: CurationState): CurationState {
  return setContext(CURATION, curation);
}

export function getCurationContext(): CurationState {
  const curation = getContext<CurationState | undefined>(CURATION);
  if (!curation) throw new Error('getCurationContext: no CurationState; render inside BoardView');
  return curation;
}
