/**
 * Names of the shared types inside each document [D2]. Everything that reads or writes a
 * board goes through these names; external clients rely on them (README "Document schema").
 */
export const BOARD = {
  /** Y.Map: title, source, format, createdAt, settings, live-review state. */
  meta: 'meta',
  /** Y.Text: the article. */
  article: 'article',
  /** Y.Map: claim id → Y.Map (text, status, order, score?, reasons?, anchors…). */
  claims: 'claims',
  /** Y.Map: editor decisions (accepted/rejected suggestions, resolved threads). */
  decisions: 'decisions',
} as const;

export const REVIEWER = {
  /** Y.Map: claim id → plain vote object. */
  votes: 'votes',
  /** Y.Map: note id → plain note object. */
  notes: 'notes',
  /** Y.Map: suggestion id → plain object (claims this reviewer proposes). */
  suggestions: 'suggestions',
} as const;
