/**
 * Typed transaction origins [O1]. Every Yjs transaction on a server doc carries one, and the
 * origin decides what happens to the update it produces:
 *
 * | origin  | persisted | broadcast                         |
 * | ------- | --------- | --------------------------------- |
 * | client  | yes       | to every subscriber but that conn |
 * | server  | yes       | to every subscriber               |
 * | store   | no        | no (it is being loaded)           |
 * | peer    | no        | to every local subscriber         |
 */
export type TxOrigin =
  | { kind: 'client'; connId: string; userId: string }
  | { kind: 'server'; reason: string }
  | { kind: 'store' }
  | { kind: 'peer'; nodeId: string };

export const STORE_ORIGIN: TxOrigin = { kind: 'store' };

export const persists = (o: TxOrigin): boolean => o.kind === 'client' || o.kind === 'server';
export const broadcasts = (o: TxOrigin): boolean => o.kind !== 'store';
/** The connection that must not receive its own update back. */
export const sourceConn = (o: TxOrigin): string | null => (o.kind === 'client' ? o.connId : null);

export const isTxOrigin = (v: unknown): v is TxOrigin =>
  typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
