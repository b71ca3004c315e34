/**
 * The Socket.IO packet encoding both ends use [T10]: each packet is one MessagePack value
 * (@msgpack/msgpack) instead of Socket.IO's default JSON text plus one extra frame per
 * binary attachment. An event that carries bytes (every sync message) therefore travels as
 * one websocket frame, and bytes travel as msgpack `bin` with no base64 and no
 * placeholders. Every Socket.IO client of Claimboard passes `parser: wireParser`.
 *
 * Packets follow the Socket.IO protocol v5 (https://github.com/socketio/socket.io-protocol):
 * `{ type, nsp, data?, id? }`. Undefined fields are left out, as JSON would, so acks read
 * the same as with the default parser. Decoded `bin` values are Uint8Array views into the
 * frame; the server's schemas copy them (BytesSchema).
 */
import { decode, encode } from '@msgpack/msgpack';
import { Emitter } from '@socket.io/component-emitter';

export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;

export interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Throws unless `p` is a well-formed Socket.IO packet; returns it typed. */
export function checkPacket(p: unknown): Packet {
  if (!isPlainObject(p)) throw new Error('invalid packet: not a map');
  const { type, nsp, data, id } = p;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < 0 || type > 6) throw new Error('invalid packet type');
  if (typeof nsp !== 'string' || !nsp.startsWith('/')) throw new Error('invalid namespace');
  if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id) || id < 0)) throw new Error('invalid packet id');
  switch (type) {
    case PacketType.CONNECT:
      if (data !== undefined && !isPlainObject(data)) throw new Error('invalid CONNECT payload');
      break;
    case PacketType.DISCONNECT:
      if (data !== undefined) throw new Error('invalid DISCONNECT payload');
      break;
    case PacketType.CONNECT_ERROR:
      if (typeof data !== 'string' && !isPlainObject(data)) throw new Error('invalid CONNECT_ERROR payload');
      break;
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT:
      if (!Array.isArray(data) || typeof data[0] !== 'string') throw new Error('invalid EVENT payload');
      break;
    default:
      if (!Array.isArray(data)) throw new Error('invalid ACK payload');
  }
  return { type, nsp, data, id } as Packet;
}

export class Encoder {
  encode(packet: Packet): Uint8Array[] {
    const { type, nsp, data, id } = packet;
    return [encode({ type, nsp, data, id }, { ignoreUndefined: true })];
  }
}

export class Decoder extends Emitter<Record<string, never>, Record<string, never>, { decoded: (p: Packet) => void }> {
  add(chunk: unknown): void {
    if (typeof chunk === 'string') throw new Error('invalid frame: text where MessagePack was expected');
    const packet = checkPacket(decode(chunk as ArrayBufferLike | ArrayLike<number>));
    this.emitReserved('decoded', packet);
  }
  destroy(): void {
    this.off();
  }
}

export const wireParser = { Encoder, Decoder };
