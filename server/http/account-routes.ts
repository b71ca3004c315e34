/**
 * Account routes (README "API", PROTOCOL AC1–AC9): sign-up, sign-in and out, password
 * reset, the caller's profile, password, claim, sessions, personal access tokens and audit
 * log, and an owner's reset link for a member. Bodies answer `VALIDATION` naming the fields.
 */
import type { Request, Response, Router } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import { canManage } from '../../shared/protocol/roles.js';
import {
  ChangePasswordSchema,
  ClaimSchema,
  CreateTokenSchema,
  CreateUserSchema,
  CredentialIdSchema,
  PatchMeSchema,
  ResetConfirmSchema,
  ResetRequestSchema,
  SignInSchema,
} from '../../shared/protocol/account-schemas.js';
import { accountJson } from '../auth/accounts.js';
import { clearSessionCookie } from '../auth/session-cookie.js';
import type { CredentialKind } from '../persistence/store.js';
import { jsonBody, SMALL_BODY_BYTES } from './body.js';
import { parse } from './errors.js';
import { publicWrite, type SiteOptions } from './request-auth.js';
import { authed, roleOn, type AuthedRequest } from './route-helpers.js';
import type { RouteDeps } from './routes.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const body = <S extends Parameters<typeof parse>[0]>(schema: S, req: Request) => parse(schema, req.body, ErrorCode.Validation);
const userAgent = (req: Request) => (typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 300) : null);
/** The client's address (with TRUST_PROXY, the proxy's X-Forwarded-For). */
const address = (req: Request) => req.ip ?? req.socket.remoteAddress ?? '';

/** Sign-up, sign-in, password reset and what the start page needs: before authentication. */
export function accountPublicRoutes(r: Router, d: RouteDeps, site: SiteOptions): void {
  const small = jsonBody(SMALL_BODY_BYTES);
  const write = publicWrite(site);
  const { accounts, authn } = d.auth;

  const startSession = async (req: Request, res: Response, userId: string, sharedComputer: boolean, method: string) => {
    const s = await authn.startSession(res, userId, { sharedComputer, userAgent: userAgent(req), secure: req.secure });
    accounts.audit(userId, userId, 'session.started', { credentialId: s.id, method, address: address(req), userAgent: userAgent(req), sharedComputer });
  };

  /** What the start page offers. */
  r.get('/auth/config', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ signup: accounts.signupPolicy, oidc: d.oidc ?? { enabled: false, label: null }, email: accounts.mailEnabled });
  });

  r.post('/users', write, small, async (req, res) => {
    const b = body(CreateUserSchema, req);
    const { account, token } = await accounts.signUp(b, b.session !== true);
    if (!token) {
      await startSession(req, res, account.id, b.sharedComputer === true, 'sign-up');
      res.status(201).json({ user: accountJson(account) });
      return;
    }
    res.status(201).json({ user: accountJson(account), token: token.token, expiresAt: iso(token.expiresAt) });
  });

  /** Sign in [AC3, AC4]: the same 401 for an unknown e-mail and a wrong password. */
  r.post('/session', write, small, async (req, res) => {
    const b = body(SignInSchema, req);
    const account = await accounts.signIn(b.email, b.password, address(req));
    await startSession(req, res, account.id, b.sharedComputer === true, 'password');
    res.json({ user: accountJson(account) });
  });

  /** 202 whatever the e-mail; the mail (when SMTP is set up) goes out afterwards [AC8]. */
  r.post('/password-reset', write, small, (req, res) => {
    accounts.requestReset(body(ResetRequestSchema, req).email);
    res.status(202).json({ accepted: true });
  });

  r.post('/password-reset/confirm', write, small, async (req, res) => {
    const b = body(ResetConfirmSchema, req);
    await accounts.confirmReset(b.token, b.password);
    res.json({ ok: true });
  });
}

/** The caller's own account, sessions and tokens: after authentication (cookie or bearer). */
export function accountRoutes(r: Router, d: RouteDeps): void {
  const small = jsonBody(SMALL_BODY_BYTES);
  const { accounts, authn } = d.auth;
  const store = d.store.accounts;

  const account = async (req: AuthedRequest) => {
    const a = await store.userById(req.user.id);
    if (!a) throw new AppError(ErrorCode.Unauthorized, 'no such account');
    return a;
  };

  /** Ends credentials of the caller's; clears the cookie when the one in use is among them. */
  const end = async (req: AuthedRequest, res: Response, ids: string[] | undefined, kinds: CredentialKind[] | undefined, by: string) => {
    const ended = await authn.endCredentials(req.user.id, { ...(ids ? { ids } : {}), ...(kinds ? { kinds } : {}) });
    for (const id of ended) accounts.audit(req.user.id, req.user.id, kinds?.includes('session') ? 'session.ended' : 'token.revoked', { credentialId: id, by });
    if (ended.includes(req.credential.id)) clearSessionCookie(res, authn.secureCookies || req.secure);
    return ended;
  };

  /** Signs out the credential this request used (the cookie's session, or the bearer token). */
  r.delete('/session', authed(async (req, res) => {
    const kind = req.credential.kind;
    await end(req, res, [req.credential.id], [kind], 'sign-out');
    clearSessionCookie(res, authn.secureCookies || req.secure);
    res.status(204).end();
  }));

  r.get('/me', authed(async (req, res) => {
    res.set('Cache-Control', 'no-store').json({
      user: accountJson(await account(req)),
      credential: { id: req.credential.id, kind: req.credential.kind, sharedComputer: req.credential.sharedComputer },
    });
  }));

  r.patch('/me', small, authed(async (req, res) => {
    const b = body(PatchMeSchema, req);
    await store.updateProfile(req.user.id, { ...(b.name !== undefined ? { name: b.name } : {}), ...(b.avatarColor !== undefined ? { avatarColor: b.avatarColor } : {}) });
    accounts.audit(req.user.id, req.user.id, 'profile.changed', { fields: Object.keys(b) });
    res.json({ user: accountJson(await account(req)) });
  }));

  /** A new password; every other session of the caller ends. */
  r.post('/me/password', small, authed(async (req, res) => {
    const b = body(ChangePasswordSchema, req);
    await accounts.changePassword(req.user.id, b.current, b.password, req.credential.id);
    res.status(204).end();
  }));

  /** A name-only user sets e-mail and password, once; then signs in with them anywhere [AC7]. */
  r.post('/me/claim', small, authed(async (req, res) => {
    const b = body(ClaimSchema, req);
    res.json({ user: accountJson(await accounts.claim(req.user, b.email, b.password)) });
  }));

  r.get('/me/sessions', authed(async (req, res) => {
    const sessions = (await store.listCredentials(req.user.id, d.now())).filter((c) => c.kind === 'session');
    res.set('Cache-Control', 'no-store').json({
      sessions: sessions.map((c) => ({ id: c.id, createdAt: iso(c.createdAt), lastUsedAt: iso(c.lastUsedAt), expiresAt: iso(c.expiresAt), userAgent: c.userAgent, sharedComputer: c.sharedComputer, current: c.id === req.credential.id })),
    });
  }));

  r.delete('/me/sessions/:cid', authed(async (req, res) => {
    const id = CredentialIdSchema.safeParse(req.params.cid);
    if (!id.success || (await end(req, res, [id.data], ['session'], 'self')).length === 0) throw new AppError(ErrorCode.NotFound, 'no such session');
    res.status(204).end();
  }));

  /** Signs out every browser session of the caller, this one included. */
  r.delete('/me/sessions', authed(async (req, res) => {
    await end(req, res, undefined, ['session'], 'everywhere');
    res.status(204).end();
  }));

  r.get('/me/tokens', authed(async (req, res) => {
    const tokens = (await store.listCredentials(req.user.id, d.now())).filter((c) => c.kind !== 'session');
    res.set('Cache-Control', 'no-store').json({
      tokens: tokens.map((c) => ({ id: c.id, name: c.name, kind: c.kind, createdAt: iso(c.createdAt), expiresAt: iso(c.expiresAt), lastUsedAt: iso(c.lastUsedAt), current: c.id === req.credential.id })),
    });
  }));

  /** A personal access token: the secret is in this answer only [AC5]. */
  r.post('/me/tokens', small, authed(async (req, res) => {
    const b = body(CreateTokenSchema, req);
    const ttl = b.expiresInDays === undefined ? d.tokenTtlMs : b.expiresInDays * 86_400_000;
    const t = await authn.createToken(req.user.id, b.name, ttl);
    if (!t) throw new AppError(ErrorCode.Conflict, 'too many tokens: revoke some first');
    accounts.audit(req.user.id, req.user.id, 'token.created', { credentialId: t.id, name: b.name, expiresAt: t.expiresAt });
    res.status(201).json({ id: t.id, name: b.name, token: t.token, expiresAt: iso(t.expiresAt) });
  }));

  r.delete('/me/tokens/:cid', authed(async (req, res) => {
    const id = CredentialIdSchema.safeParse(req.params.cid);
    if (!id.success || (await end(req, res, [id.data], ['pat', 'legacy'], 'self')).length === 0) throw new AppError(ErrorCode.NotFound, 'no such token');
    res.status(204).end();
  }));

  /** Sign out everywhere: every credential of the caller (sessions and tokens) ends. */
  r.delete('/me/tokens', authed(async (req, res) => {
    const ended = await authn.revokeUser(req.user.id);
    accounts.audit(req.user.id, req.user.id, 'session.ended', { credentials: ended.length, by: 'everywhere' });
    clearSessionCookie(res, authn.secureCookies || req.secure);
    res.status(204).end();
  }));

  /** The caller's own audit log: sign-ins, failed sign-ins, sessions and tokens (newest 200). */
  r.get('/me/audit', authed(async (req, res) => {
    const entries = await store.listUserAudit(req.user.id, 200);
    res.set('Cache-Control', 'no-store').json({ audit: entries.map((e) => ({ at: iso(e.at), actor: e.actor, action: e.action, detail: e.detail })) });
  }));

  /**
   * An owner hands a member a password reset link (no SMTP needed): the member must have a
   * password account. Audited on the board and in the member's own log.
   */
  r.post('/boards/:id/members/:userId/reset-link', authed(async (req, res) => {
    const { boardId, role } = await roleOn(d.auth, req);
    if (!canManage(role)) throw new AppError(ErrorCode.Forbidden, 'only owners hand out reset links');
    const userId = String(req.params.userId);
    if (userId.length > 64 || !(await d.auth.members.roleOf(boardId, userId))) throw new AppError(ErrorCode.NotFound, 'no such member');
    const target = await store.userById(userId);
    if (!target?.passwordHash) throw new AppError(ErrorCode.Conflict, 'this member signs in without a password (single sign-on, or an unclaimed account)');
    const url = await accounts.createResetLink(userId, req.user.id, { boardId });
    d.audit.record(boardId, req.user.id, 'member.reset_link', { userId });
    res.status(201).json({ url });
  }));
}
