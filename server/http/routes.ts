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
  CreateInviteSchema,
  CreateUserSchema,
  DuplicateBoardSchema,
  ExplainSuggestionSchema,
  IdSchema,
  LivePatchSchema,
  LiveRoundSchema,
  LiveStartSchema,
  LiveTimerSchema,
  PatchBoardSchema,
  PatchMemberSchema,
} from '../../shared/protocol/schemas.js';
import type { LiveReviewService } from '../live/live-review.js';
import { roundOf } from '../../shared/model/live.js';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';
import type { Store, UserRecord } from '../persistence/store.js';
import { EXPORT_FORMATS, type BoardService } from '../boards.js';
import type { BoardLifecycle } from '../board-lifecycle.js';
import { z } from 'zod';
import { parse } from './errors.js';
import { AGENDA_BODY_BYTES, jsonBody, SMALL_BODY_BYTES } from './body.js';
import { CSV_TABLES } from '../../shared/export/csv.js';
import type { Mailer } from '../mail/mailer.js';
import { INVITE_MAILS_BURST, INVITE_MAILS_PER_HOUR, sendInviteMail } from '../mail/send.js';
import { KeyedBuckets } from '../limits.js';

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

type AuthedRequest = Request & { user: UserRecord };

/** Express 5 forwards rejected promises to the error handler; this only types `req.user`. */
const authed =
  (fn: (req: AuthedRequest, res: Response) => Promise<void> | void) =>
  (req: Request, res: Response, next: NextFunction) =>
    Promise.resolve(fn(req as AuthedRequest, res)).catch(next);

const ROLE_RANK: Record<Role, number> = { viewer: 0, reviewer: 1, editor: 2, owner: 3 };

export function apiRouter(d: RouteDeps): Router {
  const r = express.Router();
  const small = jsonBody(SMALL_BODY_BYTES);
  const agenda = jsonBody(AGENDA_BODY_BYTES);
  const article = jsonBody(d.maxBodyBytes);
  const inviteMails = new KeyedBuckets(INVITE_MAILS_PER_HOUR / 3600, INVITE_MAILS_BURST, d.now);

  const requireUser = async (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer (\S+)$/.exec(h) : null;
    const user = m ? await d.auth.authn.authenticate(m[1]) : null;
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

  r.post('/boards/:id/invites', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    const body = parse(CreateInviteSchema, req.body);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors invite');
    await d.auth.boards.requireActive(boardId);
    if (ROLE_RANK[body.role] > ROLE_RANK[role]) {
      throw new AppError(ErrorCode.Forbidden, `an ${role} cannot invite an ${body.role}`);
    }
    const emailQueued = body.email !== undefined && d.mailer.enabled;
    if (emailQueued && !inviteMails.take(req.user.id)) {
      throw new AppError(ErrorCode.RateLimited, `at most ${INVITE_MAILS_PER_HOUR} invitation e-mails an hour; create the invite without an e-mail and share its link`);
    }
    const token = newToken();
    const now = d.now();
    const invite = {
      id: `i_${newId()}`,
      boardId,
      role: body.role,
      createdBy: req.user.id,
      createdAt: now,
      expiresAt: body.expiresInHours === undefined ? null : Math.round(now + body.expiresInHours * 3_600_000),
      maxUses: body.maxUses ?? null,
      uses: 0,
      revokedAt: null,
    };
    await d.store.createInvite(invite, hashToken(token));
    d.audit.record(boardId, req.user.id, 'invite.created', { inviteId: invite.id, role: invite.role, expiresAt: invite.expiresAt, maxUses: invite.maxUses });
    const url = `${d.publicUrl}/invite/${token}`;
    if (emailQueued) {
      const boardTitle = (await d.store.getBoard(boardId))?.title ?? '';
      await sendInviteMail(d.mailer, { to: body.email!, boardTitle, inviterName: req.user.name, role: invite.role, url, expiresAt: invite.expiresAt });
    }
    res.status(201).json({
      invite: {
        id: invite.id,
        token,
        url,
        role: invite.role,
        expiresAt: invite.expiresAt === null ? null : new Date(invite.expiresAt).toISOString(),
        maxUses: invite.maxUses,
        emailQueued,
      },
    });
  }));

  r.delete('/boards/:id/invites/:inviteId', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors revoke invites');
    await d.auth.boards.requireActive(boardId);
    const inviteId = String(req.params.inviteId);
    if (!(await d.store.revokeInvite(boardId, inviteId, d.now()))) {
      throw new AppError(ErrorCode.NotFound, 'no such invite');
    }
    d.audit.record(boardId, req.user.id, 'invite.revoked', { inviteId });
    res.status(204).end();
  }));

  r.post('/invites/:token/accept', small, authed(async (req, res) => {
    const token = String(req.params.token);
    const result = token.length > 200 ? ({ ok: false, reason: 'not_found' } as const)
      : await d.store.acceptInvite(hashToken(token), req.user.id, d.now());
    if (!result.ok) {
      if (result.reason === 'not_found') throw new AppError(ErrorCode.NotFound, 'no such invite');
      throw new AppError(ErrorCode.Gone, `this invite is ${result.reason.replace('_', ' ')}`);
    }
    if (!result.alreadyMember) {
      d.auth.members.changed(result.boardId, req.user.id, result.role);
      d.audit.record(result.boardId, req.user.id, 'member.joined', { role: result.role });
    }
    res.json({ boardId: result.boardId, role: result.role });
  }));

  r.get('/boards/:id/members', authed(async (req, res) => {
    const { boardId } = await roleOn(req);
    const members = await d.store.listMembers(boardId);
    const now = Date.now();
    res.json({
      members: members.map((m) => ({
        userId: m.userId,
        name: m.name,
        role: m.role,
        joinedAt: m.joinedAt,
        lastSeenAt: d.auth.members.lastSeen(boardId, m.userId, m.lastSeenAt, now),
      })),
    });
  }));

  const requireOwnerOrSelf = (role: Role, self: boolean) => {
    if (!canManage(role) && !self) throw new AppError(ErrorCode.Forbidden, 'only owners manage members');
  };

  const keepAnOwner = async (boardId: string, userId: string, newRole: Role | null) => {
    if (newRole === 'owner') return;
    const members = await d.store.listMembers(boardId);
    const owners = members.filter((m) => m.role === 'owner');
    if (owners.length === 1 && owners[0]!.userId === userId) {
      throw new AppError(ErrorCode.Conflict, 'a board keeps at least one owner');
    }
  };

  r.patch('/boards/:id/members/:userId', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    const body = parse(PatchMemberSchema, req.body);
    requireOwnerOrSelf(role, false);
    const userId = String(req.params.userId);
    if (!(await d.store.getRole(boardId, userId))) throw new AppError(ErrorCode.NotFound, 'no such member');
    await keepAnOwner(boardId, userId, body.role);
    const before = await d.store.getRole(boardId, userId);
    await d.store.setMember(boardId, userId, body.role, d.now());
    d.auth.members.changed(boardId, userId, body.role);
    d.audit.record(boardId, req.user.id, 'member.role_changed', { userId, from: before, to: body.role });
    res.json({ member: { userId, role: body.role } });
  }));

  r.delete('/boards/:id/members/:userId', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    const userId = String(req.params.userId);
    requireOwnerOrSelf(role, userId === req.user.id);
    if (!(await d.store.getRole(boardId, userId))) throw new AppError(ErrorCode.NotFound, 'no such member');
    await keepAnOwner(boardId, userId, null);
    await d.store.removeMember(boardId, userId);
    d.auth.members.changed(boardId, userId, null);
    d.audit.record(boardId, req.user.id, userId === req.user.id ? 'member.left' : 'member.removed', { userId });
    res.status(204).end();
  }));

  r.get('/boards/:id/audit', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners read the audit log');
    const entries = await d.store.listAudit(boardId);
    res.json({ audit: entries.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, detail: e.detail })) });
  }));

  r.get('/boards/:id/invites', authed(async (req, res) => {
    const { boardId, role } = await roleOn(req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors see invites');
    const invites = await d.store.listInvites(boardId);
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    res.json({
      invites: invites.map((i) => ({ id: i.id, role: i.role, createdBy: i.createdBy, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), maxUses: i.maxUses, uses: i.uses, revokedAt: iso(i.revokedAt) })),
    });
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
