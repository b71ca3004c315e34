/**
 * Invites [M1–M3]: made by owners and editors (single use and 72 hours unless they choose
 * otherwise, optionally addressed to an e-mail, and then mailed there when e-mail is set up),
 * listed while open, revoked, previewed by anyone holding the link, and accepted. Only a
 * token's hash is stored, so no listing can show a link again.
 */
import type { Request, Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { atLeast, canWriteBoard } from '../../shared/protocol/roles.js';
import type { InviteInfo } from '../../shared/protocol/rest.js';
import { CreateInviteSchema, IdSchema, InviteTokenSchema } from '../../shared/protocol/schemas.js';
import { hashToken, newId, newToken } from '../auth/tokens.js';
import { inviteStanding } from '../persistence/invite-standing.mjs';
import type { InviteRecord } from '../persistence/membership-store.js';
import { KeyedBuckets } from '../limits.js';
import { INVITE_MAILS_BURST, INVITE_MAILS_PER_HOUR, sendInviteMail } from '../mail/send.js';
import { SMALL_BODY_BYTES, jsonBody } from './body.js';
import { parse } from './errors.js';
import { maskEmail, refusal, standingMessage } from './invite-words.js';
import { optionalCaller } from './request-auth.js';
import { authed, roleOn } from './route-helpers.js';
import type { RouteDeps } from './routes.js';
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/** A token from the path, or the same 404 as an unknown one. */
function tokenOf(req: Request): string {
  const t = InviteTokenSchema.safeParse(req.params.token);
  if (!t.success) throw new AppError(ErrorCode.NotFound, 'no such invite');
  return t.data;
}

/** An invite as its board's owners and editors see it (never its token). */
export const inviteJson = (i: InviteRecord): InviteInfo => ({
  id: i.id,
  role: i.role,
  createdBy: i.createdBy,
  createdAt: new Date(i.createdAt).toISOString(),
  expiresAt: iso(i.expiresAt),
  maxUses: i.maxUses,
  uses: i.uses,
  email: i.email,
  revokedAt: iso(i.revokedAt),
});

/**
 * `GET /api/invites/:token`: no sign-in needed; a caller signed in (session cookie or bearer
 * token) learns their own standing.
 */
export function publicInviteRoutes(r: Router, d: RouteDeps): void {
  r.get('/invites/:token', async (req, res) => {
    const found = await d.store.membership.findInvite(hashToken(tokenOf(req)));
    if (!found || d.auth.boards.isDeleted(found.invite.boardId)) throw new AppError(ErrorCode.NotFound, 'no such invite');
    const { invite } = found;
    const caller = await optionalCaller(d.auth.authn, req);
    const candidate = caller ? await d.store.membership.candidate(invite.boardId, caller.id) : null;
    const state = inviteStanding(invite, d.now(), candidate);
    res.set('Cache-Control', 'no-store').json({
      invite: {
        board: { id: invite.boardId, title: found.boardTitle },
        inviter: { name: found.inviterName },
        role: invite.role,
        createdAt: iso(invite.createdAt),
        expiresAt: iso(invite.expiresAt),
        maxUses: invite.maxUses,
        uses: invite.uses,
        email: maskEmail(invite.email),
        state,
        message: standingMessage(state, { email: invite.email, departure: candidate?.departure ?? null, ...(caller ? { userId: caller.id } : {}) }),
      },
    });
  });
}

export function inviteRoutes(r: Router, d: RouteDeps): void {
  const small = jsonBody(SMALL_BODY_BYTES);
  const inviteMails = new KeyedBuckets(INVITE_MAILS_PER_HOUR / 3600, INVITE_MAILS_BURST, d.now);

  r.post('/boards/:id/invites', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    const body = parse(CreateInviteSchema, req.body);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors invite');
    await d.auth.boards.requireActive(boardId);
    if (!atLeast(role, body.role)) throw new AppError(ErrorCode.Forbidden, `an ${role} cannot invite an ${body.role}`);
    const emailQueued = body.email !== undefined && d.mailer.enabled;
    if (emailQueued && !inviteMails.take(req.user.id)) {
      throw new AppError(ErrorCode.RateLimited, `at most ${INVITE_MAILS_PER_HOUR} invitation e-mails an hour; create the invite without an e-mail and share its link`);
    }
    const token = newToken();
    const now = d.now();
    const invite: InviteRecord = {
      id: `i_${newId()}`,
      boardId,
      role: body.role,
      createdBy: req.user.id,
      createdAt: now,
      expiresAt: Math.round(now + body.expiresInHours * 3_600_000),
      maxUses: body.maxUses,
      uses: 0,
      revokedAt: null,
      email: body.email ?? null,
    };
    invite.createdAt = await d.store.membership.createInvite(invite, hashToken(token));
    d.audit.record(boardId, req.user.id, 'invite.created', {
      inviteId: invite.id,
      role: invite.role,
      expiresAt: invite.expiresAt,
      maxUses: invite.maxUses,
      email: invite.email,
    });
    const url = `${d.publicUrl}/invite/${token}`;
    if (emailQueued) {
      const boardTitle = (await d.store.getBoard(boardId))?.title ?? '';
      await sendInviteMail(d.mailer, { to: invite.email!, boardTitle, inviterName: req.user.name, role: invite.role, url, expiresAt: invite.expiresAt });
    }
    res.status(201).json({ invite: { ...inviteJson(invite), token, url, emailQueued } });
  }));

  /** The invites that can still be used (not revoked, expired or used up), oldest first. */
  r.get('/boards/:id/invites', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors see invites');
    const now = d.now();
    const open = (await d.store.membership.listInvites(boardId)).filter((i) => inviteStanding(i, now, null) === 'open');
    res.set('Cache-Control', 'no-store').json({ invites: open.map(inviteJson) });
  }));

  r.delete('/boards/:id/invites/:inviteId', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    if (!canWriteBoard(role)) throw new AppError(ErrorCode.Forbidden, 'only owners and editors revoke invites');
    await d.auth.boards.requireActive(boardId);
    const inviteId = IdSchema.safeParse(req.params.inviteId);
    const revoked = inviteId.success ? await d.store.membership.revokeInvite(boardId, inviteId.data, d.now()) : null;
    if (!revoked) throw new AppError(ErrorCode.NotFound, 'no such invite');
    d.audit.record(boardId, req.user.id, 'invite.revoked', { inviteId: revoked.id, role: revoked.role, email: revoked.email, uses: revoked.uses });
    res.status(204).end();
  }));

  r.post('/invites/:token/accept', small, authed(async (req, res) => {
    const result = await d.store.membership.acceptInvite(hashToken(tokenOf(req)), req.user.id, d.now());
    if (!result.ok) {
      if (result.reason === 'not_found') throw new AppError(ErrorCode.NotFound, 'no such invite');
      throw refusal(result.reason, { email: result.email, departure: result.departure ?? null, userId: req.user.id });
    }
    if (!result.alreadyMember) {
      d.auth.members.changed(result.boardId, req.user.id, result.role);
      d.audit.record(result.boardId, req.user.id, 'member.joined', { role: result.role, inviteId: result.inviteId, name: req.user.name });
    }
    res.json({ boardId: result.boardId, role: result.role });
  }));
}
