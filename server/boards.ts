/** Board creation: the record, the owner's membership, then the board document's content. */
import * as Y from 'yjs';
import { boardDocKey } from '../shared/protocol/doc-keys.js';
import type { CreateBoardBody } from '../shared/protocol/schemas.js';
import { BOARD } from '../shared/model/layout.js';
import { newId } from './auth/tokens.js';
import type { Access } from './auth/access.js';
import type { DocRegistry } from './docs/registry.js';
import type { Store, UserRecord } from './persistence/store.js';

export class BoardService {
  constructor(
    private readonly store: Store,
    private readonly registry: DocRegistry,
    private readonly access: Access,
    private readonly now: () => number,
  ) {}

  async create(user: UserRecord, body: CreateBoardBody): Promise<string> {
    const boardId = `b_${newId()}`;
    const createdAt = this.now();
    await this.store.createBoard({ id: boardId, title: body.title, createdBy: user.id, createdAt });
    this.access.changed(boardId, user.id, 'owner');
    await this.registry.transact(
      boardDocKey(boardId),
      (doc) => {
        const meta = doc.getMap(BOARD.meta);
        meta.set('title', body.title);
        meta.set('format', body.format);
        meta.set('createdAt', createdAt);
        if (body.source) meta.set('source', body.source);
        doc.getText(BOARD.article).insert(0, body.text);
        doc.getMap<Y.Map<unknown>>(BOARD.claims);
      },
      'board:create',
    );
    return boardId;
  }
}
