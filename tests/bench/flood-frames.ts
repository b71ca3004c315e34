/**
 * Flood payloads for the realtime caps, shared by tests/integration/floods.test.ts (which
 * checks the caps answer and a victim keeps syncing) and the flood benchmark (which times
 * the victim): awareness updates with fresh client ids, `sync:open`s naming many docs,
 * Socket.IO packets that announce attachments that never come, and deeply nested packets.
 * Pure functions: the caller sends the frames.
 */
import { encode } from '@msgpack/msgpack';
import { encodeAwareness } from '../../shared/protocol/sync-codec.js';
import { PacketType } from '../../shared/protocol/wire.js';

/**
 * `frames` awareness updates, each introducing a fresh client id (firstClientId, +1, …)
 * with a state of about `stateBytes` bytes [W5][W6].
 */
export function* awarenessFlood(o: { frames: number; firstClientId: number; stateBytes: number }): Generator<Uint8Array> {
  const filler = 'x'.repeat(Math.max(0, o.stateBytes - 40));
  for (let i = 0; i < o.frames; i++) {
    yield encodeAwareness([{ clientId: o.firstClientId + i, clock: 1, state: { claimId: null, filler } }]);
  }
}

/**
 * A `sync:open` payload naming `docs` documents of the board [T14]: distinct reviewer doc
 * keys of users who are not members (each costs the server a read check), or one doc key
 * repeated. The state vector claims a client the server has never seen, so a readable doc
 * would be answered with a full diff.
 */
export function syncOpenFlood(o: { boardId: string; docs: number; distinct: boolean; seed?: number }) {
  const stateVector = Uint8Array.of(1, 0xb9, 0x60, 0); // one client (12345), clock 0
  return {
    docs: Array.from({ length: o.docs }, (_, i) => ({
      docKey: o.distinct ? `board/${o.boardId}/reviewer/f${o.seed ?? 0}x${i}` : `board/${o.boardId}`,
      stateVector,
    })),
  };
}

/**
 * Engine.io binary messages of one Socket.IO packet that announces `attachments` attachment
 * frames, followed by `frames` of them of `frameBytes` each [T15]: with fewer frames than
 * announced the packet never completes, and a server without caps holds the frames until
 * the connection closes.
 */
export function pinningAttachments(o: { attachments: number; frames: number; frameBytes: number }): Uint8Array[] {
  const head = encode({ type: PacketType.EVENT, nsp: '/', data: ['sync:message', { docKey: 'board/x', message: null }], attachments: o.attachments });
  return [head, ...Array.from({ length: o.frames }, () => new Uint8Array(o.frameBytes).fill(7))];
}

/** One Socket.IO packet whose payload nests `depth` one-element arrays [T11]. */
export function deepPacket(depth: number): Uint8Array {
  const prefix = encode({ type: PacketType.EVENT, nsp: '/', data: 'PLACEHOLDER' });
  // Swap the placeholder string for the nested arrays: 0x91 (array of one) × depth, then nil.
  const marker = encode('PLACEHOLDER');
  const at = indexOf(prefix, marker);
  const out = new Uint8Array(prefix.length - marker.length + depth + 1);
  out.set(prefix.subarray(0, at));
  out.fill(0x91, at, at + depth);
  out[at + depth] = 0xc0;
  out.set(prefix.subarray(at + marker.length), at + depth + 1);
  return out;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('marker not found');
}
