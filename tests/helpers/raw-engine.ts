/**
 * A raw engine.io-over-websocket client for tests that forge Socket.IO frames: it sends any
 * bytes as one engine.io binary message (a websocket binary frame), decodes what the
 * server sends with the wire parser, and reports when the server closes the connection.
 * Also a raw TCP request, for upgrade requests no websocket client would send.
 */
import net from 'node:net';
import { WebSocket } from 'ws';
import { Decoder, Encoder, PacketType, type Packet } from '../../shared/protocol/wire.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';

export interface RawEngine {
  ws: WebSocket;
  /** Packets the server sent (decoded). */
  packets: Packet[];
  /** Resolves with the close code when the connection closes, whoever closes it. */
  closed: Promise<number>;
  isOpen(): boolean;
  send(bytes: Uint8Array): void;
  sendPacket(p: Packet): void;
  /** Sends CONNECT with the token and resolves once the server answered (true: accepted). */
  connect(token: string): Promise<boolean>;
  /** Emits an event with an ack id and resolves with the ack's payload. */
  emitAck(event: string, payload: unknown): Promise<unknown>;
  close(): void;
}

const encoder = new Encoder();

export async function rawEngine(base: string): Promise<RawEngine> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const packets: Packet[] = [];
  const waiters: Array<() => void> = [];
  const decoder = new Decoder();
  decoder.on('decoded', (p) => {
    packets.push(p);
    for (const w of waiters.splice(0)) w();
  });
  let open = false;
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => {
    open = false;
    resolve(code);
    for (const w of waiters.splice(0)) w();
  }));
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      const text = data.toString();
      if (text === '2') ws.send('3'); // engine.io ping → pong
      return;
    }
    try {
      decoder.add(new Uint8Array(data));
    } catch {
      // A test reading the server's frames never sends it something it cannot answer.
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      open = true;
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const until = (pred: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pred()) return resolve();
        if (!open) return reject(new Error(`connection closed while waiting for ${what}`));
        waiters.push(check);
      };
      check();
    });
  let nextId = 1;
  const sendPacket = (p: Packet) => {
    for (const f of encoder.encode(p)) ws.send(f);
  };
  return {
    ws,
    packets,
    closed,
    isOpen: () => open,
    send: (bytes) => ws.send(bytes),
    sendPacket,
    connect: async (token) => {
      sendPacket({ type: PacketType.CONNECT, nsp: '/', data: { token } });
      await until(() => packets.some((p) => p.type === PacketType.CONNECT || p.type === PacketType.CONNECT_ERROR), 'CONNECT answer');
      return packets.some((p) => p.type === PacketType.CONNECT);
    },
    emitAck: async (event, payload) => {
      const id = nextId++;
      sendPacket({ type: PacketType.EVENT, nsp: '/', data: [event, payload], id });
      await until(() => packets.some((p) => p.type === PacketType.ACK && p.id === id), `ack of ${event}`);
      return (packets.find((p) => p.type === PacketType.ACK && p.id === id)!.data as unknown[])[0];
    },
    close: () => ws.close(),
  };
}

/** A raw engine connected and joined to a board. */
export async function rawEngineJoined(base: string, token: string, boardId: string): Promise<RawEngine> {
  const e = await rawEngine(base);
  if (!(await e.connect(token))) throw new Error('CONNECT refused');
  const r = (await e.emitAck('board:join', { boardId, protocolVersion: PROTOCOL_VERSION })) as { ok: boolean };
  if (!r.ok) throw new Error(`join refused: ${JSON.stringify(r)}`);
  return e;
}

/**
 * Sends `request` (raw bytes: request line, headers, blank line) over a fresh TCP
 * connection and resolves with the first line of the answer ('' if the server closed
 * without one).
 */
export function rawHttp(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) sock.destroy();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    sock.write(request);
  });
}

/** An upgrade request for `target` with the headers a websocket client sends, plus `extra`. */
export function upgradeRequest(target: string, extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  return `GET ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}
