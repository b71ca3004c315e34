/**
 * y-protocols sync messages [P5]: a varuint type (0 step 1, 1 step 2, 2 update) followed
 * by a length-prefixed payload (a state vector, or a Yjs update). The y-websocket envelope
 * adds one more varuint before it: 0 sync, 1 awareness, 2 auth, 3 query awareness.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;
export type SyncType = (typeof SyncType)[keyof typeof SyncType];

export const WsMessage = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;

export interface SyncMessage {
  type: SyncType;
  /** State vector for step 1; update for step 2 and update. */
  payload: Uint8Array;
}

export function encodeSync(type: SyncType, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/**
 * Reads a length-prefixed byte string, checking the length against what is left: lib0's
 * own reader trusts the prefix and, on a view into a pooled Buffer, would read past it.
 */
export function readBytes(d: decoding.Decoder): Uint8Array {
  const len = decoding.readVarUint(d);
  if (len > d.arr.length - d.pos) throw new Error('length prefix exceeds the message');
  return decoding.readUint8Array(d, len);
}

/** Parses a sync message; throws on anything else (trailing bytes included). */
export function decodeSync(bytes: Uint8Array): SyncMessage {
  const d = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(d);
  if (type !== 0 && type !== 1 && type !== 2) throw new Error(`unknown sync message type ${type}`);
  const payload = readBytes(d);
  if (decoding.hasContent(d)) throw new Error('trailing bytes after sync message');
  return { type, payload };
}

/** Wraps a sync message in the y-websocket envelope. */
export function wsSyncFrame(syncMessage: Uint8Array): Uint8Array {
  const out = new Uint8Array(syncMessage.length + 1);
  out[0] = WsMessage.Sync;
  out.set(syncMessage, 1);
  return out;
}

export function wsAwarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, WsMessage.Awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** y-protocols auth "permission denied" in the y-websocket envelope. */
export function wsPermissionDeniedFrame(reason: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, WsMessage.Auth);
  encoding.writeVarUint(e, 0);
  encoding.writeVarString(e, reason);
  return encoding.toUint8Array(e);
}

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** null: the client went away. */
  state: unknown;
}

/** Decodes an awareness update without applying it; throws on malformed input or JSON. */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  if (n > update.length) throw new Error('awareness count exceeds its bytes');
  const out: AwarenessEntry[] = [];
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const state: unknown = JSON.parse(decoding.readVarString(d));
    out.push({ clientId, clock, state });
  }
  if (decoding.hasContent(d)) throw new Error('trailing bytes after awareness update');
  return out;
}

/** Encodes awareness entries (the inverse of decodeAwareness). */
export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const x of entries) {
    encoding.writeVarUint(e, x.clientId);
    encoding.writeVarUint(e, x.clock);
    encoding.writeVarString(e, JSON.stringify(x.state));
  }
  return encoding.toUint8Array(e);
}
