/**
 * A board's members [A6, M3–M5]: the list (with former members and the names everyone is
 * shown by), role changes (owners) and removals (owners, or a member leaving). A removal or a
 * leave is recorded as a departure, which blocks every invite made before it for that person.
 */
import type { Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { canManage, canWriteBoard, type Role } from '../../shared/protocol/roles.js';
import { PatchMemberSchema } from '../../shared/protocol/schemas.js';
import { displayNames, emailLocalPart } from '../../shared/people/display-names.js';
import type { FormerMember, Member } from '../../shared/protocol/rest.js';
import type { MemberRecord } from '../persistence/store.js';
import { SMALL_BODY_BYTES, jsonBody } from './body.js';
import { parse } from './errors.js';
import { authed, roleOn } from './route-helpers.js';
import type { RouteDeps } from './routes.js';

export function memberRoutes(r: Router, d: RouteDeps): void {
  const small = jsonBody(SMALL_BODY_BYTES);

  /**
   * Members and former members, each with the name to show them by (`displayName`: with a
   * disambiguator when two share a name) and an avatar colour; whether former members' votes
   * count. E-mails in full for owners and editors, the local part ("olivia.o@") for the rest.
   */
  r.get('/boards/:id/members', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    const [members, formers, countFormerMembers] = await Promise.all([
      d.store.listMembers(boardId),
      d.store.membership.listFormerMembers(boardId),
      d.store.membership.countsFormerMembers(boardId),
    ]);
    const shown = displayNames([...members, ...formers]);
    const email = (e: string | null) => (e === null ? null : canWriteBoard(role) ? e : emailLocalPart(e));
    const now = Date.now();
    res.set('Cache-Control', 'no-store').json({
      members: members.map((m): Member => ({
        userId: m.userId,
        name: m.name,
        displayName: shown.get(m.userId)!.displayName,
        avatarColor: shown.get(m.userId)!.avatarColor,
        email: email(m.email),
        role: m.role,
        joinedAt: m.joinedAt,
        lastSeenAt: d.auth.members.lastSeen(boardId, m.userId, m.lastSeenAt, now),
      })),
      formerMembers: formers.map((f): FormerMember => ({
        userId: f.userId,
        name: f.name,
        displayName: shown.get(f.userId)!.displayName,
        avatarColor: shown.get(f.userId)!.avatarColor,
        email: email(f.email),
        role: f.departure.role,
        departedAt: f.departure.at,
        /** True: removed by someone else; false: they left. */
        removed: f.departure.by !== f.userId,
      })),
      countFormerMembers,
    });
  }));

  /** The member, or a 404; also refuses to leave a board without an owner (409). */
  const target = async (boardId: string, userId: string, newRole: Role | null): Promise<MemberRecord> => {
    const members = await d.store.listMembers(boardId);
    const member = members.find((m) => m.userId === userId);
    if (!member) throw new AppError(ErrorCode.NotFound, 'no such member');
    const owners = members.filter((m) => m.role === 'owner');
    if (newRole !== 'owner' && owners.length === 1 && owners[0]!.userId === userId) {
      throw new AppError(ErrorCode.Conflict, 'a board keeps at least one owner');
    }
    return member;
  };

  r.patch('/boards/:id/members/:userId', small, authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    const body = parse(PatchMemberSchema, req.body);
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners manage members');
    const userId = String(req.params.userId);
    const member = await target(boardId, userId, body.role);
    await d.store.setMember(boardId, userId, body.role, d.now());
    d.auth.members.changed(boardId, userId, body.role);
    d.audit.record(boardId, req.user.id, 'member.role_changed', { userId, name: member.name, from: member.role, to: body.role });
    res.json({ member: { userId, role: body.role } });
  }));

  /** Owners remove anyone; any member removes themself (leaves). Never the last owner. */
  r.delete('/boards/:id/members/:userId', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    const userId = String(req.params.userId);
    const self = userId === req.user.id;
    if (!canManage(role) && !self) throw new AppError(ErrorCode.Forbidden, 'only owners manage members');
    const member = await target(boardId, userId, null);
    const had = await d.store.membership.removeMember(boardId, userId, d.now(), req.user.id);
    if (had === null) throw new AppError(ErrorCode.NotFound, 'no such member');
    d.auth.members.changed(boardId, userId, null);
    d.audit.record(boardId, req.user.id, self ? 'member.left' : 'member.removed', { userId, name: member.name, role: had });
    res.status(204).end();
  }));
}
