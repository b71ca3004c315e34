/**
 * The Socket.IO packet encoding both ends use [T10]: each packet is one MessagePack value
 * (@msgpack/msgpack) instead of Socket.IO's default JSON text plus one extra frame per
 * binary attachment. An event that carries bytes (every sync message) therefore travels as
 * one websocket frame, and bytes travel as msgpack `bin` with no base64 and no
 * placeholders. Only bytes of ATTACH_MIN_BYTES or more (a join's whole board) follow the
 * packet as frames of their own, referenced from it by a MessagePack extension, so they are
 * never copied. Every Socket.IO client of Claimboard passes `parser: wireParser`.
 *
 * Packets follow the Socket.IO protocol v5 (https://github.com/socketio/socket.io-protocol):
 * `{ type, nsp, data?, id? }`. Undefined fields are left out, as JSON would, so acks read
 * the same as with the default parser. Decoded `bin` values are Uint8Array views into the
 * frame; the server's schemas copy them (BytesSchema).
 */
import { decode, Encoder as MsgpackEncoder, ExtensionCodec } from '@msgpack/msgpack';
import { Emitter } from '@socket.io/component-emitter';

/**
 * Bytes this large travel as their own websocket frame after the packet (an "attachment",
 * as Socket.IO's default parser does for all bytes): copying a megabyte into the MessagePack
 * buffer costs more than a second frame. Smaller bytes stay inline, so a sync message or a
 * broadcast is one frame.
 */
export const ATTACH_MIN_BYTES = 64 * 1024;
/** More attachments than this in one packet is not something a Claimboard peer sends. */
const MAX_ATTACHMENTS = 64;
/** MessagePack extension type of a reference to the packet's n-th attachment. */
const ATTACHMENT_EXT = 1;

class AttachmentRef {
  constructor(readonly index: number) {}
}

/** Filled by the extension encoder while one packet is encoded (encoding is synchronous). */
let outgoing: Uint8Array[] | null = null;

const codec = new ExtensionCodec();
codec.register({
  type: ATTACHMENT_EXT,
  encode: (value: unknown): Uint8Array | null => {
    if (outgoing === null || !(value instanceof Uint8Array) || value.byteLength < ATTACH_MIN_BYTES) return null;
    outgoing.push(value);
    return Uint8Array.of(outgoing.length - 1);
  },
  decode: (data: Uint8Array): AttachmentRef => {
    if (data.length !== 1 || data[0]! >= MAX_ATTACHMENTS) throw new Error('invalid attachment reference');
    return new AttachmentRef(data[0]!);
  },
});

/**
 * One MessagePack encoder for every packet: it keeps its grown buffer instead of growing a
 * fresh one for every packet.
 */
const msgpack = new MsgpackEncoder({ ignoreUndefined: true, extensionCodec: codec });

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
  /** How many attachment frames follow this packet (absent: none). */
  attachments?: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Throws unless `p` is a well-formed Socket.IO packet; returns it typed. */
export function checkPacket(p: unknown): Packet {
  if (!isPlainObject(p)) throw new Error('invalid packet: not a map');
  const { type, nsp, data, id, attachments } = p;
  if (attachments !== undefined && (typeof attachments !== 'number' || !Number.isInteger(attachments) || attachments < 1 || attachments > MAX_ATTACHMENTS)) {
    throw new Error('invalid attachment count');
  }
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
  return { type, nsp, data, id, attachments } as Packet;
}

/** Puts the attachments in place of their references; throws on a dangling one. */
function resolveAttachments(value: unknown, att: readonly Uint8Array[], depth = 0): unknown {
  if (depth > 32) throw new Error('packet nested too deeply');
  if (value instanceof AttachmentRef) {
    const a = att[value.index];
    if (!a) throw new Error('reference to a missing attachment');
    return a;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = resolveAttachments(value[i], att, depth + 1);
    return value;
  }
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) value[k] = resolveAttachments(value[k], att, depth + 1);
  }
  return value;
}

/**
 * One MessagePack encoder for every packet: it keeps its grown buffer, so a large packet
 * (a join's whole board) is copied once into an exact-size result instead of into a chain
 * of doubling, freshly zeroed buffers.
 */
export class Encoder {
  encode(packet: Packet): Uint8Array[] {
    const { type, nsp, data, id } = packet;
    const attachments: Uint8Array[] = [];
    outgoing = attachments;
    let head: Uint8Array;
    try {
      head = msgpack.encode({ type, nsp, data, id, attachments: attachments.length || undefined });
      if (attachments.length) {
        // The count is only known after the walk: encode the header again with it.
        outgoing = [];
        head = msgpack.encode({ type, nsp, data, id, attachments: attachments.length });
      }
    } finally {
      outgoing = null;
    }
    return [head, ...attachments];
  }
}

export class Decoder extends Emitter<Record<string, never>, Record<string, never>, { decoded: (p: Packet) => void }> {
  /** A packet waiting for its attachment frames. */
  #waiting: { packet: Packet; attachments: Uint8Array[] } | null = null;

  add(chunk: unknown): void {
    if (typeof chunk === 'string') throw new Error('invalid frame: text where MessagePack was expected');
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBuffer);
    if (this.#waiting) {
      const w = this.#waiting;
      w.attachments.push(bytes);
      if (w.attachments.length < w.packet.attachments!) return;
      this.#waiting = null;
      w.packet.data = resolveAttachments(w.packet.data, w.attachments);
      delete w.packet.attachments;
      this.emitReserved('decoded', w.packet);
      return;
    }
    const packet = checkPacket(decode(bytes, { extensionCodec: codec }));
    if (packet.attachments) {
      this.#waiting = { packet, attachments: [] };
      return;
    }
    packet.data = resolveAttachments(packet.data, []);
    delete packet.attachments;
    this.emitReserved('decoded', packet);
  }
  destroy(): void {
    this.#waiting = null;
    this.off();
  }
}

export const wireParser = { Encoder, Decoder };
