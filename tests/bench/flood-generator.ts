/**
 * Flood generator for flood.bench.ts, in its own process: one Socket.IO connection sending
 * FRAMES_PER_SEC awareness frames for SECONDS (reconnecting when the server drops it), plus
 * ATTEMPTS connection attempts. Bounded in count and time; loopback only. Prints a JSON
 * summary on stdout.
 */
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { wireParser } from '../../shared/protocol/wire.js';

const [url, token, boardId, framesPerSec, seconds, attempts] = process.argv.slice(2);
if (!url || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error('loopback URLs only');
const rate = Number(framesPerSec);
const endAt = Date.now() + Number(seconds) * 1000;
let sent = 0;
let limited = 0;
let drops = 0;

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
      s.emit('awareness:update', { boardId: boardId!, update: new Uint8Array([0]) }, (r: { ok: boolean }) => {
        if (!r.ok) limited++;
      });
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
    await floodOnce();
  } catch {
    await new Promise((r) => setTimeout(r, 200)); // refused (rate limited): try again shortly
  }
}
const conn = await attemptsDone;
process.stdout.write(JSON.stringify({ sent, limited, drops, attempts: conn }) + '\n');
process.exit(0);
