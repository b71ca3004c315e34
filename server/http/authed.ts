/** Route helpers shared by the REST routers. */
import type { NextFunction, Request, Response } from 'express';
import type { UserRecord } from '../persistence/store.js';

export type AuthedRequest = Request & { user: UserRecord };

/** Express 5 forwards rejected promises to the error handler; this only types `req.user`. */
export const authed =
  (fn: (req: AuthedRequest, res: Response) => Promise<void> | void) =>
  (req: Request, res: Response, next: NextFunction) =>
    Promise.resolve(fn(req as AuthedRequest, res)).catch(next);
