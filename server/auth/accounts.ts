/**
 * Accounts [AC3–AC9]: creating one (SIGNUP=open|invite|closed), signing in with e-mail and
 * password (equal answers and back-off), claiming a name-only user's account once, changing
 * and resetting passwords, linking single sign-on by verified e-mail, and each person's own
 * audit log. Credentials themselves are Authentication's; the routes set cookies.
 */
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { AccountRecord, NewAccount, Store, UserRecord } from '../persistence/store.js';
import type { Authentication } from './authentication.js';
import { passwordProblem, type PasswordHasher } from './passwords.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { hashToken, newId, newToken } from './tokens.js';

/** What the mail engineer's Mailer provides (server/mail/mailer.ts); absent or disabled: no mail. */
export interface Mailer {
  readonly enabled: boolean;
  send(msg: { to: string; subject: string; text: string; html?: string }): Promise<void>;
}

export type SignupPolicy = 'open' | 'invite' | 'closed';

export interface AccountsOptions {
  publicUrl: string;
  signup: SignupPolicy;
  /** Lifetime of personal access tokens, the one made at sign-up included. */
  tokenTtlMs: number;
  mailer?: Mailer;
}

/** A password reset link lives this long and works once. */
export const RESET_TTL_MS = 3_600_000;
/** One reset e-mail per account per this long, whatever is asked. */
const RESET_MAIL_EVERY_MS = 60_000;

/** 429 with how long to wait (the error handler sets Retry-After). */
export class RetryLater extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(code, message);
  }
}

const invalid = () => new AppError(ErrorCode.InvalidCredentials, 'E-mail or password is wrong');

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  avatarColor?: string | undefined;
  invite?: string | undefined;
}

/** The account as GET /api/me shows it to its owner. */
export function accountJson(u: AccountRecord) {
  return { id: u.id, name: u.name, email: u.email, avatarColor: u.avatarColor, hasPassword: u.passwordHash !== null, claimed: u.claimedAt !== null };
}

export class Accounts {
  readonly #lastResetMail = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly authn: Authentication,
    private readonly hasher: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly opts: AccountsOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get signupPolicy(): SignupPolicy {
    return this.opts.signup;
  }

  get mailEnabled(): boolean {
    return this.opts.mailer?.enabled === true;
  }

  /** Who may create an account now; throws SIGNUP_CLOSED otherwise. */
  async #checkSignup(invite: string | undefined): Promise<void> {
    if (this.opts.signup === 'open') return;
    if (this.opts.signup === 'invite' && invite && (await this.store.accounts.inviteIsLive(hashToken(invite), this.now()))) return;
    throw new AppError(ErrorCode.SignupClosed, this.opts.signup === 'invite' ? 'accounts are created with an invite only: open your invite link' : 'this server does not take new accounts; ask its operator');
  }

  #checkPassword(password: string, email: string | null, name: string | null): void {
    const problem = passwordProblem(password, { email, name });
    if (problem) throw new AppError(ErrorCode.Validation, problem);
  }

  /**
   * A new account. With `withToken`, its first credential is a personal access token named
   * "sign-up" made in the same transaction (the answer for scripts and tests); otherwise the
   * route starts a browser session.
   */
  async signUp(input: SignUpInput, withToken: boolean): Promise<{ account: AccountRecord; token?: { id: string; token: string; expiresAt: number } }> {
    await this.#checkSignup(input.invite);
    this.#checkPassword(input.password, input.email, input.name);
    const now = this.now();
    const account: NewAccount = {
      id: `u_${newId()}`,
      name: input.name,
      createdAt: now,
      email: input.email,
      avatarColor: input.avatarColor ?? null,
      passwordHash: await this.hasher.hash(input.password),
      emailVerified: false,
      claimedAt: now,
    };
    const token = withToken ? { id: `c_${newId()}`, token: newToken(), expiresAt: now + this.opts.tokenTtlMs } : undefined;
    const created = await this.store.accounts.createUser(
      account,
      token ? { id: token.id, hash: hashToken(token.token), userId: account.id, kind: 'pat', name: 'sign-up', createdAt: now, expiresAt: token.expiresAt, sharedComputer: false, userAgent: null } : null,
    );
    if (created === 'email_taken') throw new AppError(ErrorCode.EmailTaken, 'an account with this e-mail exists: sign in, or reset its password');
    this.audit(account.id, account.id, 'account.created', { method: 'password' });
    if (token) this.audit(account.id, account.id, 'token.created', { credentialId: token.id, name: 'sign-up', expiresAt: token.expiresAt });
    return { account: { ...account }, ...(token ? { token } : {}) };
  }

  /**
   * The account of this e-mail and password [AC3, AC4]. An unknown e-mail, an account
   * without a password and a wrong password all cost one hash at the current cost and
   * answer the same 401; after repeated failures the account (known or not) and the address
   * back off with the same 429.
   */
  async signIn(email: string, password: string, address: string): Promise<AccountRecord> {
    const wait = this.throttle.wait(email, address);
    if (wait > 0) throw new RetryLater(ErrorCode.TooManyAttempts, 'too many failed sign-ins: wait before trying again', Math.ceil(wait / 1000));
    const account = await this.store.accounts.userByEmail(email);
    const ok = await this.hasher.verify(password, account?.passwordHash ?? null);
    if (!ok || !account) {
      this.throttle.failed(email, address);
      if (account) this.audit(account.id, 'server', 'signin.failed', { address });
      this.logger.info({ user: account?.id ?? null, address }, 'sign-in failed');
      throw invalid();
    }
    this.throttle.succeeded(email);
    if (this.hasher.needsRehash(account.passwordHash!)) {
      const rehashed = await this.hasher.hash(password);
      await this.store.accounts.setPasswordHash(account.id, rehashed);
    }
    return account;
  }

  /** A name-only user (from before accounts) sets e-mail and password, once [AC7]. */
  async claim(user: UserRecord, email: string, password: string): Promise<AccountRecord> {
    const before = await this.store.accounts.userById(user.id);
    if (!before || before.claimedAt !== null || before.passwordHash !== null || before.email !== null) {
      throw new AppError(ErrorCode.AlreadyClaimed, 'this account already has an e-mail and password: sign in with them');
    }
    this.#checkPassword(password, email, user.name);
    const r = await this.store.accounts.claim(user.id, email, await this.hasher.hash(password), this.now());
    if (r === 'already_claimed') throw new AppError(ErrorCode.AlreadyClaimed, 'this account already has an e-mail and password: sign in with them');
    if (r === 'email_taken') throw new AppError(ErrorCode.EmailTaken, 'another account has this e-mail');
    this.audit(user.id, user.id, 'account.claimed', { email });
    return (await this.store.accounts.userById(user.id))!;
  }

  /** Sets a new password after checking the current one; every other session ends. */
  async changePassword(userId: string, current: string, password: string, keepCredentialId: string): Promise<void> {
    const account = await this.store.accounts.userById(userId);
    if (!account?.passwordHash || !(await this.hasher.verify(current, account.passwordHash))) {
      throw new AppError(ErrorCode.InvalidCredentials, 'the current password is wrong');
    }
    this.#checkPassword(password, account.email, account.name);
    await this.store.accounts.setPasswordHash(userId, await this.hasher.hash(password));
    const ended = await this.authn.endCredentials(userId, { kinds: ['session'], exceptId: keepCredentialId });
    this.audit(userId, userId, 'password.changed', { sessionsEnded: ended.length });
  }

  /**
   * A reset link for the account, `${PUBLIC_URL}/reset/<token>` (1 h, single use): for the
   * mail, an owner of a shared board, or the operator's CLI. Only the token's hash is kept.
   */
  async createResetLink(userId: string, actor = 'server', detail: Record<string, unknown> = {}): Promise<string> {
    const token = newToken();
    const now = this.now();
    await this.store.accounts.createPasswordReset(hashToken(token), userId, now, now + RESET_TTL_MS);
    this.audit(userId, actor, 'password.reset_link', detail);
    return `${this.opts.publicUrl}/reset/${token}`;
  }

  /**
   * POST /api/password-reset: the route answers 202 at once, whatever the e-mail; this runs
   * afterwards, so neither the answer nor its timing says whether the account exists.
   * Without a mailer nothing is sent (the link comes from an owner or the CLI).
   */
  requestReset(email: string): void {
    void (async () => {
      const mailer = this.opts.mailer;
      if (!mailer?.enabled) return;
      const account = await this.store.accounts.userByEmail(email);
      if (!account) return;
      const now = this.now();
      const last = this.#lastResetMail.get(account.id);
      if (last !== undefined && now - last < RESET_MAIL_EVERY_MS) return;
      this.#lastResetMail.set(account.id, now);
      if (this.#lastResetMail.size > 10_000) this.#lastResetMail.delete(this.#lastResetMail.keys().next().value!);
      const url = await this.createResetLink(account.id, 'server', { via: 'mail' });
      await mailer.send({
        to: email,
        subject: 'Reset your Claimboard password',
        text: `Someone (hopefully you) asked to reset the password of your Claimboard account.\n\nSet a new one within the hour: ${url}\n\nThe link works once. If you did not ask, ignore this mail: your password stays as it is.`,
      });
    })().catch((err: unknown) => this.logger.error({ err }, 'password reset mail failed'));
  }

  /** Uses a reset link once: a new password, and every session of the account ends [AC8]. */
  async confirmReset(token: string, password: string): Promise<void> {
    const hash = hashToken(token);
    // Check the password against its account before using the link up.
    const now = this.now();
    const pending = await this.#resetAccount(hash, now);
    if (!pending) throw new AppError(ErrorCode.Gone, 'this reset link is unknown, expired or already used: ask for a new one');
    this.#checkPassword(password, pending.email, pending.name);
    const used = await this.store.accounts.usePasswordReset(hash, this.now(), await this.hasher.hash(password));
    if (!used) throw new AppError(ErrorCode.Gone, 'this reset link is unknown, expired or already used: ask for a new one');
    this.authn.credentialsEnded(used.revoked);
    this.audit(used.userId, used.userId, 'password.reset', { sessionsEnded: used.revoked.length });
  }

  async #resetAccount(hash: string, now: number): Promise<AccountRecord | null> {
    const userId = await this.store.accounts.resetUser(hash, now);
    return userId ? this.store.accounts.userById(userId) : null;
  }

  /**
   * Single sign-on: the account with this verified e-mail, or a new one [OIDC]. An account
   * someone made with this address without proving it loses its password and sessions.
   */
  async findOrCreateByVerifiedEmail(email: string, name: string): Promise<AccountRecord> {
    const now = this.now();
    const linked = await this.store.accounts.linkVerifiedEmail(
      email.trim().toLowerCase(),
      { id: `u_${newId()}`, name: name.trim().slice(0, 80) || email, createdAt: now, email: null, avatarColor: null, passwordHash: null, emailVerified: true, claimedAt: now },
      now,
    );
    this.authn.credentialsEnded(linked.revoked);
    if (linked.created) this.audit(linked.account.id, linked.account.id, 'account.created', { method: 'oidc' });
    else if (linked.revoked.length) this.audit(linked.account.id, 'server', 'account.verified', { credentialsEnded: linked.revoked.length, passwordRemoved: true });
    return linked.account;
  }

  /** One entry of the person's own audit log; a failed write is logged, never thrown. */
  audit(userId: string, actor: string, action: string, detail: Record<string, unknown> = {}): void {
    this.store.accounts
      .addUserAudit({ userId, at: this.now(), actor, action, detail })
      .catch((err: unknown) => this.logger.error({ err, action }, 'user audit write failed'));
  }
}
