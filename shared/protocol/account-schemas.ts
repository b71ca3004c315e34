/**
 * Bodies of the account routes (README "API", PROTOCOL AC1–AC9). Strings are bounded here;
 * password rules beyond length (common passwords, equal to the e-mail) are the server's
 * (server/auth/passwords.ts). Unknown fields are refused, so a typo is a 400, not ignored.
 */
import { z } from 'zod';

export const NameSchema = z.string().trim().min(1).max(80);
/** Lower-cased and trimmed: one account per address whatever the case typed. */
export const EmailSchema = z.string().trim().max(254).pipe(z.email({ error: 'expected an e-mail address' })).transform((e) => e.toLowerCase());
/** Length only here (8–128 characters); the rest in passwordProblem. */
export const PasswordSchema = z.string().min(8, { error: 'at least 8 characters' }).max(512);
export const AvatarColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'expected a colour as #rrggbb' }).transform((c) => c.toLowerCase());
/** Secrets of invites, reset links and the like: base64url, as the server makes them. */
const SecretSchema = z.string().min(16).max(200).regex(/^[A-Za-z0-9_-]+$/);

export const CreateUserSchema = z.strictObject({
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
  avatarColor: AvatarColorSchema.optional(),
  /** Sign this browser in (a session cookie) instead of answering with a token. */
  session: z.boolean().optional(),
  sharedComputer: z.boolean().optional(),
  /** A live invite token, needed when SIGNUP=invite. */
  invite: SecretSchema.optional(),
});

export const SignInSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(512),
  sharedComputer: z.boolean().optional(),
});

export const PatchMeSchema = z
  .strictObject({ name: NameSchema.optional(), avatarColor: AvatarColorSchema.nullable().optional() })
  .refine((b) => b.name !== undefined || b.avatarColor !== undefined, { error: 'give name or avatarColor' });

export const ChangePasswordSchema = z.strictObject({
  current: z.string().min(1).max(512),
  password: PasswordSchema,
});

export const ClaimSchema = z.strictObject({ email: EmailSchema, password: PasswordSchema });

export const CreateTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  /** Default TOKEN_TTL_HOURS; every token expires. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});

export const ResetRequestSchema = z.strictObject({ email: EmailSchema });

export const ResetConfirmSchema = z.strictObject({ token: SecretSchema, password: PasswordSchema });

/** Credential ids in URLs. */
export const CredentialIdSchema = z.string().regex(/^c_[A-Za-z0-9_-]{1,40}$/);
