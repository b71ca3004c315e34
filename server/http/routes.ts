/**
 * REST API under /api (DESIGN.md "Public interfaces"). JSON in and out, bearer tokens,
 * errors as `{ error: { code, message } }`. A board that does not exist and one the caller
 * may not see answer the same 404.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { canManage, canWriteBoard, type Role } from '../../shared/protocol/roles.js';
import {
  CreateBoardSchema,
  CreateUserSchema,
  DuplicateBoardSchema,
  ExplainSuggestionSchema,
  IdSchema,
  LivePatchSchema,
  LiveRoundSchema,
  LiveStartSchema,
  LiveTimerSchema,
  PatchBoardSchema,
} from '../../shared/protocol/schemas.js';
import type { LiveReviewService } from '../live/live-review.js';
import { roundOf } from '../../shared/model/live.js';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';
import { authed, type AuthedRequest } from './authed.js';
import { inviteRoutes, publicInviteRoutes } from './invite-routes.js';
import { memberRoutes } from './member-routes.js';
import type { Store, UserRecord } from '../persistence/store.js';
import { EXPORT_FORMATS, type BoardService } from '../boards.js';
import type { BoardLifecycle } from '../board-lifecycle.js';
import { z } from 'zod';
import { parse } from './errors.js';
import { AGENDA_BODY_BYTES, jsonBody, SMALL_BODY_BYTES } from './body.js';
import { CSV_TABLES } from '../../shared/export/csv.js';
import type { Mailer } from '../mail/mailer.js';

export interface RouteDeps {
  store: Store;
  auth: Auth;
  boards: BoardService;
  lifecycle: BoardLifecycle;
  audit: AuditLog;
  live: LiveReviewService;
  now: () => number;
  tokenTtlMs: number;
  /** Largest body of board creation (the article); every other route takes far less. */
  maxBodyBytes: number;
  /** Base URL people reach this server at: invite links use it, never the request's Host. */
  publicUrl: string;
  /** Invites given an `email` are mailed when `mailer.enabled`. */
  mailer: Mailer;
}

export function apiRouter(d: RouteDeps): Router {
  const r = express.Router();
  const small = jsonBody(SMALL_BODY_BYTES);
  const agenda = jsonBody(AGENDA_BODY_BYTES);
  const article = jsonBody(d.maxBodyBytes);

  /** The caller, from the bearer token; null without one (or with one that is not valid). */
  const callerOf = async (req: Request): Promise<UserRecord | null> => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer (\S+)$/.exec(h) : null;
    return m ? d.auth.authn.authenticate(m[1]) : null;
  };

  const requireUser = async (req: Request, _res: Response, next: NextFunction) => {
    const user = await callerOf(req);
    if (!user) return next(new AppError(ErrorCode.Unauthorized, 'a valid bearer token is required'));
    (req as AuthedRequest).user = user;
    next();
  };

  /** The caller's role on the board in the URL, or the same 404 as a missing board. */
  const roleOn = async (req: AuthedRequest): Promise<{ boardId: string; role: Role }> => {
    const id = IdSchema.safeParse(req.params.id);
    const role = id.success ? await d.auth.members.roleOf(id.data, req.user.id) : null;
    if (!id.success || !role) throw new AppError(ErrorCode.NotFound, 'no such board');
    return { boardId: id.data, role };
  };

  const boardJson = async (boardId: string, userId: string, role: Role) => {
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

  r.post('/users', small, async (req, res) => {
    const body = parse(CreateUserSchema, req.body);
    const token = newToken();
    const user = { id: `u_${newId()}`, name: body.name, createdAt: d.now() };
    await d.store.createUser(user, hashToken(token), user.createdAt + d.tokenTtlMs);
    res.status(201).json({ user: { id: user.id, name: user.name }, token, expiresAt: new Date(user.createdAt + d.tokenTtlMs).toISOString() });
  });

  /** The server's clock, for clients that show live-review timers in server time. */
  r.get('/time', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ now: d.now() });
  });

  // The invite page reads an invite before its reader signs in [M1–M3].
  publicInviteRoutes(r, { ...d, roleOn, callerOf });

  r.use(requireUser);

  r.get('/me', authed((req, res) => {
    res.json({ user: { id: req.user.id, name: req.user.name } });
  }));

  /** Another token for the same user (a second device). */
  r.post('/me/tokens', small, authed(async (req, res) => {
    const token = newToken();
    const expiresAt = d.now() + d.tokenTtlMs;
    await d.store.addToken(req.user.id, hashToken(token), d.now(), expiresAt);
    res.status(201).json({ token, expiresAt: new Date(expiresAt).toISOString() });
  }));

  /** Sign out everywhere: every token of the caller stops working, live connections close. */
  r.delete('/me/tokens', authed(async (req, res) => {
    await d.auth.authn.revokeUser(req.user.id);
    res.status(204).end();
  }));

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
      boards: boards.map((b) => ({ id: b.id, title: b.title, role: b.role, createdAt: b.createdAt, archived: b.archivedAt !== null, archivedAt: b.archivedAt })),
    });
  }));

  r.get('/boards/:id', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    res.json({ board: await boardJson(boardId, req.user.id, role) });
  }));

  /** Rename (owners, editors) and archive or unarchive (owners) [B1, B4]. */
  r.patch('/boards/:id', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    const body = parse(PatchBoardSchema, req.body);
    await d.lifecycle.patch(boardId, req.user.id, role, body);
    res.json({ board: await boardJson(boardId, req.user.id, role) });
  }));

  /** Owners only; afterwards the board answers like one that never existed [B3]. */
  r.delete('/boards/:id', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    await d.lifecycle.delete(boardId, req.user.id, role);
    res.status(204).end();
  }));

  /** Any member: a new board of the caller's with the board doc's content [B5]. */
  r.post('/boards/:id/duplicate', small, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const body = parse(DuplicateBoardSchema, req.body ?? {});
    const copyId = await d.lifecycle.duplicate(boardId, req.user, body.title);
    res.status(201).json({ board: await boardJson(copyId, req.user.id, 'owner') });
  }));

  inviteRoutes(r, { ...d, roleOn, callerOf });
  memberRoutes(r, { ...d, roleOn });

  r.get('/boards/:id/audit', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners read the audit log');
    const entries = await d.store.listAudit(boardId);
    res.json({ audit: entries.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, detail: e.detail })) });
  }));

  // ---- live review [L1–L9] ----
  // Every answer carries the server's clock (`now`) with the state, so clients can show
  // timers in server time.
  const liveAnswer = (res: Response, status: number, live: unknown) => res.status(status).json({ live, now: d.now() });

  r.get('/boards/:id/live', authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    liveAnswer(res, 200, await d.live.state(boardId));
  }));

  r.post('/boards/:id/live', agenda, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const body = parse(LiveStartSchema, req.body ?? {});
    const live = await d.live.start(boardId, req.user.id, body.agenda);
    d.audit.record(boardId, req.user.id, 'live.started', { claims: live.agenda.length });
    liveAnswer(res, 201, live);
  }));

  r.patch('/boards/:id/live', agenda, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const body = parse(LivePatchSchema, req.body);
    const live = await d.live.update(boardId, req.user.id, body);
    if (body.facilitatorId !== undefined) d.audit.record(boardId, req.user.id, 'live.facilitator', { to: body.facilitatorId });
    liveAnswer(res, 200, live);
  }));

  r.post('/boards/:id/live/rounds', small, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const body = parse(LiveRoundSchema, req.body);
    const live = await d.live.openRound(boardId, req.user.id, body.claimId);
    d.audit.record(boardId, req.user.id, 'live.round.opened', { claimId: body.claimId });
    liveAnswer(res, 201, live);
  }));

  r.post('/boards/:id/live/rounds/:claimId/reveal', small, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const claimId = IdSchema.safeParse(req.params.claimId);
    if (!claimId.success) throw new AppError(ErrorCode.NotFound, 'no sealed round on this claim');
    const live = await d.live.reveal(boardId, req.user.id, claimId.data);
    d.audit.record(boardId, req.user.id, 'live.round.revealed', { claimId: claimId.data, votes: Object.keys(roundOf(live, claimId.data)?.votes ?? {}).length });
    liveAnswer(res, 200, live);
  }));

  r.put('/boards/:id/live/timer', small, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const body = parse(LiveTimerSchema, req.body);
    liveAnswer(res, 200, await d.live.timer(boardId, req.user.id, body.claimId, body.seconds));
  }));

  r.delete('/boards/:id/live/timer', authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    liveAnswer(res, 200, await d.live.timer(boardId, req.user.id, null, null));
  }));

  r.post('/boards/:id/live/end', small, authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const live = await d.live.end(boardId, req.user.id);
    d.audit.record(boardId, req.user.id, 'live.ended', {});
    liveAnswer(res, 200, live);
  }));

  /**
   * The end-of-review summary (any member): time per claim, round 1 and round 2, movement,
   * what to revisit. `summary` is null when the board never had a live review; `now` is the
   * clock the running focus stretch was counted to.
   */
  r.get('/boards/:id/live/summary', authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const { summary, now } = await d.boards.liveSummary(boardId);
    res.set('Cache-Control', 'no-store').json({ summary, now });
  }));

  /** Why a sentence was or was not suggested [SUG-EXPLAIN]: for those who curate claims. */
  r.post('/boards/:id/suggestions/explain', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors ask why a sentence was not suggested');
    const body = parse(ExplainSuggestionSchema, req.body);
    res.set('Cache-Control', 'no-store').json({ explanation: await d.boards.explainSuggestion(boardId, body) });
  }));

  r.get('/boards/:id/export', authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const q = parse(ExportQuerySchema, req.query);
    const out = await d.boards.export(boardId, { format: q.format, pseudonymise: q.pseudonymise === 'true', ...(q.table ? { table: q.table } : {}) });
    d.audit.record(boardId, req.user.id, 'export.taken', { format: q.format, pseudonymised: q.pseudonymise === 'true' });
    res
      .status(200)
      .type(out.contentType)
      .set('Content-Disposition', `attachment; filename="${out.filename}"`)
      .send(out.body);
  }));

  return r;
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
