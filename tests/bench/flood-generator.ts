/**
 * Flood generator for flood.bench.ts, in its own process: one Socket.IO connection sending
 * FRAMES_PER_SEC frames for SECONDS (reconnecting when the server drops it), plus ATTEMPTS
 * connection attempts. KIND picks the frames (tests/bench/flood-frames.ts):
 * - `frames` (default): one-byte awareness frames, against the frame rate limit;
 * - `awareness`: awareness updates of 12 KB over 8 client ids (twice the cap) [W5][W6];
 * - `sync-open`: `sync:open`s naming 256 docs each [T14];
 * - `pinning`: unauthenticated connections announcing attachments that never complete,
 *   reopened as the server closes them [T15].
 * Bounded in count and time; loopback only. Prints a JSON summary on stdout.
 */
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { wireParser } from '../../shared/protocol/wire.js';
import { awarenessFlood, pinningAttachments, syncOpenFlood } from './flood-frames.js';

const [url, token, boardId, framesPerSec, seconds, attempts, kind = 'frames'] = process.argv.slice(2);
if (!url || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error('loopback URLs only');
const rate = Number(framesPerSec);
const endAt = Date.now() + Number(seconds) * 1000;
let sent = 0;
let limited = 0;
let drops = 0;
const codes: Record<string, number> = {};
const awareness = awarenessFlood({ frames: Number.MAX_SAFE_INTEGER, firstClientId: 1_000_000, stateBytes: 12_000, clientIds: 8 });
let openSeed = 0;

/** One frame of the chosen kind on an authenticated, joined connection. */
function emitOne(s: ReturnType<typeof io>): void {
  const count = (r: { ok: boolean; error?: { code: string } }) => {
    if (r.ok) return;
    limited++;
    const c = r.error?.code ?? '?';
    codes[c] = (codes[c] ?? 0) + 1;
  };
  if (kind === 'awareness') s.emit('awareness:update', { boardId: boardId!, update: awareness.next().value as Uint8Array }, count);
  else if (kind === 'sync-open') s.emit('sync:open', syncOpenFlood({ boardId: boardId!, docs: 256, distinct: true, seed: openSeed++ }), count);
  else s.emit('awareness:update', { boardId: boardId!, update: new Uint8Array([0]) }, count);
}

/** Unauthenticated engine.io connections pinning attachment frames, reopened when closed. */
async function pinOnce(): Promise<void> {
  const ws = new WebSocket(`${url!.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  ws.on('error', () => undefined);
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('unexpected-response', () => rej(new Error('refused')));
  });
  const closed = new Promise<void>((res) => ws.once('close', () => res()));
  for (const f of pinningAttachments({ attachments: 64, frames: 8, frameBytes: 1024 * 1024 })) {
    if (ws.readyState !== WebSocket.OPEN) break;
    sent++;
    ws.send(f);
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, Math.max(0, endAt - Date.now())))]);
  if (ws.readyState === WebSocket.OPEN) ws.terminate();
  else drops++;
}

async function floodOnce(): Promise<void> {
  const s = io(url!, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  await new Promise<void>((res) => s.emit('board:join', { boardId: boardId!, protocolVersion: PROTOCOL_VERSION }, () => res()));
  let open = true;
  s.once('disconnect', () => {
    open = false;
    drops++;
  });
  while (open && Date.now() < endAt) {
    const tickStart = Date.now();
    for (let i = 0; i < rate / 100 && open; i++) {
      sent++;
      emitOne(s);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 10 - (Date.now() - tickStart))));
  }
  s.close();
}

const attemptsDone = (async () => {
  const outcomes = await Promise.all(
    Array.from({ length: Number(attempts) }, () => new Promise<string>((res) => {
      const c = io(url!, { parser: wireParser, auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
      c.once('connect', () => { c.close(); res('ok'); });
      c.once('connect_error', (e) => { c.close(); res(e.message); });
    })),
  );
  return { accepted: outcomes.filter((o) => o === 'ok').length, refused: outcomes.filter((o) => o !== 'ok').length };
})();

while (Date.now() < endAt) {
  try {
    if (kind === 'pinning') await Promise.all([0, 1, 2].map(() => pinOnce()));
    else await floodOnce();
  } catch {
    await new Promise((r) => setTimeout(r, 200)); // refused (rate limited): try again shortly
  }
}
const conn = await attemptsDone;
process.stdout.write(JSON.stringify({ kind, sent, limited, codes, drops, attempts: conn }) + '\n');
process.exit(0);
