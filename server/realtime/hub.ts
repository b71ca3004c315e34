/**
 * The transport-independent half of real-time sync [T1–T8]. Socket.IO and y-websocket
 * connections are both `Conn`s; the hub subscribes them to documents, answers sync
 * messages against the DocRegistry with the authority check of every frame, fans
 * committed updates out to subscribers (never back to the sender) and keeps presence.
 */
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { decodeSync, encodeSync, SyncType } from '../../shared/protocol/sync-codec.js';
import { AppError, ErrorCode, fail, ok, type Ack } from '../../shared/protocol/errors.js';

/** An expected failure thrown below (the store unavailable [K7]) as the Ack a client gets. */
const refusal = (err: unknown): Ack<never> => {
  if (err instanceof AppError) return fail(err.code, err.message);
  throw err;
};
import { parseDocKey } from '../../shared/protocol/doc-keys.js';
import type { Role } from '../../shared/protocol/roles.js';
import type { BoardDocsPush, BoardStatePush, SyncOpenResult } from '../../shared/protocol/events.js';
import type { Auth, RoleChange } from '../auth/index.js';
import type { DocRegistry } from '../docs/registry.js';
import { BoardPresence, type LocalPresenceListener } from './presence.js';

/** What the cluster's presence relay hears from the hub [W8]. */
export interface PresenceRelayHooks {
  local: LocalPresenceListener;
  opened(boardId: string): void;
  closed(boardId: string): void;
}
import { ConnLimits } from './conn-limits.js';
import { FanOut, type UpdateChannel } from './fanout.js';
import { KeyedBuckets } from '../limits.js';
import type { RealtimeLimits } from '../config.js';

export type { OutboundUpdate, UpdateChannel } from './fanout.js';

export interface Conn {
  readonly id: string;
  readonly userId: string;
  /** The user's name, stamped into their presence [W7]. */
  readonly userName: string;
  /** When the token the connection authenticated with expires (epoch ms); absent: never [T13]. */
  readonly tokenExpiresAt?: number;
  /** The credential it authenticated with; ending that credential closes it [AC6]. */
  readonly credentialId: string;
  readonly transport: 'socket.io' | 'y-websocket';
  readonly channel: UpdateChannel;
  /** Sends one y-protocols sync message for a doc. */
  sendSync(docKey: string, message: Uint8Array): void;
  sendAwareness(boardId: string, update: Uint8Array): void;
  /** The user's role on a board changed; null means they were removed. */
  accessChanged(boardId: string, role: Role | null): void;
  /** The board's document list changed [T8b]: a membership change, or docs that got content. */
  docsChanged(push: BoardDocsPush): void;
  /** The board was archived, unarchived or renamed [B1, B4]. */
  boardStateChanged(push: BoardStatePush): void;
  /** Ends the connection (the user was signed out everywhere, or the token expired). */
  close(code: ErrorCode, reason: string): void;
}

interface ConnState {
  conn: Conn;
  docs: Set<string>;
  boards: Set<string>;
  /** Frames of one connection are dispatched in arrival order. */
  order: Promise<unknown>;
  limits: ConnLimits;
}

/** How often connections whose token expired are looked for and closed [T13]. */
const EXPIRY_SWEEP_MS = 1000;

/** No caps: a Hub built without limits (unit use). */
const UNLIMITED: RealtimeLimits = {
  connectTimeoutMs: Infinity,
  maxPreauthBytes: Infinity,
  maxAwarenessClientsPerConn: Infinity,
  awarenessBytesPerSec: Infinity,
  awarenessBytesBurst: Infinity,
  maxDocsPerConnection: Infinity,
  docOpensPerSec: Infinity,
  docOpensBurst: Infinity,
  updateBytesPerSec: Infinity,
  updateBytesBurst: Infinity,
};

export class Hub {
  readonly #subs = new Map<string, Set<Conn>>();
  readonly #conns = new Map<string, ConnState>();
  readonly #presence = new Map<string, BoardPresence>();
  /** Cluster mode's presence relay (server/cluster/presence-relay.ts), when there is one [W8]. */
  #relay: PresenceRelayHooks | null = null;
  readonly #fanout: FanOut;
  /** Reviewer docs newly listed, per board, announced together at the end of the turn [T8b]. */
  #added = new Map<string, Array<{ docKey: string; userId: string }>>();
  readonly #expirySweep: NodeJS.Timeout;
  /** Update bytes per user, over all their connections on both transports [T16]. */
  readonly #writeBudget: KeyedBuckets;

  constructor(
    private readonly registry: DocRegistry,
    private readonly auth: Auth,
    private readonly logger: Logger,
    private readonly maxAwarenessBytes: number,
    /** See Config.fanoutIntervalMs. */
    private readonly fanoutIntervalMs = 0,
    private readonly limits: RealtimeLimits | null = null,
    private readonly now: () => number = Date.now,
  ) {
    const l = limits ?? UNLIMITED;
    this.#writeBudget = new KeyedBuckets(l.updateBytesPerSec, l.updateBytesBurst, now);
    this.#expirySweep = setInterval(() => this.closeExpired(), EXPIRY_SWEEP_MS);
    this.#expirySweep.unref();
    this.#fanout = new FanOut((docKey) => this.#subs.get(docKey), logger, fanoutIntervalMs);
    registry.onCommitted((u) => {
      this.#noteContent(u.docKey);
      this.#fanout.add(u);
    });
    auth.members.onRoleChange((c) => this.#roleChanged(c));
    auth.boards.onChange((c) => {
      for (const st of this.#connsOn(c.boardId)) st.conn.boardStateChanged(c);
    });
    auth.authn.onUserRevoked((userId) => this.#closeWhere((c) => c.userId === userId));
    // A session ended or a token revoked: the connections it opened close at once [AC6].
    auth.authn.onCredentialRevoked((ids) => {
      const ended = new Set(ids);
      this.#closeWhere((c) => ended.has(c.credentialId));
    });
  }

  #closeWhere(match: (c: Conn) => boolean): void {
    for (const st of [...this.#conns.values()]) {
      if (!match(st.conn)) continue;
      this.remove(st.conn);
      st.conn.close(ErrorCode.Unauthorized, 'signed out');
    }
  }

  add(conn: Conn): void {
    const limits = new ConnLimits(this.limits ?? UNLIMITED, this.now);
    this.#conns.set(conn.id, { conn, docs: new Set(), boards: new Set(), order: Promise.resolve(), limits });
  }

  /**
   * Closes every connection whose token has expired [T13], as a revocation does. Runs every
   * EXPIRY_SWEEP_MS against the injected clock, so a connection outlives its token by at
   * most that.
   */
  closeExpired(): void {
    const t = this.now();
    for (const st of [...this.#conns.values()]) {
      const exp = st.conn.tokenExpiresAt;
      if (exp === undefined || exp > t) continue;
      this.remove(st.conn);
      st.conn.close(ErrorCode.TokenExpired, 'token expired');
    }
  }

  /** Stops the hub's timers (the app is closing). */
  close(): void {
    clearInterval(this.#expirySweep);
  }

  /** Forgets a connection: its subscriptions, holds on documents and presence. */
  remove(conn: Conn): void {
    const st = this.#conns.get(conn.id);
    if (!st) return;
    this.#conns.delete(conn.id);
    for (const d of st.docs) this.#unsubscribe(conn, d);
    for (const b of st.boards) {
      this.#leavePresence(conn, b);
      this.auth.members.left(b, conn.userId);
    }
  }

  joined(conn: Conn, boardId: string): boolean {
    return this.#conns.get(conn.id)?.boards.has(boardId) ?? false;
  }

  /** Adds the connection to a board's presence (after the caller checked membership). */
  joinBoard(conn: Conn, boardId: string): void {
    const st = this.#conns.get(conn.id);
    if (!st || st.boards.has(boardId)) return;
    st.boards.add(boardId);
    this.auth.members.arrived(boardId, conn.userId);
    let p = this.#presence.get(boardId);
    if (!p) {
      this.#presence.set(boardId, (p = new BoardPresence(boardId, this.maxAwarenessBytes, this.limits?.maxAwarenessClientsPerConn, this.#relay?.local ?? null)));
      this.#relay?.opened(boardId);
    }
    p.join(conn);
  }

  leaveBoard(conn: Conn, boardId: string): void {
    const st = this.#conns.get(conn.id);
    if (!st) return;
    for (const d of [...st.docs]) if (parseDocKey(d)?.boardId === boardId) this.#unsubscribe(conn, d);
    if (!st.boards.delete(boardId)) return;
    this.#leavePresence(conn, boardId);
    this.auth.members.left(boardId, conn.userId);
  }

  applyAwareness(conn: Conn, boardId: string, update: Uint8Array): Ack<null> {
    if (update.length > this.maxAwarenessBytes) {
      return fail(ErrorCode.PayloadTooLarge, `awareness update over ${this.maxAwarenessBytes} bytes`);
    }
    const st = this.#conns.get(conn.id);
    const p = this.#presence.get(boardId);
    if (!st || !p || !st.boards.has(boardId)) return fail(ErrorCode.NotJoined, 'join the board first');
    return p.apply(conn, update, (bytes) => st.limits.awareness(bytes));
  }

  /** [W8] Presence of the boards open here follows the other processes through `relay`. */
  relayPresence(relay: PresenceRelayHooks): void {
    this.#relay = relay;
  }

  /** The board's presence here, if any connection of this process is on it. */
  boardPresence(boardId: string): BoardPresence | undefined {
    return this.#presence.get(boardId);
  }

  /** Every board's presence here (a process that stopped answering leaves them all). */
  boardPresences(): Iterable<BoardPresence> {
    return this.#presence.values();
  }

  awarenessSnapshot(boardId: string): Uint8Array | null {
    return this.#presence.get(boardId)?.snapshot() ?? null;
  }

  /**
   * Handles one sync message from a connection. Step 1 subscribes the connection to the
   * doc and answers with step 2 (`reply`); the server's own step 1 is sent as a message so
   * the client can push what the server lacks. Step 2 and updates are writes: authority is
   * checked, then the registry validates, commits and broadcasts. Resolves after commit.
   */
  handleSync(conn: Conn, docKey: string, bytes: Uint8Array): Promise<Ack<{ reply?: Uint8Array }>> {
    const st = this.#conns.get(conn.id);
    if (!st) return Promise.resolve(fail(ErrorCode.NotJoined, 'connection closed'));
    // Checks run in arrival order per connection; only the commit is waited for outside it.
    const dispatched = st.order.then(() => this.#dispatchSync(st, docKey, bytes));
    st.order = dispatched.catch(() => undefined);
    return dispatched.then((d) => d());
  }

  async #dispatchSync(
    st: ConnState,
    docKey: string,
    bytes: Uint8Array,
  ): Promise<() => Promise<Ack<{ reply?: Uint8Array }>>> {
    const { conn } = st;
    const done = (a: Ack<{ reply?: Uint8Array }>) => () => Promise.resolve(a);
    let msg;
    try {
      msg = decodeSync(bytes);
    } catch (err) {
      return done(fail(ErrorCode.BadRequest, `malformed sync message: ${(err as Error).message}`));
    }
    const parsed = parseDocKey(docKey);
    if (!parsed) return done(fail(ErrorCode.NotFound, 'no such document'));
    if (!this.joined(conn, parsed.boardId)) return done(fail(ErrorCode.NotJoined, 'join the board first'));
    if (msg.type === SyncType.Step1) {
      const refused = st.limits.open(1, st.docs.size, st.docs.has(docKey) ? 0 : 1);
      if (refused) return done(refused);
      const opened = await this.#openOne(st, docKey, msg.payload);
      if (!opened.ok) return done({ ok: false, error: opened.error });
      conn.sendSync(docKey, encodeSync(SyncType.Step1, opened.stateVector));
      return done(ok({ reply: encodeSync(SyncType.Step2, opened.update) }));
    }
    // A write. Updates that change nothing (an empty step 2, or a stock client's delete
    // set that the doc already has) are fine from anyone who reads.
    const allowed = await this.auth.docs.check(docKey, conn.userId, 'write');
    if (!allowed.ok) {
      if (allowed.reason === 'not_found') return done(fail(ErrorCode.NotFound, 'no such document'));
      const readable = await this.auth.docs.check(docKey, conn.userId, 'read');
      if (readable.ok && (await this.registry.wouldChangeNothing(docKey, msg.payload))) return done(ok({}));
      if (allowed.reason === 'archived') return done(fail(ErrorCode.Archived, `the board of ${docKey} is archived`));
      return done(fail(ErrorCode.ReadOnly, `you may not write ${docKey}`));
    }
    // An update over the size cap is refused by the registry (V4) and costs no budget.
    if (msg.payload.length <= this.registry.maxUpdateBytes && !this.#writeBudget.take(conn.userId, msg.payload.length)) {
      return done(fail(ErrorCode.RateLimited, `more than ${this.limits?.updateBytesPerSec} bytes of updates per second: send it again shortly`));
    }
    const pending = this.registry.applyUpdate(docKey, msg.payload, {
      kind: 'client',
      connId: conn.id,
      userId: conn.userId,
    });
    return () => pending.then((r) => (r.ok ? ok({}) : r), refusal);
  }

  /**
   * Opens many docs at once [T3b]: each entry is handled as a step 1 (read check,
   * subscription, step 2 from the client's state vector) and also returns the server's
   * state vector, so one round trip replaces two messages per doc. In arrival order with
   * the connection's other sync messages.
   */
  openDocs(conn: Conn, entries: Array<{ docKey: string; stateVector: Uint8Array }>): Promise<Ack<{ docs: SyncOpenResult[] }>> {
    const st = this.#conns.get(conn.id);
    if (!st) return Promise.resolve(fail(ErrorCode.NotJoined, 'connection closed'));
    const keys = new Set(entries.map((e) => e.docKey));
    if (keys.size !== entries.length) return Promise.resolve(fail(ErrorCode.BadRequest, 'a doc is named twice'));
    const run = st.order.then(async (): Promise<Ack<{ docs: SyncOpenResult[] }>> => {
      let fresh = 0;
      for (const k of keys) if (!st.docs.has(k)) fresh++;
      const refused = st.limits.open(entries.length, st.docs.size, fresh);
      if (refused) return refused;
      const docs = await Promise.all(entries.map((e) => this.#openOne(st, e.docKey, e.stateVector)));
      return ok({ docs });
    });
    st.order = run.catch(() => undefined);
    return run;
  }

  /** A step 1 for one doc (a `sync:message` step 1 and every entry of a `sync:open`). */
  async #openOne(st: ConnState, docKey: string, stateVector: Uint8Array): Promise<SyncOpenResult> {
    const refuse = (code: ErrorCode, message: string): SyncOpenResult => ({ docKey, ok: false, error: { code, message } });
    const parsed = parseDocKey(docKey);
    if (!parsed) return refuse(ErrorCode.NotFound, 'no such document');
    if (!this.joined(st.conn, parsed.boardId)) return refuse(ErrorCode.NotJoined, 'join the board first');
    const allowed = await this.auth.docs.check(docKey, st.conn.userId, 'read');
    if (!allowed.ok) return refuse(ErrorCode.NotFound, 'no such document');
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      return refuse(ErrorCode.BadRequest, 'malformed state vector');
    }
    let doc: Y.Doc;
    try {
      doc = await this.#subscribe(st.conn, st, docKey);
    } catch (err) {
      if (err instanceof AppError) return refuse(err.code, err.message);
      throw err;
    }
    return { docKey, ok: true, update: this.#diff(docKey, doc, stateVector), stateVector: Y.encodeStateVector(doc) };
  }

  /**
   * What a client with this state vector lacks. A client with nothing (every fresh join)
   * gets the doc's whole state, which the registry keeps per version of the doc, so a
   * crowd joining a large board costs one encoding [T3].
   */
  #diff(docKey: string, doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
    const empty = stateVector.length === 1 && stateVector[0] === 0;
    return empty ? this.registry.wholeState(docKey, doc) : Y.encodeStateAsUpdate(doc, stateVector);
  }

  /**
   * Sends the connection the server's step 1 again, so a client whose update was refused
   * for a reason a fresh exchange cures (missing dependencies, a failed commit) answers
   * with everything the server lacks. Stock y-websocket clients have no other way back.
   */
  async requestResync(conn: Conn, docKey: string): Promise<void> {
    const sv = await this.registry.read(docKey, (d) => Y.encodeStateVector(d));
    conn.sendSync(docKey, encodeSync(SyncType.Step1, sv));
  }

  async #subscribe(conn: Conn, st: ConnState, docKey: string): Promise<Y.Doc> {
    const doc = await this.registry.acquire(docKey, conn.id);
    if (!this.#conns.has(conn.id)) {
      this.registry.release(docKey, conn.id);
      return doc;
    }
    st.docs.add(docKey);
    let set = this.#subs.get(docKey);
    if (!set) this.#subs.set(docKey, (set = new Set()));
    set.add(conn);
    return doc;
  }

  #unsubscribe(conn: Conn, docKey: string): void {
    const set = this.#subs.get(docKey);
    if (set?.delete(conn) && set.size === 0) {
      this.#subs.delete(docKey);
    }
    this.#conns.get(conn.id)?.docs.delete(docKey);
    this.registry.release(docKey, conn.id);
  }

  #leavePresence(conn: Conn, boardId: string): void {
    const p = this.#presence.get(boardId);
    if (!p) return;
    p.leave(conn.id);
    if (p.empty) {
      p.destroy();
      this.#presence.delete(boardId);
      this.#relay?.closed(boardId);
    }
  }

  #roleChanged(c: RoleChange): void {
    for (const st of this.#connsOn(c.boardId)) {
      if (st.conn.userId !== c.userId) continue;
      if (c.role === null) this.leaveBoard(st.conn, c.boardId);
      st.conn.accessChanged(c.boardId, c.role);
    }
    // Everyone else on the board learns the new list of documents (a new reviewer's doc).
    void this.auth.catalogue.docsOf(c.boardId).then((docs) => {
      for (const st of this.#connsOn(c.boardId)) st.conn.docsChanged({ boardId: c.boardId, docs });
    });
  }

  /** The connections joined to a board (a copy: callers may make them leave it). */
  #connsOn(boardId: string): ConnState[] {
    return [...this.#conns.values()].filter((st) => st.boards.has(boardId));
  }

  /**
   * A committed update to a reviewer doc that its board does not list yet [D3] puts it on
   * the list; the board's connections learn it in one `added` push per turn. Every later
   * update of the doc costs one string test and one set lookup.
   */
  #noteContent(docKey: string): void {
    if (!docKey.includes('/reviewer/')) return;
    const p = parseDocKey(docKey);
    if (p?.kind !== 'reviewer') return;
    const fresh = this.auth.catalogue.noteContent(p.boardId, p.userId);
    if (!fresh) return;
    fresh.then(
      (listed) => {
        if (!listed) return;
        const list = this.#added.get(p.boardId);
        if (list) {
          list.push({ docKey, userId: p.userId });
          return;
        }
        this.#added.set(p.boardId, [{ docKey, userId: p.userId }]);
        if (this.#added.size === 1) setImmediate(this.#announceAdded);
      },
      (err: unknown) => this.logger.warn({ err, docKey }, 'could not list a reviewer doc'),
    );
  }

  /** Its own user's connections already list a reviewer doc (their join result has it). */
  #announceAdded = (): void => {
    const added = this.#added;
    this.#added = new Map();
    for (const [boardId, docs] of added) {
      for (const st of this.#connsOn(boardId)) {
        const news = docs.filter((d) => d.userId !== st.conn.userId).map((d) => d.docKey);
        if (news.length) st.conn.docsChanged({ boardId, added: news });
      }
    }
  };

  /** Connections currently open (for tests and metrics). */
  get connectionCount(): number {
    return this.#conns.size;
  }
}
