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
import { checkMsgpackBounds } from './msgpack-bounds.js';

/**
 * Bytes this large travel as their own websocket frame after the packet (an "attachment",
 * as Socket.IO's default parser does for all bytes): copying a megabyte into the MessagePack
 * buffer costs more than a second frame. Smaller bytes stay inline, so a sync message or a
 * broadcast is one frame.
 */
export const ATTACH_MIN_BYTES = 64 * 1024;
/**
 * The most attachments one packet may carry on the wire: a reference is one byte. A
 * `sync:open` answer has one per doc at most (MAX_OPEN_DOCS); past this the encoder keeps
 * bytes inline.
 */
export const MAX_ATTACHMENTS = 256;
/** Nesting of a packet: a `sync:open` answer, the deepest, is 7 levels. */
export const MAX_PACKET_DEPTH = 32;
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
    if (outgoing.length >= MAX_ATTACHMENTS) return null;
    outgoing.push(value);
    return Uint8Array.of(outgoing.length - 1);
  },
  decode: (data: Uint8Array): AttachmentRef => {
    if (data.length !== 1) throw new Error('invalid attachment reference');
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

/** Throws unless `p` is a well-formed Socket.IO packet of at most `maxAttachments`; returns it typed. */
export function checkPacket(p: unknown, maxAttachments = MAX_ATTACHMENTS): Packet {
  if (!isPlainObject(p)) throw new Error('invalid packet: not a map');
  const { type, nsp, data, id, attachments } = p;
  if (attachments !== undefined && (typeof attachments !== 'number' || !Number.isInteger(attachments) || attachments < 1)) {
    throw new Error('invalid attachment count');
  }
  if (attachments !== undefined && attachments > maxAttachments) throw new Error(`more than ${maxAttachments} attachments`);
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
  if (depth > MAX_PACKET_DEPTH) throw new Error('packet nested too deeply');
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

/**
 * What one decoder accepts [T11]. Every packet is pre-scanned (`checkMsgpackBounds`) before
 * it is decoded; a packet waiting for its attachments holds at most `maxAttachments` frames
 * and `maxAttachmentBytes` bytes in all. Anything past a bound throws, which closes the
 * connection (Socket.IO treats a decoder error as a protocol violation).
 */
export interface WireLimits {
  maxAttachments: number;
  maxAttachmentBytes: number;
  maxDepth: number;
  maxItems: number;
}

/**
 * Limits for decoding what a server sends: its answers are trusted to be sane, so these
 * only stop a corrupt stream (a `sync:open` answer has up to 256 attachments).
 */
export const CLIENT_WIRE_LIMITS: WireLimits = {
  maxAttachments: MAX_ATTACHMENTS,
  maxAttachmentBytes: Number.MAX_SAFE_INTEGER,
  maxDepth: MAX_PACKET_DEPTH,
  maxItems: Number.MAX_SAFE_INTEGER,
};

export class Decoder extends Emitter<Record<string, never>, Record<string, never>, { decoded: (p: Packet) => void }> {
  /** A packet waiting for its attachment frames. */
  #waiting: { packet: Packet; attachments: Uint8Array[]; bytes: number } | null = null;
  readonly #limits: WireLimits;

  constructor(limits: WireLimits = CLIENT_WIRE_LIMITS) {
    super();
    this.#limits = limits;
  }

  add(chunk: unknown): void {
    if (typeof chunk === 'string') throw new Error('invalid frame: text where MessagePack was expected');
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBuffer);
    if (this.#waiting) {
      const w = this.#waiting;
      w.bytes += bytes.byteLength;
      if (w.bytes > this.#limits.maxAttachmentBytes) {
        this.#waiting = null;
        throw new Error(`attachments over ${this.#limits.maxAttachmentBytes} bytes`);
      }
      w.attachments.push(bytes);
      if (w.attachments.length < w.packet.attachments!) return;
      this.#waiting = null;
      w.packet.data = resolveAttachments(w.packet.data, w.attachments);
      delete w.packet.attachments;
      this.emitReserved('decoded', w.packet);
      return;
    }
    checkMsgpackBounds(bytes, this.#limits);
    const packet = checkPacket(decode(bytes, { extensionCodec: codec }), this.#limits.maxAttachments);
    if (packet.attachments) {
      this.#waiting = { packet, attachments: [], bytes: 0 };
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

/** The parser every Claimboard client passes to `io()` (`parser: wireParser`). */
export const wireParser = { Encoder, Decoder };

/**
 * The same parser with the decoding limits a server applies to what untrusted peers send
 * (Socket.IO builds one decoder per connection with `new parser.Decoder()`).
 */
export function wireParserWith(limits: WireLimits): { Encoder: typeof Encoder; Decoder: new () => Decoder } {
  return {
    Encoder,
    Decoder: class LimitedDecoder extends Decoder {
      constructor() {
        super(limits);
      }
    },
  };
}
