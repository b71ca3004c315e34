import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, ErrorCode, HTTP_STATUS } from '../../shared/protocol/errors.js';

/**
 * Parses a request part with its schema or throws a 400 that names the bad fields: those
 * missing first ("missing: email, password"), then the others with what is wrong. The
 * account routes answer with `VALIDATION`, the others with `BAD_REQUEST`.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, code: ErrorCode = ErrorCode.BadRequest): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const missing = r.error.issues.filter((i) => i.code === 'invalid_type' && i.path.length > 0 && / received undefined$/.test(i.message));
  const others = r.error.issues.filter((i) => !missing.includes(i)).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  const detail = [...(missing.length ? [`missing: ${missing.map((i) => i.path.join('.')).join(', ')}`] : []), ...others].join('; ');
  throw new AppError(code, detail.slice(0, 1000));
}

export const notFound: RequestHandler = (_req, _res, next) =>
  next(new AppError(ErrorCode.NotFound, 'no such route'));

/** Every error leaves as `{ error: { code, message } }`; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let code: ErrorCode = ErrorCode.Internal;
    let message = 'internal error';
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof AppError) {
      code = err.code;
      message = err.message;
    } else if (e?.type === 'entity.too.large') {
      code = ErrorCode.PayloadTooLarge;
      message = 'request body too large';
    } else if (e?.type === 'entity.parse.failed') {
      code = ErrorCode.BadRequest;
      message = 'request body is not valid JSON';
    } else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      code = ErrorCode.UnsupportedMediaType;
      message = 'request bodies must be UTF-8 JSON without an unsupported content encoding';
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      // Express's and body-parser's own client errors (a path with bad percent-encoding,
      // an aborted upload): their messages are written for clients and carry no stack.
      code = e.status === 413 ? ErrorCode.PayloadTooLarge : ErrorCode.BadRequest;
      message = typeof e.message === 'string' && e.message ? e.message.slice(0, 200) : 'bad request';
    } else {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    const retry = (err as { retryAfterSec?: unknown }).retryAfterSec;
    if (typeof retry === 'number') res.set('Retry-After', String(retry));
    res.status(HTTP_STATUS[code]).json({ error: { code, message } });
  };
}
