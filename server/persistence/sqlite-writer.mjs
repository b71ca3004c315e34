// The SQLite writer thread: owns the connection that makes every write (the update log and
// the directory), so the fsync of every commit (synchronous=FULL) and every wait for a lock
// happen off the main event loop [S9]. The main thread supervises it (sqlite-writer-thread.ts). Messages are
// handled strictly in order; the parent sends the next batch of appends only after the
// previous one committed, so batches grow with load (group commit).
// Plain JavaScript so it runs without a TypeScript loader in every environment.
// Every write transaction is BEGIN IMMEDIATE: a deferred one that reads first and writes
// later cannot wait for the main thread's connection (SQLite answers SQLITE_BUSY at once
// instead of using the busy timeout).
import { parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { directoryWrites } from './sqlite-directory-writes.mjs';
import { accountWrites } from './sqlite-account-writes.mjs';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('SQLite refused synchronous=FULL');

const maxSeq = db.prepare('SELECT MAX(seq) AS m FROM updates WHERE doc_key = ?');
// Each row keeps the CRC-32 of its bytes, so a load can tell intact rows from damaged ones.
const insertRow = db.prepare('INSERT INTO updates (doc_key, seq, data, crc) VALUES (?, ?, ?, ?)');
const insert = (docKey, seq, data) => insertRow.run(docKey, seq, data, zlib.crc32(data));
const deleteUpto = db.prepare('DELETE FROM updates WHERE doc_key = ? AND seq <= ?');
const getRow = db.prepare('SELECT data FROM updates WHERE doc_key = ? AND seq = ?');
const deleteRow = db.prepare('DELETE FROM updates WHERE doc_key = ? AND seq = ?');
const addClientOwner = db.prepare('INSERT OR IGNORE INTO doc_clients (doc_key, client_id, user_id) VALUES (?, ?, ?)');
const touchMember = db.prepare('UPDATE members SET last_seen_at = ? WHERE board_id = ? AND user_id = ?');
const quarantine = db.prepare('INSERT INTO quarantine (doc_key, seq, data, reason, at) VALUES (?, ?, ?, ?, ?)');

/** Highest seq per doc key, so appends need no read after the first. */
const lastSeq = new Map();
const seqOf = (docKey) => {
  let s = lastSeq.get(docKey);
  if (s === undefined) s = maxSeq.get(docKey).m ?? 0;
  return s;
};

const appendBatch = db.transaction((items, side) => {
  // Side writes first: a client's owner row commits no later than its first update.
  for (const w of side ?? []) {
    if (w.kind === 'owner') addClientOwner.run(w.docKey, w.clientId, w.userId);
    else if (w.kind === 'touch') touchMember.run(w.at, w.boardId, w.userId);
  }
  const seqs = [];
  const next = new Map();
  for (const it of items) {
    const seq = (next.get(it.docKey) ?? seqOf(it.docKey)) + 1;
    next.set(it.docKey, seq);
    insert(it.docKey, seq, it.data);
    seqs.push(seq);
  }
  return { seqs, next };
});

const compact = db.transaction((docKey, merged, uptoSeq) => {
  deleteUpto.run(docKey, uptoSeq);
  insert(docKey, uptoSeq, merged);
});

const moveToQuarantine = db.transaction((docKey, seq, reason) => {
  const row = getRow.get(docKey, seq);
  if (!row) return;
  quarantine.run(docKey, seq, row.data, reason, Date.now());
  deleteRow.run(docKey, seq);
});

const directory = { ...directoryWrites(db), ...accountWrites(db) };

parentPort.on('message', (m) => {
  try {
    if (m.type === 'dir') {
      const fn = directory[m.op];
      if (!fn) throw new Error(`unknown directory write ${m.op}`);
      const value = fn(...m.args);
      if (m.op === 'deleteBoard') {
        // The cached last seq of the board's docs goes with their rows.
        const key = `board/${m.args[0]}`;
        for (const k of [...lastSeq.keys()]) if (k === key || k.startsWith(`${key}/`)) lastSeq.delete(k);
      }
      parentPort.postMessage({ id: m.id, ok: true, value });
    } else if (m.type === 'append') {
      const { seqs, next } = appendBatch.immediate(m.items, m.side);
      for (const [k, v] of next) lastSeq.set(k, v);
      parentPort.postMessage({ id: m.id, ok: true, seqs });
    } else if (m.type === 'compact') {
      compact.immediate(m.docKey, m.merged, m.uptoSeq);
      if ((lastSeq.get(m.docKey) ?? 0) < m.uptoSeq) lastSeq.set(m.docKey, m.uptoSeq);
      parentPort.postMessage({ id: m.id, ok: true });
    } else if (m.type === 'quarantine') {
      moveToQuarantine.immediate(m.docKey, m.seq, m.reason);
      parentPort.postMessage({ id: m.id, ok: true });
    } else if (m.type === 'close') {
      db.close();
      parentPort.postMessage({ id: m.id, ok: true });
      parentPort.close();
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(err?.message ?? err) });
  }
});
