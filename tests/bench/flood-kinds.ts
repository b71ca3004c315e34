/** The floods of flood-generator.ts and what it reports, shared with flood.bench.ts. */
export const FLOODS = ['frames', 'awareness-ids', 'sync-open', 'heavy-updates', 'sealed-writes', 'attachments', 'deep-msgpack', 'deep-json', 'markdown'] as const;
export type Flood = (typeof FLOODS)[number];

export interface FloodArgs {
  flood: Flood;
  url: string;
  token: string;
  userId: string;
  /** The flooder's own board. */
  boardId: string;
  /** The victim's board, of which the flooder is a reviewer too (for floods that reach peers). */
  victimBoardId: string;
  seconds: number;
}

/** What a flood did: how many requests it sent, and how the server answered them. */
export interface FloodSummary {
  sent: number;
  /** Answers by error code (or HTTP status), 'ok' for accepted ones. */
  answers: Record<string, number>;
  /** Connections the server closed on the flooder. */
  drops: number;
}
