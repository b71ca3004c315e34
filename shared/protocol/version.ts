/**
 * Wire protocol version. Bump on any incompatible change to events, payloads or
 * semantics; `board:join` refuses a mismatch with CLIENT_TOO_OLD / SERVER_TOO_OLD [P2].
 */
export const PROTOCOL_VERSION = 3 as const;
