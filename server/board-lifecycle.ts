/**
 * A board's lifecycle after creation [B1–B5]: rename, archive and unarchive, delete, and
 * duplicate as a new board; and whether former members' votes count [M4]. Roles are checked
 * here (the routes only find the caller's role): owners and editors rename; owners archive,
 * unarchive, delete and decide about former members' votes; any member duplicates.
 */
import * as Y from 'yjs';
import type { Logger } from 'pino';
import { boardDocKey } from '../shared/protocol/doc-keys.js';
import { AppError, ErrorCode } from '../shared/protocol/errors.js';
import { canManage, canWriteBoard, type Role } from '../shared/protocol/roles.js';
import { boardTypes, setBoardTitle } from '../shared/model/index.js';
import { newId } from './auth/tokens.js';
import type { Auth } from './auth/index.js';
import type { AuditLog } from './audit.js';
import type { DocRegistry } from './docs/registry.js';
import type { BoardRecord, Store, UserRecord } from './persistence/store.js';

export class BoardLifecycle {
  constructor(
    private readonly store: Store,
    private readonly registry: DocRegistry,
    private readonly auth: Auth,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Renames and/or archives or unarchives [B1, B4], and/or says whether former members'
   * votes count [M4]. Renaming an archived board is refused (`ARCHIVED`) unless the same call
   * unarchives it. Returns the board as it now is.
   */
  async patch(
    boardId: string,
    userId: string,
    role: Role,
    body: { title?: string; archived?: boolean; countFormerMembers?: boolean },
  ): Promise<BoardRecord> {
    if (body.archived !== undefined && !canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners archive or unarchive a board');
    if (body.countFormerMembers !== undefined && !canManage(role)) {
      throw new AppError(ErrorCode.Forbidden, "only owners decide whether former members' votes count");
    }
    if (body.title !== undefined && !canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors rename a board');
    const before = await this.#board(boardId);
    const willBeArchived = body.archived ?? before.archivedAt !== null;
    if (body.title !== undefined && willBeArchived) throw new AppError(ErrorCode.Archived, 'this board is archived: unarchive it to rename it');
    if (body.countFormerMembers !== undefined && willBeArchived) {
      throw new AppError(ErrorCode.Archived, 'this board is archived: unarchive it to change how votes count');
    }
    const archivedAt = body.archived === undefined ? undefined : body.archived ? (before.archivedAt ?? this.now()) : null;
    const patch = { ...(body.title !== undefined ? { title: body.title } : {}), ...(archivedAt !== undefined ? { archivedAt } : {}) };
    if (!(await this.store.updateBoard(boardId, patch))) throw new AppError(ErrorCode.NotFound, 'no such board');
    if (body.title !== undefined && body.title !== before.title) {
      // The title readers show lives in the board doc too; the server writes it, so every
      // replica follows through ordinary sync (B4).
      await this.registry.transact(boardDocKey(boardId), (doc) => void setBoardTitle(doc, body.title!, null), 'board renamed');
      this.audit.record(boardId, userId, 'board.renamed', { from: before.title, to: body.title });
    }
    if (archivedAt !== undefined && (archivedAt !== null) !== (before.archivedAt !== null)) {
      this.audit.record(boardId, userId, archivedAt === null ? 'board.unarchived' : 'board.archived', {});
    }
    const counting = body.countFormerMembers;
    if (counting !== undefined && counting !== (await this.store.membership.countsFormerMembers(boardId))) {
      if (!(await this.store.membership.setCountFormerMembers(boardId, counting))) throw new AppError(ErrorCode.NotFound, 'no such board');
      this.audit.record(boardId, userId, counting ? 'board.former_votes_counted' : 'board.former_votes_not_counted', {});
    }
    const after = { ...before, ...patch };
    this.auth.boards.changed({
      boardId,
      archived: after.archivedAt !== null,
      ...(body.title !== undefined ? { title: after.title } : {}),
      ...(counting !== undefined ? { countFormerMembers: counting } : {}),
    });
    return after;
  }

  /**
   * Deletes the board and everything stored under it [B3]. In this order: the board answers
   * like an unknown one (roles read null from here on), live connections are told and leave
   * (Socket.IO `board:access` null, y-websocket close 4403), the registry drops its docs and
   * refuses to load them again, and the store removes every row in one transaction. Its
   * audit log goes with it, so the deletion itself is logged by the server.
   */
  async delete(boardId: string, userId: string, role: Role): Promise<void> {
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners delete a board');
    const members = await this.store.listMembers(boardId);
    this.auth.boards.deleted(boardId);
    for (const m of members) this.auth.members.changed(boardId, m.userId, null);
    await this.registry.dropBoard(boardId);
    await this.store.deleteBoard(boardId);
    this.logger.info({ boardId, by: userId, members: members.length }, 'board deleted');
  }

  /**
   * Duplicates a board as a new one owned by the caller alone [B5]: a copy of the board doc
   * (the article, the claims with their curation and verdicts, the settings and publication
   * details) under a new title. Votes, notes and suggestions (reviewer docs), sealed votes
   * and the live review stay with the original, as do its members and invites.
   */
  async duplicate(boardId: string, user: UserRecord, title: string | undefined): Promise<string> {
    const original = await this.#board(boardId);
    const state = await this.registry.read(boardDocKey(boardId), (d) => Y.encodeStateAsUpdate(d));
    const copyId = `b_${newId()}`;
    const createdAt = this.now();
    const copyTitle = title ?? `${original.title} (copy)`.slice(0, 200);
    await this.store.createBoard({ id: copyId, title: copyTitle, createdBy: user.id, createdAt });
    this.auth.members.changed(copyId, user.id, 'owner');
    // Two transactions: applying an update marks its transaction remote, and a write of the
    // doc's own client id inside a remote transaction makes Yjs pick a new client id.
    await this.registry.transact(boardDocKey(copyId), (doc) => Y.applyUpdate(doc, state), 'board:duplicate');
    await this.registry.transact(
      boardDocKey(copyId),
      (doc) => {
        // The copy's own title, time and creator; everything else of meta (source, format,
        // settings, publication) comes from the original.
        const meta = boardTypes(doc).meta;
        meta.set('title', copyTitle);
        meta.set('createdAt', createdAt);
        meta.set('createdBy', user.id);
      },
      'board:duplicate',
    );
    this.audit.record(copyId, user.id, 'board.duplicated_from', { boardId });
    this.audit.record(boardId, user.id, 'board.duplicated', { copy: copyId });
    return copyId;
  }

  async #board(boardId: string): Promise<BoardRecord> {
    const b = await this.store.getBoard(boardId);
    if (!b) throw new AppError(ErrorCode.NotFound, 'no such board');
    return b;
  }
}
