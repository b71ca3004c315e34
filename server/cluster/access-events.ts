/**
 * Access changes between processes [K10]: a role change or removal, a board archived,
 * deleted or its countFormerMembers setting changed [M4], a user signed out everywhere or
 * some credentials ended, made through one process, are written to `access_events` in
 * PostgreSQL, and every other process polls that table (every 250 ms) and applies them to its
 * own caches and live connections: the same listeners as a local change (the hub closes or
 * downgrades connections at once). Through PostgreSQL, not Redis, so a removal holds within a
 * second while Redis is down too.
 * REST requests never depend on this: they read roles and credentials from the store.
 */
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Role } from '../../shared/protocol/roles.js';
import type { Auth } from '../auth/index.js';

type AccessEvent =
  | { kind: 'role'; boardId: string; userId: string; role: Role | null }
  | { kind: 'board'; boardId: string; archived: boolean; title?: string; countFormerMembers?: boolean }
  | { kind: 'deleted'; boardId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'credentials'; ids: string[] };

export class AccessEvents {
  readonly #pool: pg.Pool;
  readonly #auth: Auth;
  readonly #nodeId: string;
  readonly #logger: Logger;
  #last = -1;
  #applying = false;
  #polling = false;
  #timer: NodeJS.Timeout | null = null;
  readonly stats = { published: 0, applied: 0, pollErrors: 0 };

  readonly #dropBoard: (boardId: string) => Promise<void>;

  constructor(pool: pg.Pool, auth: Auth, nodeId: string, logger: Logger, dropBoard: (boardId: string) => Promise<void>) {
    this.#dropBoard = dropBoard;
    this.#pool = pool;
    this.#auth = auth;
    this.#nodeId = nodeId;
    this.#logger = logger;
    auth.members.onRoleChange((c) => this.#publish({ kind: 'role', boardId: c.boardId, userId: c.userId, role: c.role }));
    auth.boards.onDeleted((boardId) => this.#publish({ kind: 'deleted', boardId }));
    auth.boards.onChange((c) =>
      this.#publish({
        kind: 'board',
        boardId: c.boardId,
        archived: c.archived,
        ...(c.title !== undefined ? { title: c.title } : {}),
        ...(c.countFormerMembers !== undefined ? { countFormerMembers: c.countFormerMembers } : {}),
      }),
    );
    auth.authn.onUserRevoked((userId) => this.#publish({ kind: 'user', userId }));
    auth.authn.onCredentialRevoked((ids) => this.#publish({ kind: 'credentials', ids: [...ids] }));
  }

  start(pollMs = 250): void {
    this.#timer = setInterval(() => void this.poll(), pollMs);
    this.#timer.unref();
    void this.poll();
  }

  #publish(event: AccessEvent): void {
    if (this.#applying) return; // applying another process's event: it is published already
    this.stats.published++;
    this.#pool
      .query('INSERT INTO access_events (node, at, event) VALUES ($1, $2, $3)', [this.#nodeId, Date.now(), JSON.stringify(event)])
      .catch((err: Error) => this.#logger.error({ err: err.message, kind: event.kind }, 'an access change could not be shared with the other processes'));
  }

  /** Applies the events other processes wrote since the last poll; the first poll only finds where the table ends. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      if (this.#last < 0) {
        const { rows } = await this.#pool.query<{ m: string | null }>('SELECT max(seq) AS m FROM access_events');
        this.#last = Number(rows[0]?.m ?? 0);
        return;
      }
      const { rows } = await this.#pool.query<{ seq: string; node: string; event: AccessEvent }>(
        'SELECT seq, node, event FROM access_events WHERE seq > $1 ORDER BY seq LIMIT 1000',
        [this.#last],
      );
      for (const r of rows) {
        this.#last = Number(r.seq);
        if (r.node !== this.#nodeId) this.#apply(r.event);
      }
    } catch (err) {
      this.stats.pollErrors++;
      this.#logger.debug({ err: (err as Error).message }, 'access events poll failed');
    } finally {
      this.#polling = false;
    }
  }

  #apply(e: AccessEvent): void {
    this.#applying = true;
    try {
      this.stats.applied++;
      if (e.kind === 'role') this.#auth.members.changed(e.boardId, e.userId, e.role);
      else if (e.kind === 'board') {
        this.#auth.boards.changed({
          boardId: e.boardId,
          archived: e.archived,
          ...(e.title !== undefined ? { title: e.title } : {}),
          ...(typeof e.countFormerMembers === 'boolean' ? { countFormerMembers: e.countFormerMembers } : {}),
        });
      } else if (e.kind === 'deleted') {
        // Answers like an unknown board from now on; its docs leave memory without being written back.
        this.#auth.boards.deleted(e.boardId);
        void this.#dropBoard(e.boardId).catch((err: unknown) => this.#logger.error({ err, boardId: e.boardId }, 'dropping a board deleted elsewhere failed'));
      } else if (e.kind === 'user') this.#auth.authn.userRevokedElsewhere(e.userId);
      else this.#auth.authn.credentialsEnded(e.ids);
    } catch (err) {
      this.#logger.error({ err, kind: e.kind }, 'applying an access change from another process failed');
    } finally {
      this.#applying = false;
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
