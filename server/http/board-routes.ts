/**
 * Board routes: boards, their lifecycle, invites, members, the audit log, suggestion
 * explanations and exports (README "API"). A board that does not exist and one the caller
 * may not see answer the same 404.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { canManage, canWriteBoard, type Role } from '../../shared/protocol/roles.js';
import type { AuditEntry, BoardInfo, BoardListItem } from '../../shared/protocol/rest.js';
import {
  CreateBoardSchema,
  DuplicateBoardSchema,
  ExplainSuggestionSchema,
  PatchBoardSchema,
} from '../../shared/protocol/schemas.js';
import { CSV_TABLES } from '../../shared/export/csv.js';
import { EXPORT_FORMATS } from '../boards.js';
import { jsonBody, SMALL_BODY_BYTES } from './body.js';
import { parse } from './errors.js';
import { inviteRoutes } from './invite-routes.js';
import { memberRoutes } from './member-routes.js';
import { authed, roleOn } from './route-helpers.js';
import type { RouteDeps } from './routes.js';

export function boardRoutes(r: Router, d: RouteDeps): void {
  const small = jsonBody(SMALL_BODY_BYTES);
  const article = jsonBody(d.maxBodyBytes);

  const boardJson = async (boardId: string, userId: string, role: Role): Promise<BoardInfo> => {
    const b = await d.store.getBoard(boardId);
    if (!b) throw new AppError(ErrorCode.NotFound, 'no such board');
    return {
      id: b.id,
      title: b.title,
      role,
      createdAt: b.createdAt,
      archived: b.archivedAt !== null,
      archivedAt: b.archivedAt,
      countFormerMembers: await d.store.membership.countsFormerMembers(boardId),
      docs: await d.auth.catalogue.docsFor(boardId, userId, role),
      writable: d.auth.catalogue.writableDocs(boardId, userId, role),
    };
  };

  r.post('/boards', article, authed(async (req, res) => {
    const body = parse(CreateBoardSchema, req.body);
    const boardId = await d.boards.create(req.user, body);
    res.status(201).json({ board: await boardJson(boardId, req.user.id, 'owner') });
  }));

  /** The caller's boards; archived ones only with `?archived=true` [B2]. */
  r.get('/boards', authed(async (req, res) => {
    const q = parse(BoardListQuerySchema, req.query);
    const boards = (await d.store.boardsOf(req.user.id)).filter((b) => q.archived === 'true' || b.archivedAt === null);
    res.json({
      boards: boards.map((b): BoardListItem => ({ id: b.id, title: b.title, role: b.role, createdAt: b.createdAt, archived: b.archivedAt !== null, archivedAt: b.archivedAt })),
    });
  }));

  r.get('/boards/:id', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    res.json({ board: await boardJson(boardId, req.user.id, role) });
  }));

  /** Rename (owners, editors) and archive or unarchive (owners) [B1, B4]. */
  r.patch('/boards/:id', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    const body = parse(PatchBoardSchema, req.body);
    await d.lifecycle.patch(boardId, req.user.id, role, body);
    res.json({ board: await boardJson(boardId, req.user.id, role) });
  }));

  /** Owners only; afterwards the board answers like one that never existed [B3]. */
  r.delete('/boards/:id', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    await d.lifecycle.delete(boardId, req.user.id, role);
    res.status(204).end();
  }));

  /** Any member: a new board of the caller's with the board doc's content [B5]. */
  r.post('/boards/:id/duplicate', small, authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const body = parse(DuplicateBoardSchema, req.body ?? {});
    const copyId = await d.lifecycle.duplicate(boardId, req.user, body.title);
    res.status(201).json({ board: await boardJson(copyId, req.user.id, 'owner') });
  }));

  inviteRoutes(r, d);
  memberRoutes(r, d);

  r.get('/boards/:id/audit', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners read the audit log');
    const entries = await d.store.listAudit(boardId);
    res.json({ audit: entries.map((e): AuditEntry => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, detail: e.detail })) });
  }));

  /** Why a sentence was or was not suggested [SUG-EXPLAIN]: for those who curate claims. */
  r.post('/boards/:id/suggestions/explain', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors ask why a sentence was not suggested');
    const body = parse(ExplainSuggestionSchema, req.body);
    res.set('Cache-Control', 'no-store').json({ explanation: await d.boards.explainSuggestion(boardId, body) });
  }));

  r.get('/boards/:id/export', authed(async (req, res) => {
    const { boardId } = await roleOn(d.auth, req);
    const q = parse(ExportQuerySchema, req.query);
    const out = await d.boards.export(boardId, { format: q.format, pseudonymise: q.pseudonymise === 'true', ...(q.table ? { table: q.table } : {}) });
    d.audit.record(boardId, req.user.id, 'export.taken', { format: q.format, pseudonymised: q.pseudonymise === 'true' });
    res
      .status(200)
      .type(out.contentType)
      .set('Content-Disposition', `attachment; filename="${out.filename}"`)
      .send(out.body);
  }));
}

const BoardListQuerySchema = z.object({
  /** `true` lists archived boards too (each says `archived`). */
  archived: z.enum(['true', 'false']).optional(),
});

const ExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('json'),
  pseudonymise: z.enum(['true', 'false']).optional(),
  /** CSV only: `claims` (default), `votes`, `notes` or `all` (the three in one file). */
  table: z.enum(CSV_TABLES).optional(),
});
