/**
 * What every authenticated REST route shares: the request type that carries the caller, the
 * wrapper that types it, and the caller's role on the board named in the URL.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode } from '../../shared/protocol/errors.js';
import type { Role } from '../../shared/protocol/roles.js';
import { IdSchema } from '../../shared/protocol/schemas.js';
import type { Auth } from '../auth/index.js';
import type { Authenticated, UserRecord } from '../persistence/store.js';

/** A request that passed authentication: its user, the credential and how it came. */
export type AuthedRequest = Request & { user: UserRecord; credential: Authenticated['credential']; via: 'bearer' | 'cookie' };

/** Express 5 forwards rejected promises to the error handler; this only types `req.user`. */
export const authed =
  (fn: (req: AuthedRequest, res: Response) => Promise<void> | void) =>
  (req: Request, res: Response, next: NextFunction) =>
    Promise.resolve(fn(req as AuthedRequest, res)).catch(next);

/** The caller's role on the board in the URL, or the same 404 as a missing board. */
export async function roleOn(auth: Auth, req: AuthedRequest): Promise<{ boardId: string; role: Role }> {
  const id = IdSchema.safeParse(req.params.id);
  const role = id.success ? await auth.members.roleOf(id.data, req.user.id) : null;
  if (!id.success || !role) throw new AppError(ErrorCode.NotFound, 'no such board');
  return { boardId: id.data, role };
}
