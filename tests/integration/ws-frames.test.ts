/**
 * Prebuilt websocket frames (server/realtime/ws-frames.ts) against a real `ws` client over
 * loopback: every payload length class of RFC 6455 arrives byte for byte, and frames
 * written underneath ws interleave in order with ws's own sends, including while ws is
 * busy (then `writePrebuilt` declines and the caller's fallback keeps the order).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { binaryFrame, fastPathStats, writePrebuilt, writePrebuiltEngine } from '../../server/realtime/ws-frames.js';

let wss: WebSocketServer | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  wss = null;
});

/** A server whose first connection is handed to `onServerSide`; returns what the client receives (`count` messages). */
async function exchange(count: number, onServerSide: (ws: WebSocket) => void): Promise<Buffer[]> {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss!.once('listening', () => r()));
  wss.once('connection', onServerSide);
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const got: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    client.on('message', (data, isBinary) => {
      expect(isBinary).toBe(true);
      got.push(data as Buffer);
      if (got.length === count) resolve();
    });
    client.on('error', reject);
  });
  client.close();
  return got;
}

const payload = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('prebuilt websocket frames', () => {
  it('every length class (7-bit, 16-bit, 64-bit) arrives byte for byte', async () => {
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000];
    const got = await exchange(sizes.length, (ws) => {
      for (const [i, n] of sizes.entries()) expect(writePrebuilt(ws, binaryFrame(payload(n, i)))).toBe(true);
    });
    expect(got.map((b) => b.length)).toEqual(sizes);
    got.forEach((b, i) => expect(b.equals(payload(sizes[i]!, i))).toBe(true));
  });

  it('interleaves in order with ws.send, falling back while ws has its own frames queued', async () => {
    const n = 40;
    let declined = 0;
    const got = await exchange(n, (ws) => {
      for (let i = 0; i < n; i++) {
        const p = payload(10 + i, i);
        if (i % 3 === 0) {
          // ws queues every later frame of its own while it reads a Blob.
          ws.send(i % 2 === 0 ? new Blob([p]) : p);
        } else if (!writePrebuilt(ws, binaryFrame(p))) {
          declined++;
          ws.send(p);
        }
      }
    });
    got.forEach((b, i) => expect(b.equals(payload(10 + i, i)), `message ${i}`).toBe(true));
    // The Blob sends kept ws's queue busy for a while: some prebuilt writes had to wait their turn.
    expect(declined).toBeGreaterThan(0);
  });

  it('[T5] internals it does not recognise are counted apart and declined, never guessed at', () => {
    const before = { ...fastPathStats };
    const frame = binaryFrame(payload(3, 0));
    expect(writePrebuilt({ readyState: 1 } as unknown as WebSocket, frame)).toBe(false);
    expect(writePrebuilt({ readyState: 1, _sender: { queue: [] }, _socket: {} } as unknown as WebSocket, frame)).toBe(false);
    expect(writePrebuiltEngine({ readyState: 'open', upgrading: false }, frame)).toBe(false);
    expect(fastPathStats.unrecognised - before.unrecognised).toBe(3);
    expect(fastPathStats.taken).toBe(before.taken);
  });

  it('frames are what ws itself would send (Sender.frame), header and payload', () => {
    for (const n of [0, 125, 126, 65535, 65536]) {
      const f = binaryFrame(payload(n, 1));
      const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
      expect(f[0]).toBe(0x82);
      expect(f[1]).toBe(n < 126 ? n : n < 65536 ? 126 : 127);
      expect(f.length).toBe(head + n);
      expect(f.subarray(head).equals(payload(n, 1))).toBe(true);
    }
  });

  it('declines a socket that is closing', async () => {
    await exchange(1, (ws) => {
      ws.send(payload(3, 0));
      ws.close();
      expect(writePrebuilt(ws, binaryFrame(payload(3, 1)))).toBe(false);
    });
  });
});
