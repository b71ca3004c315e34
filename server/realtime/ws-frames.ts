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
import type { WebSocket } from 'ws';

/**
 * One complete server-to-client binary frame (RFC 6455 §5.2): FIN with opcode 2, no mask,
 * the payload length in 7 bits, or 126 + 16 bits, or 127 + 64 bits; then the payload.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x82;
  if (n < 126) frame[1] = n;
  else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  frame.set(payload, head);
  return frame;
}

/** What is read of a ws 8 WebSocket here: its sender's queue and state, and its TCP socket. */
interface WsInternals {
  readyState: number;
  _sender?: { _queue?: unknown[]; _state?: number };
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
  const sender = w._sender;
  const socket = w._socket;
  if (w.readyState !== 1 || !sender || !socket) return false;
  if (sender._state !== SENDER_IDLE || !Array.isArray(sender._queue) || sender._queue.length > 0) return false;
  if (socket.destroyed || !socket.writable) return false;
  socket.write(frame);
  return true;
}

/** What is read of an engine.io 6 server socket here. */
interface EngineInternals {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
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
  if (e.readyState !== 'open' || e.upgrading || !Array.isArray(e.writeBuffer) || e.writeBuffer.length > 0) return false;
  const t = e.transport;
  if (!t || t.name !== 'websocket' || !t.writable || !t.socket) return false;
  return writePrebuilt(t.socket, frame);
}
