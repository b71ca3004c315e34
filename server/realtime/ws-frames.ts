/**
 * Websocket frames built once and written to many connections [T5]. A fan-out sends the
 * same bytes to every member of a group; framing them once and writing the finished frame
 * to each connection's TCP socket skips, per recipient, the framing and the queues of the
 * layers above (Socket.IO's adapter, engine.io's packet buffer, ws's sender), which the
 * profiles showed costing as much as the write itself.
 *
 * Writing underneath those layers keeps the order of frames only while they hold nothing
 * of their own: `writePrebuilt` checks that and otherwise says no, and the caller sends
 * the usual way, behind whatever is queued.
 */
import type { Socket as NetSocket } from 'node:net';
import * as wsLib from 'ws';
import type { WebSocket } from 'ws';

/**
 * ws's own framing (`Sender.frame`, a public static of ws 8, not in @types/ws): the header
 * for `data` and the data, unmasked as a server sends.
 */
interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
}
const Sender = (wsLib as unknown as { Sender?: SenderStatic }).Sender;
if (typeof Sender?.frame !== 'function') throw new Error('ws.Sender.frame is missing: ws-frames.ts needs ws 8 (see package.json)');

/** One complete server-to-client binary frame (RFC 6455 §5.2: FIN, opcode 2, no mask), framed by ws. */
export function binaryFrame(payload: Uint8Array): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const parts = Sender!.frame(data, { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * How often the fast path was taken, declined (something queued, or the socket closing:
 * the caller sends the usual way) or found internals it does not recognise (a ws or
 * engine.io whose private fields changed: never expected with the pinned versions, and the
 * regression guard fails on it).
 */
export const fastPathStats = { taken: 0, declined: 0, unrecognised: 0, /** of `taken`, Socket.IO's */ takenEngine: 0 };

/** What is read of a ws 8 WebSocket here: its sender's queue and state, and its TCP socket. */
interface WsInternals {
  readyState: number;
  _sender?: { _queue?: unknown; _state?: unknown };
  _socket?: NetSocket;
}

/** ws's Sender state when it is not compressing or waiting on a blob (ws 8.17+). */
const SENDER_IDLE = 0;

/**
 * Writes `frame` (from `binaryFrame`) straight to `ws`'s TCP socket when ws has nothing in
 * flight of its own, so the frame lands after everything sent before it. False when it
 * cannot tell that (then nothing was written).
 */
export function writePrebuilt(ws: WebSocket, frame: Buffer): boolean {
  const w = ws as unknown as WsInternals;
  if (w.readyState !== 1) return declined();
  const sender = w._sender;
  const socket = w._socket;
  if (!sender || !socket || typeof sender._state !== 'number' || !Array.isArray(sender._queue)) return unrecognised();
  if (sender._state !== SENDER_IDLE || sender._queue.length > 0) return declined();
  if (socket.destroyed || !socket.writable) return declined();
  socket.write(frame);
  fastPathStats.taken++;
  return true;
}

const declined = (): false => {
  fastPathStats.declined++;
  return false;
};
const unrecognised = (): false => {
  fastPathStats.unrecognised++;
  return false;
};

/** What is read of an engine.io 6 server socket here. */
interface EngineInternals {
  readyState: string;
  upgrading: unknown;
  writeBuffer: unknown;
  transport?: { name: string; writable: boolean; socket?: WebSocket };
}

/**
 * `writePrebuilt` for a Socket.IO connection: only over the websocket transport and only
 * while engine.io has no packet buffered or being written. The frame's payload must be one
 * whole Socket.IO packet as the connection's parser encodes it (engine.io sends a binary
 * message over websocket as the bare bytes).
 */
export function writePrebuiltEngine(conn: unknown, frame: Buffer): boolean {
  const e = conn as EngineInternals;
  if (typeof e.upgrading !== 'boolean' || !Array.isArray(e.writeBuffer)) return unrecognised();
  if (e.readyState !== 'open' || e.upgrading || e.writeBuffer.length > 0) return declined();
  const t = e.transport;
  if (!t || t.name !== 'websocket') return declined();
  if (!t.socket) return unrecognised();
  if (!t.writable) return declined();
  if (!writePrebuilt(t.socket, frame)) return false;
  fastPathStats.takenEngine++;
  return true;
}
