/**
 * Cluster must-shows 3 and 4 [K5, K6]: a process that dies between its commit and its
 * publish; Redis paused (SIGSTOP) for 10 s, then killed and restarted empty. Real server
 * processes on a database and a redis-server of the test's own.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardDocKey, reviewerDocKey } from '../../shared/protocol/doc-keys.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { pgReachable } from '../helpers/pg.js';
import { addMember, createBoard, createUser, socketClient, waitFor, wsProvider } from '../helpers/server.js';

const reachable = await pgReachable();
let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

describe.skipIf(!reachable)('cluster faults', () => { // skipped only because PostgreSQL is unreachable outside CI (pgReachable says so; with CI set it fails instead)
  it('[K5] a process that dies after its commit and before publishing: the others have the update within 1.5 s', async () => {
    cluster = await startTestCluster(1);
    const p1 = cluster.servers[0]!;
    const owner = await createUser(p1.url, 'Owner');
    const board = await createBoard(p1.url, owner);
    const bKey = boardDocKey(board.id);
    // A second process that will die the moment it is about to publish a commit of this board.
    const p0 = await cluster.addServer({ CLAIMBOARD_TEST_CRASH_BEFORE_PUBLISH: bKey });
    const reader = wsProvider(p1.url, owner.token, bKey);
    const writer = wsProvider(p0.url, owner.token, bKey);
    await waitFor(() => reader.provider.synced && writer.provider.synced, 'both synced', 10_000);
    const exited = new Promise<void>((r) => p0.proc.once('exit', () => r()));
    const t0 = Date.now();
    writer.doc.getMap('claims').set('from-the-dying-process', new Y.Map());
    await exited;
    const died = Date.now() - t0;
    await waitFor(() => reader.doc.getMap('claims').has('from-the-dying-process'), 'the committed update on the other process', 5_000);
    const ms = Date.now() - t0;
    console.log(`[K5] process died ${died} ms after the write; the other process had it after ${ms} ms`);
    expect(p0.proc.signalCode).toBe('SIGKILL');
    expect(ms).toBeLessThan(1_500);
    reader.close();
    writer.close();
  }, 90_000);

  it('[K6] Redis paused 10 s, then killed and restarted empty: edits acknowledged throughout, seen elsewhere within 1.5 s, no crash', async () => {
    cluster = await startTestCluster(2);
    const [p0, p1] = cluster.servers as [typeof cluster.servers[0], typeof cluster.servers[0]];
    const owner = await createUser(p0!.url, 'Owner');
    const writerUser = await createUser(p0!.url, 'Writer');
    const board = await createBoard(p0!.url, owner);
    await addMember(p0!.url, owner, board.id, writerUser, 'reviewer');
    const wKey = reviewerDocKey(board.id, writerUser.id);
    const writer = socketClient(p0!.url, writerUser.token, board.id, [wKey]);
    const reader = wsProvider(p1!.url, owner.token, wKey);
    await waitFor(() => writer.conn.saved && reader.provider.synced, 'initial sync', 10_000);
    const rssBefore = [rssMb(p0!.proc.pid!), rssMb(p1!.proc.pid!)];
    const sent = new Map<number, number>();
    const seenAfter: Record<string, number[]> = { paused: [], restarted: [] };
    let phase: 'paused' | 'restarted' = 'paused';
    const votes = reader.doc.getMap('votes');
    votes.observe((ev) => {
      for (const k of ev.keysChanged) {
        const n = Number(k.slice(1));
        const t = sent.get(n);
        if (t !== undefined) seenAfter[phase]!.push(Date.now() - t);
      }
    });
    let n = 0;
    let acked = 0;
    const write = async () => {
      const i = n++;
      sent.set(i, Date.now());
      writer.docs.get(wKey)!.getMap('votes').set(`c${i}`, { rating: 3, confidence: 'low', at: i });
      await writer.conn.whenSaved();
      acked++;
    };
    const writeFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await write();
        await new Promise((r) => setTimeout(r, 50)); // 20 writes a second: the load, not a wait for a result
      }
    };
    cluster.redis.pause();
    await writeFor(10_000);
    const pausedWrites = n;
    cluster.redis.resume();
    phase = 'restarted';
    await cluster.redis.restart(); // killed and started again, empty
    await writeFor(3_000);
    const lastSent = Date.now();
    await waitFor(() => votes.size === n, 'every write on the other process', 10_000);
    const converged = Date.now() - lastSent;
    const rssAfter = [rssMb(p0!.proc.pid!), rssMb(p1!.proc.pid!)];
    console.log(
      `[K6] ${pausedWrites} writes while Redis was paused, ${n - pausedWrites} after its restart; all ${acked} acknowledged; ` +
        `seen on the other process p99 ${p99(seenAfter.paused!)} ms (paused), ${p99(seenAfter.restarted!)} ms (after restart); ` +
        `converged ${converged} ms after the last write; RSS MB before ${rssBefore.map((x) => x.toFixed(0))} after ${rssAfter.map((x) => x.toFixed(0))}`,
    );
    expect(acked).toBe(n);
    expect(p99(seenAfter.paused!)).toBeLessThan(1_500);
    expect(converged).toBeLessThan(2_000);
    expect(p0!.proc.exitCode ?? p0!.proc.signalCode).toBeNull();
    expect(p1!.proc.exitCode ?? p1!.proc.signalCode).toBeNull();
    for (let i = 0; i < 2; i++) expect(rssAfter[i]! - rssBefore[i]!).toBeLessThan(50);
    writer.close();
    reader.close();
  }, 120_000);
});
